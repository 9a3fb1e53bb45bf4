// inline_function, the dispatcher's callback type: a callable that fits is kept in place and one
// that does not goes to the heap; either way it runs, moves with its owner and is destroyed once.
#include "inline_function.hpp"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <utility>

namespace ctigw::tsp {
namespace {

using small_fn = inline_function<64>;  // counted<8> fits (40 bytes), counted<64> does not

/// A callable of N bytes of captures that counts its calls and its live copies.
template <std::size_t N>
struct counted {
    std::shared_ptr<int> calls;
    std::shared_ptr<int> live;
    std::array<char, N> payload{};
    counted(std::shared_ptr<int> c, std::shared_ptr<int> l)
        : calls(std::move(c)), live(std::move(l)) {
        ++*live;
    }
    counted(counted&& o) noexcept : calls(o.calls), live(o.live), payload(o.payload) { ++*live; }
    counted(const counted&) = delete;
    counted& operator=(const counted&) = delete;
    counted& operator=(counted&&) = delete;
    ~counted() { --*live; }
    void operator()() const { ++*calls; }
};

template <std::size_t N>
void runs_moves_and_is_destroyed_once(bool in_place) {
    auto calls = std::make_shared<int>(0);
    auto live = std::make_shared<int>(0);
    EXPECT_EQ(small_fn::fits<counted<N>>, in_place);
    {
        small_fn f(counted<N>(calls, live));
        EXPECT_EQ(*live, 1);  // the temporary is gone, the stored one lives
        small_fn g(std::move(f));
        EXPECT_FALSE(f);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
        ASSERT_TRUE(g);
        g();
        small_fn h;
        h = std::move(g);
        h();
        EXPECT_EQ(*live, 1);
        EXPECT_EQ(*calls, 2);
        h = nullptr;
        EXPECT_EQ(*live, 0);
        EXPECT_FALSE(h);
        small_fn k(counted<N>(calls, live));
        EXPECT_EQ(*live, 1);
    }
    EXPECT_EQ(*live, 0);  // k destroyed with its scope
}

TEST(tspInlineFunction, ACallableThatFitsIsKeptInPlace) {
    runs_moves_and_is_destroyed_once<8>(true);
}

TEST(tspInlineFunction, ALargerCallableGoesToTheHeapAndBehavesTheSame) {
    runs_moves_and_is_destroyed_once<64>(false);
}

TEST(tspInlineFunction, AssigningOverAHeldCallableDestroysItFirst) {
    auto calls = std::make_shared<int>(0);
    auto live = std::make_shared<int>(0);
    small_fn f(counted<8>(calls, live));
    small_fn g(counted<64>(calls, live));
    EXPECT_EQ(*live, 2);
    f = std::move(g);
    EXPECT_EQ(*live, 1);
    f();
    EXPECT_EQ(*calls, 1);
}

}  // namespace
}  // namespace ctigw::tsp
