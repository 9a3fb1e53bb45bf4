// backend.sim.acd: the simulator's ACD groups, not-ready reasons and agent PINs
// (docs/gateway-config.md, docs/pbx-sim.md "ACD groups and agents").
#include <algorithm>

#include "reader.hpp"

namespace ctigw::gateway::detail {

namespace {
constexpr std::size_t max_reasons = 100;
constexpr std::size_t max_text = 64;

bool is_code(std::string_view s) {
    return !s.empty() && s.size() <= max_text && std::all_of(s.begin(), s.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b > 0x20 && b != 0x7F;
    });
}
}  // namespace

void gateway_reader::read_sim_acd(const json& s, const std::string& p,
                                  const config::detail::extension_set& stations,
                                  sim_backend_settings& out) {
    const json* acd = object(s, p, "acd", false, {"groups", "reasons", "agentPins"}, generic_hint);
    if (acd == nullptr) return;
    const std::string ap = p + "/acd";
    // Objects whose keys are names (extensions, agent IDs), not a fixed set.
    auto named = [&](const char* key) -> const json* {
        const json* o = find(*acd, key);
        if (o != nullptr && !o->is_object()) {
            error(child(ap, key), "expected an object, found " + describe(*o));
            return nullptr;
        }
        return o;
    };
    if (const json* groups = named("groups")) {
        const std::string gp = ap + "/groups";
        for (auto it = groups->begin(); it != groups->end(); ++it) {
            const std::string& ext = it.key();
            const std::string kp = child(gp, ext);
            if (!config::detail::is_extension(ext)) {
                key_error(kp, "an ACD group is an extension (1 to 32 digits)");
                continue;
            }
            if (stations.contains(ext)) {
                key_error(kp, "ACD group " + quote(ext) + " is also a station");
                continue;
            }
            if (std::find(out.park_orbits.begin(), out.park_orbits.end(), ext) !=
                out.park_orbits.end()) {
                key_error(kp, "ACD group " + quote(ext) + " is also a park orbit");
                continue;
            }
            const json& g = it.value();
            if (!g.is_object()) {
                error(kp, "expected an object, found " + describe(g));
                continue;
            }
            check_keys(g, kp, {"name", "agents", "maxQueued", "overflowTo", "wrapupSeconds"},
                       generic_hint);
            sim_backend_settings::acd_group group;
            if (auto v = string(g, kp, "name")) group.name = *v;
            if (const json* agents = array(g, kp, "agents", false)) {
                for (std::size_t i = 0; i < agents->size(); ++i) {
                    const json& m = (*agents)[i];
                    const std::string mp = child(kp + "/agents", i);
                    if (!m.is_string() || !stations.contains(m.get<std::string>())) {
                        error(mp, "agents must be configured stations");
                    } else if (std::find(group.agents.begin(), group.agents.end(),
                                         m.get<std::string>()) != group.agents.end()) {
                        error(mp, "station " + quote(m.get<std::string>()) + " is listed twice");
                    } else {
                        group.agents.push_back(m.get<std::string>());
                    }
                }
            }
            if (auto v = integer(g, kp, "maxQueued", 0, 10000)) {
                group.max_queued = static_cast<std::uint32_t>(*v);
            }
            if (auto v = string(g, kp, "overflowTo")) {
                if (!config::detail::is_extension(*v) || *v == ext) {
                    error(kp + "/overflowTo", "expected another extension (1 to 32 digits)");
                } else {
                    group.overflow_to = *v;
                }
            }
            if (auto v = integer(g, kp, "wrapupSeconds", 0, 3600)) {
                group.wrapup = std::chrono::seconds(*v);
            }
            out.acd_groups.emplace(ext, std::move(group));
        }
    }
    if (const json* reasons = array(*acd, ap, "reasons", false)) {
        const std::string rp = ap + "/reasons";
        if (reasons->size() > max_reasons) {
            error(rp, "at most " + std::to_string(max_reasons) + " reasons");
        }
        for (std::size_t i = 0; i < reasons->size() && i < max_reasons; ++i) {
            const json& r = (*reasons)[i];
            const std::string ip = child(rp, i);
            if (!r.is_object()) {
                error(ip, "expected { \"code\": ..., \"name\": ... }, found " + describe(r));
                continue;
            }
            check_keys(r, ip, {"code", "name"}, generic_hint);
            auto code = string(r, ip, "code", true);
            auto name = string(r, ip, "name");
            if (!code) continue;
            if (!is_code(*code)) {
                error(ip + "/code", "a reason code is 1 to 64 characters without spaces");
            } else if (std::any_of(out.not_ready_reasons.begin(), out.not_ready_reasons.end(),
                                   [&](const auto& x) { return x.first == *code; })) {
                error(ip + "/code", "reason " + quote(*code) + " is listed twice");
            } else {
                out.not_ready_reasons.emplace_back(*code, name.value_or(""));
            }
        }
    }
    if (const json* pins = named("agentPins")) {
        const std::string pp = ap + "/agentPins";
        for (auto it = pins->begin(); it != pins->end(); ++it) {
            const std::string kp = child(pp, it.key());
            if (!is_code(it.key())) {
                key_error(kp, "an agent ID is 1 to 64 characters without spaces");
            } else if (!it.value().is_string() || !is_code(it.value().get<std::string>())) {
                error(kp, "a PIN is 1 to 64 characters without spaces");
            } else {
                out.agent_pins.emplace(it.key(), it.value().get<std::string>());
            }
        }
    }
}

}  // namespace ctigw::gateway::detail
