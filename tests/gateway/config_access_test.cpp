#include "ctigw/gateway/access.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

namespace ctigw::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

device_set ds(std::vector<device_range> items) {
    return device_set(std::move(items));
}

client make_client(std::string name, const std::string& token, device_set devices,
                   device_set monitor_only = {}) {
    return {std::move(name), hash_token(token), std::move(devices), std::move(monitor_only)};
}

TEST(gateway_token, generated_tokens_are_long_random_and_url_safe) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const std::string t = generate_token();
        EXPECT_THAT(t, MatchesRegex("[A-Za-z0-9_-]{43}"));
        EXPECT_GE(t.size(), 43U);
        seen.insert(t);
    }
    EXPECT_EQ(seen.size(), 100U);
}

TEST(gateway_token, hash_round_trip) {
    const std::string token = generate_token();
    const std::string hash = hash_token(token);
    EXPECT_THAT(hash, MatchesRegex("sha256\\$[0-9a-f]{32}\\$[0-9a-f]{64}"));
    EXPECT_THAT(hash, Not(HasSubstr(token)));
    EXPECT_TRUE(is_token_hash(hash));
    EXPECT_TRUE(verify_token(token, hash));
    // Fresh salt each time: equal tokens do not give equal hashes.
    EXPECT_NE(hash_token(token), hash);
    EXPECT_TRUE(verify_token(token, hash_token(token)));
}

TEST(gateway_token, known_vector) {
    // salt = bytes 00..0f; SHA-256(salt || token) computed independently with Python's hashlib.
    const std::string hash =
        "sha256$000102030405060708090a0b0c0d0e0f$"
        "340590c1994fa7d4ffc76678e23bd3db322a0562b3fd451b6e81399df5578bb3";
    ASSERT_TRUE(is_token_hash(hash));
    EXPECT_TRUE(verify_token("correct-horse-battery-staple", hash));
    EXPECT_FALSE(verify_token("correct-horse-battery-stapler", hash));
    const access_control ac(std::vector<client>{{"known", hash, device_set::every_device(), {}}});
    EXPECT_NE(ac.authenticate("correct-horse-battery-staple"), nullptr);
}

TEST(gateway_token, wrong_token_is_refused) {
    const std::string token = generate_token();
    const std::string hash = hash_token(token);
    std::string other = token;
    other.back() = other.back() == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verify_token(other, hash));
    EXPECT_FALSE(verify_token(token + "x", hash));
    EXPECT_FALSE(verify_token("", hash));
}

TEST(gateway_token, malformed_hashes_are_not_hashes) {
    const std::string good = hash_token(generate_token());
    EXPECT_TRUE(is_token_hash(good));
    std::string upper = good;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_FALSE(is_token_hash(upper));  // "SHA256$" is not the scheme
    upper.replace(0, 7, "sha256$");
    EXPECT_TRUE(is_token_hash(upper));  // hex digits may be upper case
    for (const std::string& bad :
         {std::string(), std::string("sha256$"), good.substr(0, good.size() - 1), good + "0",
          "sha512" + good.substr(6), good.substr(0, 10) + "g" + good.substr(11),
          good.substr(0, 39) + ":" + good.substr(40), generate_token()}) {
        EXPECT_FALSE(is_token_hash(bad)) << bad;
        EXPECT_FALSE(verify_token(generate_token(), bad));
    }
}

TEST(gateway_token, short_or_dirty_tokens_are_refused_without_echo) {
    const std::string short_token(min_token_length - 1, 'x');
    try {
        (void)hash_token(short_token);
        FAIL() << "accepted a short token";
    } catch (const std::invalid_argument& e) {
        EXPECT_THAT(e.what(), HasSubstr("too short"));
        EXPECT_THAT(e.what(), Not(HasSubstr(short_token)));
    }
    EXPECT_NO_THROW((void)hash_token(std::string(min_token_length, 'x')));
    EXPECT_THROW((void)hash_token(std::string(max_token_length + 1, 'x')), std::invalid_argument);
    const std::string spaced = "abcdefghijkl mnopqrstuvwxyz0123";
    try {
        (void)hash_token(spaced);
        FAIL() << "accepted a token with a space";
    } catch (const std::invalid_argument& e) {
        EXPECT_THAT(e.what(), Not(HasSubstr("abcdef")));
    }
    EXPECT_THROW((void)hash_token(std::string(30, 'x') + "\n"), std::invalid_argument);
}

TEST(gateway_device_set, single_range_and_all) {
    const device_set s = ds({{"2001", "2001"}, {"3000", "3099"}, {"sales", "sales"}});
    EXPECT_TRUE(s.contains("2001"));
    EXPECT_FALSE(s.contains("2000"));
    EXPECT_FALSE(s.contains("2002"));
    EXPECT_TRUE(s.contains("3000"));
    EXPECT_TRUE(s.contains("3050"));
    EXPECT_TRUE(s.contains("3099"));
    EXPECT_FALSE(s.contains("3100"));
    EXPECT_FALSE(s.contains("2999"));
    EXPECT_FALSE(s.contains("30500"));  // other width
    EXPECT_FALSE(s.contains("305"));
    EXPECT_FALSE(s.contains("03050"));
    EXPECT_TRUE(s.contains("sales"));
    EXPECT_FALSE(s.contains("Sales"));
    EXPECT_FALSE(s.contains(""));
    EXPECT_FALSE(s.contains("*"));
    EXPECT_FALSE(s.all());
    EXPECT_FALSE(s.empty());
    EXPECT_EQ(s.size_hint(), 102U);

    const device_set all = device_set::every_device();
    EXPECT_TRUE(all.all());
    EXPECT_TRUE(all.contains("2001"));
    EXPECT_TRUE(all.contains("anything"));
    EXPECT_EQ(all.size_hint(), std::numeric_limits<std::size_t>::max());
    EXPECT_TRUE(all.items().empty());

    const device_set none;
    EXPECT_TRUE(none.empty());
    EXPECT_FALSE(none.contains("2001"));
    EXPECT_EQ(none.size_hint(), 0U);
}

