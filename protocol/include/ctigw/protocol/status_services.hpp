// GetDeviceStatusBatch, version 3 of ctigw.csta.v1 (docs/protocol.md §5.11): the device status a
// client reads when it starts and after every resync (forwarding, do-not-disturb and the phone's
// display, hookswitches, ringer, buttons and lamps) for many devices in one request, instead of
// one Get* request per device and kind (950,000 requests for 50,000 lines and phones). A ctigw
// extension: ECMA-269 has only the per-device services, whose results the items reuse.
//
// Thread safety: plain values; usable from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "ctigw/protocol/types.hpp"

namespace ctigw::protocol {

/// One kind of device status GetDeviceStatusBatch can read; each names the Get* service whose
/// result it carries.
enum class status_read : std::uint8_t {
    forwarding,      ///< GetForwarding
    do_not_disturb,  ///< GetDoNotDisturb
    display,         ///< GetDisplay
    hookswitch,      ///< GetHookswitchStatus
    ringer,          ///< GetRingerStatus
    buttons,         ///< GetButtonInformation (every button)
    lamps,           ///< GetLampMode of every lamp GetButtonInformation names
};
template <>
struct enum_traits<status_read> {
    static constexpr std::array<std::string_view, 7> names{
        "forwarding", "doNotDisturb", "display", "hookswitch", "ringer", "buttons", "lamps"};
    static constexpr bool open = false;
};

/// A lamp's mode (an item of DeviceStatusItem's `lamps`).
struct lamp_status {
    std::uint32_t lamp = 0;
    lamp_mode mode = lamp_mode::off;
    friend bool operator==(const lamp_status&, const lamp_status&) = default;
    static constexpr auto fields() {
        return std::tuple{req("lamp", &lamp_status::lamp), req("lampMode", &lamp_status::mode)};
    }
};

/// A read the switch could not do for a device (the Get* service's error).
struct status_read_error {
    status_read read = status_read::forwarding;
    csta_error error;
    friend bool operator==(const status_read_error&, const status_read_error&) = default;
    static constexpr auto fields() {
        return std::tuple{req("read", &status_read_error::read),
                          req("error", &status_read_error::error)};
    }
};

/// The status of one device. `error`: nothing could be read (unknown device, outside the
/// client's rights) and no other member is present. Otherwise every requested read is either
/// present (an absent array means empty) or listed in `errors` — or, with `same_as` (only when
/// the client asked with allowSameAs), neither: then it is that of the earlier item `same_as`
/// names (see share_equal_reads, resolve_same_as below).
struct device_status_item {
    std::string device;
    std::optional<std::uint32_t> same_as;  ///< index of an earlier item of the same answer
    std::optional<csta_error> error;
    std::vector<forwarding_entry> forwarding;
    std::optional<bool> do_not_disturb;
    std::optional<display_status> display;
    std::vector<hookswitch_status> hookswitches;
    std::optional<ringer_status> ringer;
    std::vector<button_info> buttons;
    std::vector<lamp_status> lamps;
    std::vector<status_read_error> errors;
    friend bool operator==(const device_status_item&, const device_status_item&) = default;
    static constexpr auto fields() {
        return std::tuple{req("device", &device_status_item::device),
                          opt("sameAs", &device_status_item::same_as),
                          opt("error", &device_status_item::error),
                          opt("forwarding", &device_status_item::forwarding),
                          opt("doNotDisturbOn", &device_status_item::do_not_disturb),
                          opt("display", &device_status_item::display),
                          opt("hookswitches", &device_status_item::hookswitches),
                          opt("ringer", &device_status_item::ringer),
                          opt("buttons", &device_status_item::buttons),
                          opt("lamps", &device_status_item::lamps),
                          opt("errors", &device_status_item::errors)};
    }
};

namespace svc {

struct get_device_status_batch {
    static constexpr std::string_view name = "GetDeviceStatusBatch";
    static constexpr std::uint32_t since_version = 3;
    struct params {
        std::vector<std::string> devices;  ///< 1..maxBatchSize
        std::vector<status_read> reads;    ///< what to read of every device; 1..7, no repeats
        /// The client resolves items' `sameAs` (resolve_same_as); a switch that does not know
        /// the member ignores it and sends every item whole.
        std::optional<bool> allow_same_as;
        friend bool operator==(const params&, const params&) = default;
        static constexpr auto fields() {
            return std::tuple{req("devices", &params::devices), req("reads", &params::reads),
                              opt("allowSameAs", &params::allow_same_as)};
        }
    };
    struct result {
        std::vector<device_status_item> results;  ///< one per device, in the request's order
        friend bool operator==(const result&, const result&) = default;
        static constexpr auto fields() { return std::tuple{req("results", &result::results)}; }
    };
};

}  // namespace svc

/// For a switch answering a client that allowSameAs: drops from each item the reads (values or
/// errors) that equal those of an earlier item and names that item in `same_as`, so that an
/// answer about many alike phones (the same buttons, idle lamps) carries each layout once.
/// Items are compared with a few earlier ones kept whole (the first of each layout); an item is
/// never made to inherit a read it lacks (an empty array cannot be written), and error items
/// are left alone. resolve_same_as(share_equal_reads(x)) gives back x.
void share_equal_reads(std::vector<device_status_item>& items);

/// Orders an item's `errors` by StatusRead, the order a switch sends them in.
void sort_errors(device_status_item& item);

/// For a client: fills in every read an item with `same_as` neither carries nor names in
/// `errors` from the item it names (resolved in order, so chains work) and clears `same_as`.
/// Returns nullptr, or what is wrong (a reference to no earlier item, or to an error item;
/// check(result) rejects those already when decoding).
const char* resolve_same_as(std::vector<device_status_item>& items);

}  // namespace ctigw::protocol
