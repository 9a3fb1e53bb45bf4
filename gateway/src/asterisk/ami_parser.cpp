// AMI parser and encoder (ami_parser.hpp).
#include "ami_parser.hpp"

#include <cstring>

namespace ctigw::gateway::ami {

parser::parser(parser_limits limits, bool expect_banner)
    : limits_(limits), expect_banner_(expect_banner) {}

void parser::reset() {
    banner_.reset();
    line_.clear();
    current_ = message{};
    current_bytes_ = 0;
    skipped_lines_ = 0;
    error_.clear();
}

bool parser::fail(std::string why) {
    error_ = std::move(why);
    line_.clear();
    current_ = message{};
    return false;
}

bool parser::feed(std::string_view bytes, std::vector<message>& out) {
    if (failed()) return false;
    // A trailing CR may be the first half of a line ending: it does not count towards the limit.
    auto too_long = [this](std::string_view line) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return line.size() > limits_.max_line_bytes;
    };
    while (!bytes.empty()) {
        const auto* nl = static_cast<const char*>(std::memchr(bytes.data(), '\n', bytes.size()));
        if (nl == nullptr) {
            line_.append(bytes);
            if (too_long(line_)) return fail(line_error());
            return true;
        }
        const auto take = static_cast<std::size_t>(nl - bytes.data());
        std::string_view line = bytes.substr(0, take);
        if (!line_.empty()) {
            line_.append(line);
            line = line_;
        }
        bytes.remove_prefix(take + 1);
        if (too_long(line)) return fail(line_error());
        const std::size_t wire = line.size() + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!banner_ && expect_banner_) {
            banner_.emplace(line);
        } else {
            current_bytes_ += wire;
            if (!on_line(line, out)) return false;
        }
        line_.clear();
    }
    return true;
}

std::string parser::line_error() const {
    return "AMI line longer than " + std::to_string(limits_.max_line_bytes) + " bytes";
}

bool parser::on_line(std::string_view line, std::vector<message>& out) {
    if (line.empty()) {
        // The end of a message; blank lines between messages end nothing.
        if (!current_.empty()) out.push_back(std::move(current_));
        current_ = message{};
        current_bytes_ = 0;
        return true;
    }
    if (current_bytes_ > limits_.max_message_bytes) {
        return fail("AMI message longer than " + std::to_string(limits_.max_message_bytes) +
                    " bytes");
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        ++skipped_lines_;  // not a header: Asterisk's own parser ignores such lines too
        return true;
    }
    if (current_.headers().size() >= limits_.max_headers) {
        return fail("AMI message with more than " + std::to_string(limits_.max_headers) +
                    " headers");
    }
    auto value = line.substr(colon + 1);
    // Asterisk skips the blanks after the colon (astman_get_header), so do we.
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    current_.add(std::string(line.substr(0, colon)), std::string(value));
    return true;
}

// ---- encoder ------------------------------------------------------------------------------------

std::string check_header_name(std::string_view name) {
    if (name.empty()) return "empty AMI header name";
    for (char c : name) {
        if (c <= ' ' || c >= 0x7f || c == ':') {
            return "AMI header name with a character other than printable ASCII (no ':', no space)";
        }
    }
    return {};
}

std::string check_header_value(std::string_view value) {
    for (char c : value) {
        if (c == '\r' || c == '\n' || c == '\0') return "AMI header value with CR, LF or NUL";
    }
    return {};
}

namespace {

bool append_header(std::string& wire, std::string_view name, std::string_view value,
                   std::string& error) {
    if (auto e = check_header_name(name); !e.empty()) {
        error = std::move(e);
        return false;
    }
    if (auto e = check_header_value(value); !e.empty()) {
        error = e + " (header " + std::string(name) + ")";
        return false;
    }
    wire.append(name);
    wire.append(": ");
    wire.append(value);
    wire.append("\r\n");
    return true;
}

}  // namespace

encoded encode_action(std::string_view action, std::string_view action_id,
                      const std::vector<header>& headers) {
    encoded r;
    if (action.empty()) {
        r.error = "empty AMI action name";
        return r;
    }
    if (!append_header(r.wire, "Action", action, r.error) ||
        !append_header(r.wire, "ActionID", action_id, r.error)) {
        r.wire.clear();
        return r;
    }
    for (const auto& h : headers) {
        if (same_name(h.name, "Action") || same_name(h.name, "ActionID")) {
            r.wire.clear();
            r.error = "header " + h.name + " is set by the link";
            return r;
        }
        if (!append_header(r.wire, h.name, h.value, r.error)) {
            r.wire.clear();
            return r;
        }
    }
    r.wire.append("\r\n");
    return r;
}

encoded encode_message(const message& m) {
    encoded r;
    if (m.empty()) {
        r.error = "empty AMI message";
        return r;
    }
    for (const auto& h : m.headers()) {
        if (!append_header(r.wire, h.name, h.value, r.error)) {
            r.wire.clear();
            return r;
        }
    }
    r.wire.append("\r\n");
    return r;
}

}  // namespace ctigw::gateway::ami