TEST(gateway_device_set, overlapping_items_are_merged) {
    const device_set s = ds({{"2050", "2150"},
                             {"2000", "2099"},
                             {"2100", "2100"},
                             {"9", "9"},
                             {"2200", "2299"},
                             {"x", "x"},
                             {"x", "x"}});
    EXPECT_EQ(s.items(), (std::vector<device_range>{
                             {"9", "9"}, {"2000", "2150"}, {"2200", "2299"}, {"x", "x"}}));
    EXPECT_EQ(s.size_hint(), 1U + 151U + 100U + 1U);
    EXPECT_TRUE(s.contains("2150"));
    EXPECT_FALSE(s.contains("2151"));
    EXPECT_TRUE(s.contains("9"));
}

TEST(gateway_device_set, wide_ranges_do_not_overflow) {
    const device_set s = ds({{std::string(32, '0'), std::string(32, '9')}});
    EXPECT_TRUE(s.contains(std::string(31, '0') + "7"));
    EXPECT_EQ(s.size_hint(), std::numeric_limits<std::size_t>::max());
}

TEST(gateway_access, monitor_only_versus_control) {
    const client c{"tapi-server", hash_token(generate_token()), ds({{"2000", "2099"}}),
                   device_set::every_device()};
    EXPECT_EQ(access_control::rights(c, "2000"), access::control);
    EXPECT_EQ(access_control::rights(c, "2099"), access::control);
    EXPECT_EQ(access_control::rights(c, "2100"), access::monitor);
    EXPECT_EQ(access_control::rights(c, "7001"), access::monitor);

    const client agent{"agent", hash_token(generate_token()), ds({{"2001", "2001"}}), {}};
    EXPECT_EQ(access_control::rights(agent, "2001"), access::control);
    EXPECT_EQ(access_control::rights(agent, "2002"), access::none);

    // Listed in both: control wins (control implies monitor).
    const client both{"both", hash_token(generate_token()), ds({{"2001", "2001"}}),
                      ds({{"2000", "2009"}})};
    EXPECT_EQ(access_control::rights(both, "2001"), access::control);
    EXPECT_EQ(access_control::rights(both, "2002"), access::monitor);
    EXPECT_STREQ(to_string(access::monitor), "monitor");
}

TEST(gateway_access, authenticate_finds_the_right_client) {
    const std::string t1 = generate_token();
    const std::string t2 = generate_token();
    const std::string t3 = generate_token();
    const access_control ac(
        std::vector<client>{make_client("agent", t1, ds({{"2001", "2001"}})),
                            make_client("server", t2, ds({{"2000", "2099"}})),
                            make_client("supervisor", t3, {}, device_set::every_device())});
    ASSERT_NE(ac.authenticate(t1), nullptr);
    EXPECT_EQ(ac.authenticate(t1)->name, "agent");
    EXPECT_EQ(ac.authenticate(t2)->name, "server");
    EXPECT_EQ(ac.authenticate(t3)->name, "supervisor");
    EXPECT_EQ(ac.authenticate(generate_token()), nullptr);
    EXPECT_EQ(ac.authenticate(""), nullptr);
    EXPECT_EQ(ac.authenticate(t1.substr(0, 30)), nullptr);
    EXPECT_EQ(ac.authenticate(std::string(100000, 'a')), nullptr);
    EXPECT_EQ(ac.find("server"), ac.authenticate(t2));
    EXPECT_EQ(ac.find("nobody"), nullptr);
}

TEST(gateway_access, shared_token_first_client_wins_and_bad_hash_never_matches) {
    const std::string t = generate_token();
    client broken{"broken", "not-a-hash", device_set::every_device(), {}};
    const access_control ac(std::vector<client>{std::move(broken),
                                                make_client("first", t, ds({{"1", "1"}})),
                                                make_client("second", t, ds({{"2", "2"}}))});
    ASSERT_NE(ac.authenticate(t), nullptr);
    EXPECT_EQ(ac.authenticate(t)->name, "first");
}

// What authentication costs with many clients (every hash is computed: constant time) is not
// timed here: a loaded machine made a 20 ms bound fail.
TEST(gateway_access, authentication_finds_the_last_of_many_clients) {
    std::vector<client> clients;
    for (int i = 0; i < 1000; ++i) {
        clients.push_back(make_client("c" + std::to_string(i), generate_token(), {}));
    }
    const std::string last = generate_token();
    clients.push_back(make_client("last", last, {}));
    const access_control ac(std::move(clients));
    const auto* found = ac.authenticate(last);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->name, "last");
    EXPECT_EQ(ac.authenticate(generate_token()), nullptr);
}

}  // namespace
}  // namespace ctigw::gateway
