#include "ctigw/config/detail/position_index.hpp"

#include <cstdint>

namespace ctigw::config::detail {

std::string escape_pointer_token(std::string_view token) {
    std::string out;
    out.reserve(token.size());
    for (char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

text_position position_of_offset(std::string_view text, std::size_t offset) {
    if (offset > text.size()) offset = text.size();
    text_position pos{1, 1};
    for (std::size_t i = 0; i < offset; ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b == '\n') {
            ++pos.line;
            pos.column = 1;
        } else if ((b & 0xC0U) != 0x80U) {
            ++pos.column;  // UTF-8 continuation bytes do not start a new character
        }
    }
    return pos;
}

namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::uint32_t hex_value(std::string_view four) {
    std::uint32_t v = 0;
    for (char c : four) {
        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= static_cast<std::uint32_t>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v |= static_cast<std::uint32_t>(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            v |= static_cast<std::uint32_t>(c - 'A' + 10);
        }
    }
    return v;
}

}  // namespace

// A cursor over accepted JSON text that tracks line and column as it advances.
class indexer {
  public:
    explicit indexer(std::string_view text) : text_(text) {
        if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;  // nlohmann skips a UTF-8 BOM too
    }

    position_index run() {
        struct frame {
            bool object;
            std::size_t index;
            std::size_t base;  // length of path_ for the container itself
        };
        std::vector<frame> stack;
        skip_space();
        bool need_value = true;
        while (pos_ < text_.size()) {
            if (need_value) {
                record_value();
                const char c = text_[pos_];
                if (c == '{' || c == '[') {
                    advance();
                    stack.push_back({c == '{', 0, path_.size()});
                    depth_ = stack.size();
                    skip_space();
                    if (at(c == '{' ? '}' : ']')) {
                        advance();
                        stack.pop_back();
                        depth_ = stack.size();
                        need_value = false;
                    } else if (c == '{') {
                        if (!read_key()) break;
                    } else {
                        path_ += "/0";
                    }
                    continue;
                }
                if (c == '"') {
                    skip_string();
                } else {
                    skip_scalar();
                }
                need_value = false;
                continue;
            }
            if (stack.empty()) break;
            frame& top = stack.back();
            path_.resize(top.base);
            skip_space();
            if (pos_ >= text_.size()) break;  // text nlohmann accepted never ends here
            if (at(',')) {
                advance();
                skip_space();
                if (top.object) {
                    if (!read_key()) break;
                } else {
                    path_ += '/';
                    path_ += std::to_string(++top.index);
                }
                need_value = true;
            } else {
                advance();  // '}' or ']'
                stack.pop_back();
                depth_ = stack.size();
            }
        }
        return std::move(index_);
    }

  private:
    bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

    void advance() {
        const auto b = static_cast<unsigned char>(text_[pos_++]);
        if (b == '\n') {
            ++line_;
            column_ = 1;
        } else if ((b & 0xC0U) != 0x80U) {
            ++column_;
        }
    }

    void skip_space() {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                advance();
            } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
                // Like nlohmann's lexer, a line comment ends at CR as well as at LF.
                while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r') {
                    advance();
                }
            } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
                advance();
                advance();
                while (pos_ < text_.size() &&
                       !(at('*') && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/')) {
                    advance();
                }
                if (pos_ < text_.size()) {
                    advance();
                    advance();
                }
            } else {
                return;
            }
        }
    }

    void skip_string() {
        advance();  // opening quote
        while (pos_ < text_.size() && !at('"')) {
            if (at('\\')) advance();
            if (pos_ < text_.size()) advance();
        }
        if (pos_ < text_.size()) advance();
    }

    void skip_scalar() {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\n' ||
                c == '\r' || c == '/') {
                return;
            }
            advance();
        }
    }

    // Reads `"key" :` and extends path_ with the escaped key; leaves the cursor on the value.
    bool read_key() {
        if (!at('"')) return false;
        const text_position key_pos{line_, column_};
        advance();
        std::string key;
        while (pos_ < text_.size() && !at('"')) {
            if (!at('\\')) {
                key += text_[pos_];
                advance();
                continue;
            }
            advance();
            if (pos_ >= text_.size()) return false;
            const char e = text_[pos_];
            advance();
            switch (e) {
                case 'b':
                    key += '\b';
                    break;
                case 'f':
                    key += '\f';
                    break;
                case 'n':
                    key += '\n';
                    break;
                case 'r':
                    key += '\r';
                    break;
                case 't':
                    key += '\t';
                    break;
                case 'u': {
                    std::uint32_t cp = read_hex4();
                    if (cp >= 0xD800 && cp < 0xDC00 && text_.substr(pos_, 2) == "\\u") {
                        advance();
                        advance();
                        const std::uint32_t low = read_hex4();
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    }
                    append_utf8(key, cp);
                    break;
                }
                default:
                    key += e;
                    break;  // \" \\ \/
            }
        }
        if (pos_ < text_.size()) advance();  // closing quote
        path_ += '/';
        path_ += escape_pointer_token(key);
        if (too_deep()) {
            skip_space();
            if (at(':')) advance();
            skip_space();
            return true;
        }
        auto [it, inserted] = index_.entries_.try_emplace(path_);
        if (!inserted && it->second.key.line != 0 && !under_duplicate()) {
            index_.duplicates_.push_back({path_, it->second.key, key_pos});
        }
        it->second.key = key_pos;
        skip_space();
        if (at(':')) advance();
        skip_space();
        return true;
    }

    // Keys inside a repeated key's value repeat too; only the outermost repeat is reported.
    bool under_duplicate() const {
        for (const auto& d : index_.duplicates_) {
            if (path_.size() > d.pointer.size() && path_.starts_with(d.pointer) &&
                path_[d.pointer.size()] == '/') {
                return true;
            }
        }
        return false;
    }

    std::uint32_t read_hex4() {
        const std::string_view digits = text_.substr(pos_, 4);
        for (std::size_t i = 0; i < digits.size(); ++i) advance();
        return hex_value(digits);
    }

    // Deeper levels are walked but not recorded: no configuration key is nested that deep, and
    // recording every level of a hostile "[[[[..." document would copy its path quadratically.
    bool too_deep() const { return depth_ > max_recorded_depth; }

    void record_value() {
        if (too_deep()) return;
        entry_type& e = index_.entries_[path_];
        e.value = {line_, column_};
        if (e.key.line == 0) e.key = e.value;  // array elements and the root have no key
    }

    using entry_type = position_index::entry;

    static constexpr std::size_t max_recorded_depth = 64;

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t depth_ = 0;
    int line_ = 1;
    int column_ = 1;
    std::string path_;
    position_index index_;
};

position_index position_index::build(std::string_view text) {
    return indexer(text).run();
}

text_position position_index::value_position(const std::string& pointer) const {
    auto it = entries_.find(pointer);
    return it == entries_.end() ? text_position{} : it->second.value;
}

text_position position_index::key_position(const std::string& pointer) const {
    auto it = entries_.find(pointer);
    return it == entries_.end() ? text_position{} : it->second.key;
}

}  // namespace ctigw::config::detail
