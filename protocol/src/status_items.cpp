// share_equal_reads and resolve_same_as (status_services.hpp): an answer's items that repeat an
// earlier item's reads carry them once. Each StatusRead is one member of device_status_item, or
// one entry of its `errors`; a read "has content" in an item when its member is present
// (non-empty array) or it is listed in `errors`.
#include <algorithm>
#include <array>
#include <type_traits>

#include "ctigw/protocol/checks.hpp"
#include "ctigw/protocol/status_services.hpp"

namespace ctigw::protocol {
namespace {

constexpr std::array<status_read, 7> every_read{
    status_read::forwarding, status_read::do_not_disturb, status_read::display,
    status_read::hookswitch, status_read::ringer,         status_read::buttons,
    status_read::lamps};

/// Calls f with the member that carries `read`.
template <class F>
decltype(auto) with_member(status_read read, F&& f) {
    switch (read) {
        case status_read::forwarding:
            return f(&device_status_item::forwarding);
        case status_read::do_not_disturb:
            return f(&device_status_item::do_not_disturb);
        case status_read::display:
            return f(&device_status_item::display);
        case status_read::hookswitch:
            return f(&device_status_item::hookswitches);
        case status_read::ringer:
            return f(&device_status_item::ringer);
        case status_read::buttons:
            return f(&device_status_item::buttons);
        case status_read::lamps:
            break;
    }
    return f(&device_status_item::lamps);
}

template <class M>
bool present(const M& m) {
    if constexpr (requires { m.has_value(); }) {
        return m.has_value();
    } else {
        return !m.empty();
    }
}

const status_read_error* error_of(const device_status_item& item, status_read read) {
    for (const auto& e : item.errors) {
        if (e.read == read) return &e;
    }
    return nullptr;
}

/// What `read` is in an item compared with the same read of `ref`.
enum class match : std::uint8_t {
    neither,   ///< no content in either: nothing to carry, nothing to inherit
    equal,     ///< the same value or error: the item may leave it to ref
    differs,   ///< the item carries its own
    conflict,  ///< the item has no content but ref has: it cannot refer to ref
};

match compare(const device_status_item& item, const device_status_item& ref, status_read read) {
    return with_member(read, [&](auto member) {
        const auto& mine = item.*member;
        const auto& theirs = ref.*member;
        const auto* my_error = error_of(item, read);
        const auto* their_error = error_of(ref, read);
        const bool has = present(mine) || my_error != nullptr;
        const bool ref_has = present(theirs) || their_error != nullptr;
        if (!has) return ref_has ? match::conflict : match::neither;
        if (present(mine) && present(theirs) && mine == theirs) return match::equal;
        if (my_error && their_error && my_error->error == their_error->error) return match::equal;
        return match::differs;
    });
}

/// How many reads `item` may leave to `ref`; -1 if it cannot refer to it.
int shared_reads(const device_status_item& item, const device_status_item& ref) {
    int n = 0;
    for (const auto read : every_read) {
        const auto m = compare(item, ref, read);
        if (m == match::conflict) return -1;
        if (m == match::equal) ++n;
    }
    return n;
}

/// Reads with content in an item.
int reads_with_content(const device_status_item& item) {
    int n = 0;
    for (const auto read : every_read) {
        with_member(read, [&](auto member) {
            if (present(item.*member) || error_of(item, read)) ++n;
        });
    }
    return n;
}

/// An earlier item kept whole, to compare later ones with.
struct layout {
    std::uint32_t index;
    device_status_item item;
};

/// The one rule for references, checked when decoding (check below) and again by
/// resolve_same_as for items that did not come through the decoder.
const char* same_as_problem(const std::vector<device_status_item>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& ref = items[i].same_as;
        if (!ref) continue;
        if (*ref >= i) return "sameAs must name an earlier item";
        if (items[*ref].error) return "sameAs names an item that carries error";
        if (items[i].error) return "an item carries either error or sameAs";
    }
    return nullptr;
}

// A few layouts per answer: a call centre's phones come in a handful of models; comparing with
// more would cost more than the bytes it saves.
constexpr std::size_t max_layouts = 8;

}  // namespace

void share_equal_reads(std::vector<device_status_item>& items) {
    std::vector<layout> layouts;
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto& item = items[i];
        if (item.error || item.same_as) continue;
        const int content = reads_with_content(item);
        std::size_t best = layouts.size();
        int best_shared = 0;
        for (std::size_t l = 0; l < layouts.size() && best_shared < content; ++l) {
            const int n = shared_reads(item, layouts[l].item);
            if (n > best_shared) {
                best = l;
                best_shared = n;
            }
        }
        const bool found = best < layouts.size();
        // An item the layouts do not cover whole becomes one (kept whole, before it shrinks).
        if ((!found || best_shared < content) && layouts.size() < max_layouts) {
            layouts.push_back({static_cast<std::uint32_t>(i), item});
        }
        if (!found) continue;
        const auto& ref = layouts[best];
        for (const auto read : every_read) {
            if (compare(item, ref.item, read) != match::equal) continue;
            with_member(read, [&](auto member) { item.*member = {}; });
            std::erase_if(item.errors, [&](const auto& e) { return e.read == read; });
        }
        item.same_as = ref.index;
    }
}

void sort_errors(device_status_item& item) {
    std::stable_sort(item.errors.begin(), item.errors.end(),
                     [](const auto& a, const auto& b) { return a.read < b.read; });
}

namespace svc {
const char* check(const get_device_status_batch::result& r) {
    return same_as_problem(r.results);
}
}  // namespace svc

const char* resolve_same_as(std::vector<device_status_item>& items) {
    if (const char* problem = same_as_problem(items)) return problem;
    for (auto& item : items) {
        if (!item.same_as) continue;
        const auto& ref = items[*item.same_as];
        bool errors_added = false;
        for (const auto read : every_read) {
            if (error_of(item, read)) continue;
            with_member(read, [&](auto member) {
                if (present(item.*member)) return;
                if (present(ref.*member)) {
                    item.*member = ref.*member;
                } else if (const auto* e = error_of(ref, read)) {
                    item.errors.push_back(*e);
                    errors_added = true;
                }
            });
        }
        if (errors_added) sort_errors(item);
        item.same_as.reset();
    }
    return nullptr;
}

}  // namespace ctigw::protocol
