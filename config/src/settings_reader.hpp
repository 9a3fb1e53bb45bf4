// Private to ctigw::config's loader: the reader that checks one ctigw.json document against the
// configuration rules. Its sections are read in loader.cpp (document, dialing, logging, limits),
// loader_switch.cpp (switch, TLS, auth, reconnect) and loader_devices.cpp (lines and phones).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/config/detail/json_reader.hpp"
#include "ctigw/config/settings.hpp"

namespace ctigw::config::detail {

// Where ctigw.json wants secrets instead of inline (the hints of "inline secrets are not allowed").
inline constexpr std::string_view token_hint = "use tokenFile or tokenEnv";
inline constexpr std::string_view passphrase_hint =
    "use clientKeyPassphraseFile or clientKeyPassphraseEnv";

enum class spec_kind { any, single, range };

// Validates one JSON document against the configuration rules, collecting every problem.
class settings_reader : public json_reader {
  public:
    using json_reader::json_reader;

    settings read(const json& root);

  private:
    // Every object of ctigw.json asks for its secrets in files or the environment; the tls
    // object's one is the client key's passphrase.
    const json* object(const json& obj, const std::string& ptr, const char* key, bool required,
                       keys known);

    std::optional<std::filesystem::path> path(const json& obj, const std::string& ptr,
                                              const char* key, bool required = false);

    // A digit string of min..max digits, e.g. a dialing prefix.
    void digits(const json& obj, const std::string& ptr, const char* key, std::size_t min,
                std::size_t max, bool required, std::string& out);

    void read_switch(const json& sw, switch_settings& s);

    void read_tls(const json& tls, switch_settings& s);

    // Like the token's tokenFile/tokenEnv, but optional: only an encrypted key needs one.
    void read_passphrase_source(const json& tls, const std::string& p, tls_settings& t,
                                bool has_key);

    void read_pin(const std::string& text, const std::string& ptr, tls_settings& t);

    void read_auth(const json& auth, auth_settings& a);

    void read_reconnect(const json& r, reconnect_settings& s);

    void read_devices(const json& d, device_settings& out);

    bool check_name(const std::string& name, const std::string& ptr);

    void read_device_list(const json& d, const std::string& p, const char* key,
                          std::vector<device_range>& out, std::size_t& declared);

    bool read_device_object(const json& item, device_range& r);

    void read_role(const std::string& text, const std::string& ptr, device_range& r);

    bool parse_spec(std::string_view text, const std::string& ptr, spec_kind kind, device_range& r);

    void read_dialing(const json& d, dialing_settings& s);

    void read_logging(const json& l, logging_settings& s);

    void read_limits(const json& l, limit_settings& s);
};

}  // namespace ctigw::config::detail
