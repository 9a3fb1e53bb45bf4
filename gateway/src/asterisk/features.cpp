#include "asterisk/features.hpp"

#include "asterisk/ext_pattern.hpp"

#include <algorithm>

namespace ctigw::gateway::asterisk {

using protocol::error_category;
using protocol::forwarding_type;
namespace errv = protocol::error_values;
namespace svc = protocol::svc;
namespace evt = protocol::evt;

namespace {

constexpr std::array<forwarding_type, 3> forward_types{
    forwarding_type::immediate, forwarding_type::busy, forwarding_type::no_answer};

bool forward_number(std::string_view n) {
    return !n.empty() && n.size() <= 32 && std::all_of(n.begin(), n.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '*' || c == '#' || c == '+';
    });
}

}  // namespace

feature_store::feature_store(feature_env env, event_sink sink)
    : env_(std::move(env)), sink_(std::move(sink)) {}

feature_store::station& feature_store::at(const std::string& ext) {
    auto [it, added] = stations_.try_emplace(ext);
    if (added) {
        for (std::size_t i = 0; i < forward_types.size(); ++i) {
            it->second.forwarding[i].type = forward_types[i];
        }
    }
    return it->second;
}

bool feature_store::dnd(const std::string& ext) const {
    auto it = stations_.find(ext);
    return it != stations_.end() && it->second.dnd;
}

std::vector<ami_action> feature_store::load_actions() const {
    std::vector<ami_action> out;
    out.push_back({"DBGetTree", {{"Family", env_.dnd_family}}, true});
    for (const auto& f : env_.forward_families) out.push_back({"DBGetTree", {{"Family", f}}, true});
    // Refused without app_voicemail: no mailboxes, no message waiting.
    out.push_back({"VoicemailUsersList", {}, true});
    return out;
}

void feature_store::begin_load() {
    for (auto& [ext, st] : stations_) {
        st.dnd = false;
        for (auto& f : st.forwarding) f.active = false;
        st.mwi_loaded = false;
    }
}

void feature_store::end_load() {
    // No read service reports message waiting: what changed while the link was down is told.
    for (auto& [ext, st] : stations_) {
        if (st.mwi == st.mwi_loaded) continue;
        st.mwi = st.mwi_loaded;
        sink_(ext, mwi_event(ext, st.mwi));
    }
}

evt::message_waiting feature_store::mwi_event(const std::string& ext, bool on) {
    evt::message_waiting m;
    m.target_device = ext;
    m.message_waiting_on = on;
    return m;
}

void feature_store::on_row(const ami::message& row, bool announce) {
    if (row.event() == "VoicemailUserEntry") {
        const std::string ext(row.get("VoiceMailbox"));
        if (row.get("VMContext") != env_.voicemail_context || !env_.is_station ||
            !env_.is_station(ext)) {
            return;
        }
        at(ext).mwi_loaded = ami::to_int(row.get("NewMessageCount")).value_or(0) > 0;
        return;
    }
    std::string family(row.get("Family"));
    std::string key(row.get("Key"));
    if (family.empty()) {
        // DBGetTree names the full path: "/CF/2002".
        if (key.size() < 3 || key[0] != '/') return;
        const auto slash = key.find('/', 1);
        if (slash == std::string::npos) return;
        family = key.substr(1, slash - 1);
        key = key.substr(slash + 1);
    }
    on_value(family, key, std::string(row.get("Val")), announce);
}

void feature_store::on_value(std::string_view family, std::string_view key,
                             std::optional<std::string> value, bool announce) {
    const std::string ext(key);
    if (!env_.is_station || !env_.is_station(ext)) return;
    if (family == env_.dnd_family) {
        set_dnd(ext, value.has_value() && !value->empty(), announce);
        return;
    }
    for (std::size_t i = 0; i < env_.forward_families.size(); ++i) {
        if (family != env_.forward_families[i]) continue;
        if (value && !forward_number(*value)) value.reset();  // not a number we can report
        set_forward(ext, i, std::move(value), announce);
        return;  // one family, one forwarding type
    }
}

void feature_store::set_dnd(const std::string& ext, bool on, bool announce) {
    auto& st = at(ext);
    if (st.dnd == on) return;
    st.dnd = on;
    if (announce) sink_(ext, evt::do_not_disturb{{}, ext, on});
}

void feature_store::set_forward(const std::string& ext, std::size_t index,
                                std::optional<std::string> to, bool announce) {
    auto& entry = at(ext).forwarding[index];
    const bool active = to.has_value();
    if (entry.active == active && (!active || entry.forward_to == to)) return;
    entry.active = active;
    if (to) entry.forward_to = std::move(to);  // the last destination stays listed
    if (!announce) return;
    evt::forwarding e;
    e.device = ext;
    e.type = entry.type;
    e.forward_status = active;
    e.forward_to = entry.forward_to;
    sink_(ext, e);
}

std::optional<std::string> feature_store::ext_of_state(std::string_view device,
                                                       const std::string& pattern) const {
    auto ext = match_ext(device, pattern);
    if (!ext || !env_.is_station || !env_.is_station(*ext)) return std::nullopt;
    return ext;
}

