#pragma once

// Internal, shared by the TSP's config loader (config/src/loader.cpp) and the gateway's
// (gateway/src/config/): typed access to a parsed JSON document that reports every problem as a
// located diagnostic (JSON pointer + line:column from position_index). Values that look like
// secrets are never echoed. Includes nlohmann/json: only for loaders that link it themselves.
// One reader per load; not shared between threads.

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "ctigw/config/detail/position_index.hpp"
#include "ctigw/config/diagnostic.hpp"
#include "ctigw/config/settings.hpp"

namespace ctigw::config::detail {

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

/** Whether an object key names a credential ("token", "password", "apiKey", "...Passphrase"). */
bool looks_like_secret_key(std::string_view key);

/**
 * A user value quoted for a message: shortened, control characters replaced, and replaced by
 * "(a value of N characters, not shown)" when looks_like_token().
 */
std::string quote(std::string_view s);

/** The parse error of nlohmann::json as a located diagnostic, without the text it choked on. */
diagnostic syntax_error(std::string_view text, const json::parse_error& e);

/** Configuration files larger than this are refused unread. */
inline constexpr std::uintmax_t max_config_file_size = std::uintmax_t{64} * 1024 * 1024;

/** A configuration file's text and the directory its relative paths are relative to. */
struct config_file {
    std::string text;
    std::filesystem::path base_directory;
};

/**
 * Reads a configuration file (a regular file of at most max_config_file_size bytes), or says why
 * it cannot, naming the file. Never throws.
 */
std::variant<config_file, std::string> read_config_file(const std::filesystem::path& file);

/** Parses JSON with comments; on a syntax error, appends it to `errors` and returns nullopt. */
std::optional<json> parse_config(std::string_view text, std::vector<diagnostic>& errors);

/** Orders diagnostics by position, keeping the order of equal ones (file errors, line 0, first). */
void sort_by_position(std::vector<diagnostic>& errors);

class json_reader {
  public:
    explicit json_reader(const position_index& index) : index_(index) {}

    std::vector<diagnostic> take_errors() { return std::move(errors_); }

  protected:
    void error(const std::string& ptr, std::string message);
    void key_error(const std::string& ptr, std::string message);
    void missing(const std::string& ptr, std::string_view key);
    /** Reports duplicate keys found by the position index. */
    void report_duplicate_keys();
    /** Unknown keys: secrets get `secret_hint`, others a did-you-mean or the list of keys. */
    void check_keys(const json& obj, const std::string& ptr, keys known,
                    std::string_view secret_hint);

    text_position position(const std::string& ptr) const { return index_.value_position(ptr); }
    /** " (first at /x/0, line L, column C)"-style reference to an earlier value. */
    std::string where(const std::string& ptr) const;

    static const json* find(const json& obj, const char* key);

    // Each returns nothing (after reporting) when the value is absent or unusable.
    const json* object(const json& obj, const std::string& ptr, const char* key, bool required,
                       keys known, std::string_view secret_hint);
    const json* array(const json& obj, const std::string& ptr, const char* key, bool required);
    std::optional<std::string> string(const json& obj, const std::string& ptr, const char* key,
                                      bool required = false, bool allow_empty = false);
    std::optional<std::int64_t> integer(const json& obj, const std::string& ptr, const char* key,
                                        std::int64_t min, std::int64_t max, bool required = false);
    std::optional<bool> boolean(const json& obj, const std::string& ptr, const char* key);
    /** "1.2" or "1.3". */
    std::optional<tls_version> min_tls_version(const json& obj, const std::string& ptr,
                                               const char* key);

    const position_index& index_;
    std::vector<diagnostic> errors_;
};

}  // namespace ctigw::config::detail
