#include "ctigw/config/detail/json_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <iterator>
#include <span>

#include "ctigw/config/detail/text.hpp"

namespace ctigw::config::detail {

std::string child(const std::string& ptr, std::string_view key) {
    return ptr + "/" + escape_pointer_token(key);
}

std::string child(const std::string& ptr, std::size_t index) {
    return ptr + "/" + std::to_string(index);
}

std::string describe(const json& j) {
    switch (j.type()) {
        case json::value_t::object:
            return "an object";
        case json::value_t::array:
            return "an array";
        case json::value_t::string:
            return "a string";
        case json::value_t::boolean:
            return "a boolean";
        case json::value_t::null:
            return "null";
        default:
            return "a number";
    }
}

bool looks_like_token(std::string_view s) noexcept {
    // Any run of 20+ token-alphabet characters with letters and digits, so that a token with
    // something appended ("<token> x") is caught too.
    std::size_t run = 0;
    bool letter = false;
    bool digit = false;
    for (char c : s) {
        const auto b = static_cast<unsigned char>(c);
        const bool is_letter = std::isalpha(b) != 0;
        const bool is_digit = std::isdigit(b) != 0;
        if (is_letter || is_digit ||
            std::string_view("+/=_-$.~").find(c) != std::string_view::npos) {
            ++run;
            letter = letter || is_letter;
            digit = digit || is_digit;
            if (run >= 20 && letter && digit) return true;
        } else {
            run = 0;
            letter = digit = false;
        }
    }
    return false;
}

bool looks_like_secret_key(std::string_view key) {
    std::string k;
    for (char c : key) {
        if (c != '_' && c != '-')
            k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    static constexpr std::string_view exact[] = {"token",       "apikey",      "apitoken",
                                                 "accesstoken", "authtoken",   "bearertoken",
                                                 "bearer",      "credentials", "privatekey"};
    return std::find(std::begin(exact), std::end(exact), k) != std::end(exact) ||
           k.find("password") != std::string::npos || k.find("passwd") != std::string::npos ||
           k.find("secret") != std::string::npos || k.find("passphrase") != std::string::npos;
}

std::string quote(std::string_view s) {
    if (looks_like_token(s)) {
        return "(a value of " + std::to_string(s.size()) + " characters, not shown)";
    }
    constexpr std::size_t limit = 40;
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size() && i < limit; ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        out += (b < 0x20 || b == 0x7F) ? '?' : s[i];
    }
    if (s.size() > limit) out += "...";
    return out + "\"";
}

diagnostic syntax_error(std::string_view text, const json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while ..."
    const auto column = what.find("column ");
    const auto colon = what.find(": ", column == std::string::npos ? 0 : column);
    std::string message = colon == std::string::npos ? what : what.substr(colon + 2);
    // nlohmann quotes the text it choked on, which could be part of a token: drop it.
    if (const auto last = message.find("; last read: "); last != std::string::npos) {
        const auto expected = message.find("; expected", last);
        message.erase(last, expected == std::string::npos ? std::string::npos : expected - last);
    }
    const auto pos = position_of_offset(text, e.byte == 0 ? 0 : e.byte - 1);
    return {"", std::move(message), pos.line, pos.column};
}

std::variant<config_file, std::string> read_config_file(const std::filesystem::path& file) {
    namespace fs = std::filesystem;
    try {
        const std::string name = "\"" + file.string() + "\"";
        std::error_code ec;
        if (fs::is_directory(file, ec)) return "cannot read " + name + ": it is a directory";
        const std::uintmax_t size = fs::file_size(file, ec);
        if (ec) return "cannot read " + name + ": " + ec.message();
        if (size > max_config_file_size) return name + " is larger than 64 MiB";
        std::ifstream in(file, std::ios::binary);
        if (!in) return "cannot open " + name;
        config_file out;
        out.text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (in.bad()) return "cannot read " + name;
        out.base_directory = fs::absolute(file, ec).parent_path();
        if (ec) out.base_directory = file.parent_path();
        return out;
    } catch (const std::exception& e) {
        return std::string("cannot read configuration: ") + e.what();
    }
}

std::optional<json> parse_config(std::string_view text, std::vector<diagnostic>& errors) {
    try {
        return json::parse(text.begin(), text.end(), nullptr, true, true);
    } catch (const json::parse_error& e) {
        errors.push_back(syntax_error(text, e));
        return std::nullopt;
    }
}

void sort_by_position(std::vector<diagnostic>& errors) {
    std::stable_sort(errors.begin(), errors.end(), [](const diagnostic& a, const diagnostic& b) {
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
}

void json_reader::error(const std::string& ptr, std::string message) {
    const auto p = index_.value_position(ptr);
    errors_.push_back({ptr, std::move(message), p.line, p.column});
}

void json_reader::key_error(const std::string& ptr, std::string message) {
    const auto p = index_.key_position(ptr);
    errors_.push_back({ptr, std::move(message), p.line, p.column});
}

void json_reader::missing(const std::string& ptr, std::string_view key) {
    error(ptr, "missing required key \"" + std::string(key) + "\"");
}

std::string json_reader::where(const std::string& ptr) const {
    const auto p = index_.value_position(ptr);
    return ptr + " (line " + std::to_string(p.line) + ", column " + std::to_string(p.column) + ")";
}

void json_reader::report_duplicate_keys() {
    for (const auto& d : index_.duplicate_keys()) {
        const auto slash = d.pointer.rfind('/');
        const std::string_view key = std::string_view(d.pointer).substr(slash + 1);
        // A pasted token used as a key would be echoed by the pointer: name the parent instead.
        const std::string ptr = looks_like_token(key) ? d.pointer.substr(0, slash) : d.pointer;
        errors_.push_back({ptr,
                           "duplicate key; it was already set at line " +
                               std::to_string(d.first.line) + ", column " +
                               std::to_string(d.first.column),
                           d.second.line, d.second.column});
    }
}

void json_reader::check_keys(const json& obj, const std::string& ptr, keys known,
                             std::string_view secret_hint) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        const std::string& key = it.key();
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        const std::string p = child(ptr, key);
        if (looks_like_token(key)) {
            const auto pos = index_.key_position(p);
            errors_.push_back({ptr,
                               "unknown key of " + std::to_string(key.size()) +
                                   " characters (not shown: it looks like a secret)",
                               pos.line, pos.column});
        } else if (looks_like_secret_key(key)) {
            key_error(p, "inline secrets are not allowed; " + std::string(secret_hint));
        } else if (auto s = closest(key, std::span(known.begin(), known.size()))) {
            key_error(p, "unknown key; did you mean \"" + std::string(*s) + "\"?");
        } else {
            std::string list;
            for (std::string_view k : known) {
                if (!list.empty()) list += ", ";
                list += k;
            }
            key_error(p, "unknown key; expected one of: " + list);
        }
    }
}

const json* json_reader::find(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

const json* json_reader::object(const json& obj, const std::string& ptr, const char* key,
                                bool required, keys known, std::string_view secret_hint) {
    const json* j = find(obj, key);
    if (j == nullptr) {
        if (required) missing(ptr, key);
        return nullptr;
    }
    const std::string p = child(ptr, key);
    if (!j->is_object()) {
        error(p, "expected an object, found " + describe(*j));
        return nullptr;
    }
    check_keys(*j, p, known, secret_hint);
    return j;
}

const json* json_reader::array(const json& obj, const std::string& ptr, const char* key,
                               bool required) {
    const json* j = find(obj, key);
    if (j == nullptr) {
        if (required) missing(ptr, key);
        return nullptr;
    }
    if (!j->is_array()) {
        error(child(ptr, key), "expected an array, found " + describe(*j));
        return nullptr;
    }
    return j;
}

std::optional<std::string> json_reader::string(const json& obj, const std::string& ptr,
                                               const char* key, bool required, bool allow_empty) {
    const json* j = find(obj, key);
    if (j == nullptr) {
        if (required) missing(ptr, key);
        return std::nullopt;
    }
    if (!j->is_string()) {
        error(child(ptr, key), "expected a string, found " + describe(*j));
        return std::nullopt;
    }
    const auto& s = j->get_ref<const std::string&>();
    if (s.empty() && !allow_empty) {
        error(child(ptr, key), "must not be empty");
        return std::nullopt;
    }
    return s;
}

std::optional<std::int64_t> json_reader::integer(const json& obj, const std::string& ptr,
                                                 const char* key, std::int64_t min,
                                                 std::int64_t max, bool required) {
    const json* j = find(obj, key);
    if (j == nullptr) {
        if (required) missing(ptr, key);
        return std::nullopt;
    }
    const std::string p = child(ptr, key);
    const std::string range =
        " is out of range (" + std::to_string(min) + " to " + std::to_string(max) + ")";
    if (!j->is_number_integer()) {
        // nlohmann stores integers beyond 64 bits as doubles; they are just too large.
        const bool whole = j->is_number_float() && std::trunc(j->get<double>()) == j->get<double>();
        error(p, whole
                     ? j->dump() + range
                     : "expected an integer, found " + (j->is_number() ? j->dump() : describe(*j)));
        return std::nullopt;
    }
    std::int64_t v = 0;
    bool in_range = true;
    if (j->is_number_unsigned()) {
        const auto u = j->get<std::uint64_t>();
        in_range = u <= static_cast<std::uint64_t>(max);
        v = in_range ? static_cast<std::int64_t>(u) : 0;
    } else {
        v = j->get<std::int64_t>();
    }
    if (!in_range || v < min || v > max) {
        error(p, j->dump() + range);
        return std::nullopt;
    }
    return v;
}

std::optional<bool> json_reader::boolean(const json& obj, const std::string& ptr, const char* key) {
    const json* j = find(obj, key);
    if (j == nullptr) return std::nullopt;
    if (!j->is_boolean()) {
        error(child(ptr, key), "expected true or false, found " + describe(*j));
        return std::nullopt;
    }
    return j->get<bool>();
}

std::optional<tls_version> json_reader::min_tls_version(const json& obj, const std::string& ptr,
                                                        const char* key) {
    auto v = string(obj, ptr, key);
    if (!v) return std::nullopt;
    if (*v == "1.2") return tls_version::v1_2;
    if (*v == "1.3") return tls_version::v1_3;
    error(child(ptr, key), "unsupported TLS version " + quote(*v) + "; use \"1.2\" or \"1.3\"");
    return std::nullopt;
}

}  // namespace ctigw::config::detail