std::vector<db_read> feature_store::on_event(const ami::message& e) {
    std::vector<db_read> reads;
    const auto name = e.event();
    if (name == "DeviceStateChange") {
        const auto device = e.get("Device");
        if (auto ext = ext_of_state(device, env_.dnd_device_state)) {
            // FreePBX sets BUSY for on and NOT_INUSE for off; anything else means "ask AstDB".
            const auto state = e.get("State");
            if (state == "BUSY" || state == "INUSE") {
                set_dnd(*ext, true, true);
            } else if (state == "NOT_INUSE") {
                set_dnd(*ext, false, true);
            } else {
                reads.push_back({env_.dnd_family, *ext});
            }
        } else if (auto fext = ext_of_state(device, env_.forward_device_state)) {
            for (const auto& f : env_.forward_families) reads.push_back({f, *fext});
        }
    } else if (name == "MessageWaiting") {
        const auto mailbox = e.get("Mailbox");
        const auto sep = mailbox.find('@');
        const auto context =
            sep == std::string_view::npos ? std::string_view("default") : mailbox.substr(sep + 1);
        const std::string ext(mailbox.substr(0, sep));
        if (context == env_.voicemail_context && env_.is_station && env_.is_station(ext)) {
            const bool on = e.get("Waiting") != "0" && !e.get("Waiting").empty();
            auto& st = at(ext);
            if (st.mwi != on) {  // app_voicemail repeats it for every new message
                st.mwi = on;
                sink_(ext, mwi_event(ext, on));
            }
        }
    }
    return reads;
}

bool feature_store::is_feature_service(const protocol::request& r) {
    return std::holds_alternative<svc::set_do_not_disturb::params>(r.params) ||
           std::holds_alternative<svc::get_do_not_disturb::params>(r.params) ||
           std::holds_alternative<svc::set_forwarding::params>(r.params) ||
           std::holds_alternative<svc::get_forwarding::params>(r.params);
}

plan_outcome feature_store::plan_feature_service(const protocol::request& r) {
    const std::string* device = std::visit(
        [](const auto& p) -> const std::string* {
            if constexpr (requires { p.device; }) {
                return &p.device;
            } else {
                return nullptr;
            }
        },
        r.params);
    if (device == nullptr || !env_.is_station || !env_.is_station(*device)) {
        return fail(error_category::operation, errv::invalid_device_id,
                    "not a station of this switch");
    }
    const std::string ext = *device;
    plan out;
    if (const auto* p = std::get_if<svc::get_do_not_disturb::params>(&r.params)) {
        out.result = svc::get_do_not_disturb::result{dnd(p->device)};
        return out;
    }
    if (std::holds_alternative<svc::get_forwarding::params>(r.params)) {
        const auto& st = at(ext);
        out.result = svc::get_forwarding::result{{st.forwarding.begin(), st.forwarding.end()}};
        return out;
    }
    if (const auto* p = std::get_if<svc::set_do_not_disturb::params>(&r.params)) {
        const bool on = p->do_not_disturb_on;
        out.actions.push_back(
            on ? ami_action{"DBPut", {{"Family", env_.dnd_family}, {"Key", ext}, {"Val", "YES"}}}
               : ami_action{"DBDel", {{"Family", env_.dnd_family}, {"Key", ext}}, true});
        if (!env_.dnd_device_state.empty()) {
            out.actions.push_back(
                {"Setvar",
                 {{"Variable", "DEVICE_STATE(" + expand_ext(env_.dnd_device_state, ext) + ")"},
                  {"Value", on ? "BUSY" : "NOT_INUSE"}}});
        }
        out.commit = [this, ext, on] { set_dnd(ext, on, true); };
        out.result = svc::set_do_not_disturb::result{};
        return out;
    }
    const auto& p = std::get<svc::set_forwarding::params>(r.params);
    const auto type = std::find(forward_types.begin(), forward_types.end(), p.type);
    if (type == forward_types.end()) {
        return fail(error_category::operation, errv::service_not_supported,
                    "this switch forwards immediately, on busy and on no answer only");
    }
    const auto index = static_cast<std::size_t>(type - forward_types.begin());
    const auto& family = env_.forward_families[index];
    if (p.activate) {
        if (!p.forward_to) {
            return fail(error_category::operation, errv::invalid_parameter_value,
                        "forwardTo is required to activate forwarding");
        }
        if (!forward_number(*p.forward_to)) {
            return fail(error_category::operation, errv::invalid_destination,
                        "forwardTo must be a number (digits, *, #, +)");
        }
        out.actions.push_back(
            {"DBPut", {{"Family", family}, {"Key", ext}, {"Val", *p.forward_to}}});
    } else {
        out.actions.push_back({"DBDel", {{"Family", family}, {"Key", ext}}, true});
    }
    if (index == 0 && !env_.forward_device_state.empty()) {
        out.actions.push_back(
            {"Setvar",
             {{"Variable", "DEVICE_STATE(" + expand_ext(env_.forward_device_state, ext) + ")"},
              {"Value", p.activate ? "BUSY" : "NOT_INUSE"}}});
    }
    std::optional<std::string> to = p.activate ? p.forward_to : std::nullopt;
    out.commit = [this, ext, index, to] { set_forward(ext, index, to, true); };
    out.result = svc::set_forwarding::result{};
    return out;
}

}  // namespace ctigw::gateway::asterisk
