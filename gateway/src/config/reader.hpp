#pragma once

// Internal: validates one ctigw-gateway.json document, collecting every problem. Split over
// loader.cpp (root, listen, tls, limits, status, logging), clients.cpp (clients, device sets,
// backend, the simulator) and asterisk.cpp (backend.asterisk). One instance per load; not shared
// between threads.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/config/detail/json_reader.hpp"
#include "ctigw/config/detail/text.hpp"
#include "ctigw/gateway/loader.hpp"

namespace ctigw::gateway::detail {

using config::detail::child;
using config::detail::describe;
using config::detail::json;
using config::detail::json_reader;
using config::detail::keys;
using config::detail::looks_like_token;
using config::detail::quote;

/// What an unknown key that looks like a secret is told.
inline constexpr std::string_view generic_hint =
    "the file names where a secret is kept, never the secret (docs/gateway-config.md)";

class gateway_reader : public json_reader {
  public:
    gateway_reader(const config::detail::position_index& index, std::filesystem::path base,
                   const load_options& options)
        : json_reader(index), base_(std::move(base)), options_(options) {}

    gateway_settings read(const json& root);

  private:
    // loader.cpp
    void read_listen(const json& list, std::vector<listen_settings>& out);
    void read_tls(const json& tls, tls_settings& out);
    void read_limits(const json& l, limit_settings& out);
    void read_status(const json& s, const std::vector<listen_settings>& listen,
                     std::optional<status_settings>& out);
    void read_logging(const json& l, logging_settings& out);
    std::optional<std::string> address(const json& obj, const std::string& ptr);
    /** A path, resolved against the base directory, checked for readability when asked to. */
    std::optional<std::filesystem::path> file(const json& obj, const std::string& ptr,
                                              const char* key, bool required, bool must_exist);
    bool is_env_name(const std::string& ptr, const std::string& name);

    // clients.cpp
    void read_clients(const json& list, std::vector<client>& out);
    bool read_client(const json& item, const std::string& ptr, client& out);
    std::optional<device_set> read_device_set(const json& obj, const std::string& ptr,
                                              const char* key, bool required);
    std::optional<device_range> read_range_object(const json& item, const std::string& ptr);
    void read_backend(const json& b, backend_settings& out);
    void read_sim(const json& s, sim_backend_settings& out);
    // sim_acd.cpp
    void read_sim_acd(const json& s, const std::string& p,
                      const config::detail::extension_set& stations, sim_backend_settings& out);
    /** `key`: group name -> member stations (each a station of `stations`, listed once). */
    void read_pickup_groups(const json& obj, const std::string& p, const char* key,
                            const config::detail::extension_set& stations,
                            std::map<std::string, std::vector<std::string>, std::less<>>& out);
    /** A list of stations (extensions and ranges, no overlaps, at most 100,000 in all): the
     * valid items, after reporting the others. `owner` names the backend in messages. */
    std::vector<device_range> read_stations(const json& list, const std::string& lp,
                                            std::string_view owner);

    // asterisk.cpp
    void read_asterisk(const json& a, asterisk_backend_settings& out);
    void read_ami(const json& a, asterisk_ami_settings& out);
    void read_channel_patterns(const json& a, const std::string& p, asterisk_backend_settings& out);
    void read_endpoints(const json& a, const std::string& p, asterisk_backend_settings& out);
    void read_asterisk_features(const json& a, const std::string& p,
                                asterisk_backend_settings& out);
    void read_asterisk_queues(const json& a, const std::string& p, asterisk_backend_settings& out);
    void read_asterisk_answer(const json& a, const std::string& p,
                              const config::detail::extension_set& stations,
                              asterisk_backend_settings& out);
    /** An optional dialplan name (context, lot, AstDB family, profile); `out` keeps its default
     * when absent. */
    void dialplan_name(const json& obj, const std::string& ptr, const char* key, std::string& out);

    std::filesystem::path base_;
    load_options options_;
};

}  // namespace ctigw::gateway::detail
