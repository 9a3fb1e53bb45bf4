#pragma once

// Internal: typed access to a parsed JSON document that reports every problem as a located
// diagnostic (JSON pointer + line:column from config::detail::position_index), in the style of the
// TSP's config loader. Values that look like secrets are never echoed.

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ctigw/config/detail/position_index.hpp"
#include "ctigw/config/diagnostic.hpp"

namespace ctigw::gateway::detail {

using json = nlohmann::json;
using keys = std::initializer_list<std::string_view>;

std::string child(const std::string& ptr, std::string_view key);
std::string child(const std::string& ptr, std::size_t index);

/** "an object", "a string", ... for "expected X, found Y" messages. */
std::string describe(const json& j);

/**
 * Whether a value could be or contain a token or other credential: a run of 20 or more
 * characters from the base64/hex/hash alphabets with both letters and digits. Such values are
 * never echoed.
 */
bool looks_like_token(std::string_view s) noexcept;

/** Whether an object key names a credential ("token", "password", "apiKey", ...). */
bool looks_like_secret_key(std::string_view key);

/**
 * A user value quoted for a message: shortened, control characters replaced, and replaced by
 * "(a value of N characters, not shown)" when looks_like_token().
 */
std::string quote(std::string_view s);

/** The parse error of nlohmann::json as a located diagnostic, without the text it choked on. */
config::diagnostic syntax_error(std::string_view text, const json::parse_error& e);

class json_reader {
  public:
    explicit json_reader(const config::detail::position_index& index) : index_(index) {}

    std::vector<config::diagnostic> take_errors() { return std::move(errors_); }

  protected:
    void error(const std::string& ptr, std::string message);
    void key_error(const std::string& ptr, std::string message);
    void missing(const std::string& ptr, std::string_view key);
    /** Reports duplicate keys found by the position index. */
    void report_duplicate_keys();
    /** Unknown keys: secrets get `secret_hint`, others a did-you-mean or the list of keys. */
    void check_keys(const json& obj, const std::string& ptr, keys known,
                    std::string_view secret_hint);

    config::detail::text_position position(const std::string& ptr) const {
        return index_.value_position(ptr);
    }
    /** " (first at /x/0, line L, column C)"-style reference to an earlier value. */
    std::string where(const std::string& ptr) const;

    static const json* find(const json& obj, const char* key);

    // Each returns nothing (after reporting) when the value is absent or unusable.
    const json* object(const json& obj, const std::string& ptr, const char* key, bool required,
                       keys known, std::string_view secret_hint);
    const json* array(const json& obj, const std::string& ptr, const char* key, bool required);
    std::optional<std::string> string(const json& obj, const std::string& ptr, const char* key,
                                      bool required = false);
    std::optional<std::int64_t> integer(const json& obj, const std::string& ptr, const char* key,
                                        std::int64_t min, std::int64_t max, bool required = false);
    std::optional<bool> boolean(const json& obj, const std::string& ptr, const char* key);

    const config::detail::position_index& index_;
    std::vector<config::diagnostic> errors_;
};

}  // namespace ctigw::gateway::detail
