// The texts of the provider configuration dialog and the status block's encoding
// (provider_status.hpp, windows_ui.hpp). Portable and pure: the Win32 dialog and the provider's
// TSPI_providerGenericDialogData only call these, and tests/tsp/ui_text_test.cpp covers them.
#include <cstdio>
#include <cstring>

#include "ctigw/config/devices.hpp"
#include "ctigw/config/endpoint.hpp"
#include "ctigw/tsp/provider_status.hpp"
#include "ctigw/tsp/varstruct.hpp"  // utf8_to_utf16, utf16_to_utf8
#include "ctigw/tsp/windows_ui.hpp"

namespace ctigw::tsp::ui {

namespace {

std::string counted(std::size_t n, const char* singular, const char* plural) {
    return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

std::string hex(LONG value) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08lX",
                  static_cast<unsigned long>(static_cast<std::uint32_t>(value)));
    return text;
}

constexpr std::size_t size_needed_offset = 24;
constexpr std::size_t text_chars_offset = 28;

bool has_magic(const void* block, std::size_t size, const char (&magic)[status_magic_size]) {
    return block != nullptr && size >= status_magic_size &&
           std::memcmp(block, magic, status_magic_size) == 0;
}

}  // namespace

std::string status_text(const std::optional<provider_status>& status) {
    if (!status) return std::string(not_running_text) + ": TAPI has not started it";
    const auto& s = *status;
    std::string text = "link ";
    if (s.link_state.empty()) {
        text += s.initialized ? "not started" : "not started (provider not initialised)";
    } else {
        text += s.link_state;
    }
    if (!s.endpoint.empty()) text += " (" + s.endpoint + ")";
    text += ", " + counted(s.lines, "line", "lines") + " (" + std::to_string(s.lines_in_service) +
            " in service)";
    text += ", " + counted(s.phones, "phone", "phones");
    if (s.phones != 0) text += " (" + std::to_string(s.phones_in_service) + " in service)";
    if (s.latency_callbacks != 0) {
        text += ", switch to TAPI p50 " + std::to_string(s.latency_p50_us) + " \u00b5s, p99 " +
                std::to_string(s.latency_p99_us) + " \u00b5s, max " +
                std::to_string(s.latency_max_us) + " \u00b5s (last " +
                counted(s.latency_callbacks, "callback", "callbacks") + ")";
    }
    return text;
}

bool write_status_request(void* block, std::size_t size) noexcept {
    if (block == nullptr || size < status_header_size) return false;
    std::memset(block, 0, size);
    std::memcpy(block, status_request_magic, status_magic_size);
    return true;
}

LONG answer_status_request(
    DWORD object_type, void* block, std::size_t size,
    const std::function<std::optional<provider_status>()>& snapshot) noexcept {
    if (object_type != TUISPIDLL_OBJECT_PROVIDERID) return static_cast<LONG>(LINEERR_INVALPARAM);
    if (!has_magic(block, size, status_request_magic)) return static_cast<LONG>(LINEERR_INVALPARAM);
    // The magic fits but not the header: nowhere to say how much is needed.
    if (size < status_header_size) return static_cast<LONG>(LINEERR_STRUCTURETOOSMALL);
    try {
        const std::u16string text =
            utf8_to_utf16(status_text(snapshot ? snapshot() : std::nullopt));
        const std::uint64_t needed = status_header_size + (text.size() + 1) * sizeof(char16_t);
        const auto needed32 =
            static_cast<std::uint32_t>(needed);  // the text is a few hundred chars
        auto* bytes = static_cast<unsigned char*>(block);
        std::memcpy(bytes + size_needed_offset, &needed32, sizeof needed32);
        if (needed > size) return static_cast<LONG>(LINEERR_STRUCTURETOOSMALL);
        const auto chars = static_cast<std::uint32_t>(text.size());
        std::memcpy(bytes + text_chars_offset, &chars, sizeof chars);
        std::memcpy(bytes + status_header_size, text.c_str(), (text.size() + 1) * sizeof(char16_t));
        // Last: a reply magic promises a complete reply.
        std::memcpy(bytes, status_reply_magic, status_magic_size);
        return 0;
    } catch (...) {
        return static_cast<LONG>(LINEERR_OPERATIONFAILED);
    }
}

std::optional<std::string> read_status_reply(const void* block, std::size_t size) {
    if (!has_magic(block, size, status_reply_magic) || size < status_header_size)
        return std::nullopt;
    const auto* bytes = static_cast<const unsigned char*>(block);
    std::uint32_t chars = 0;
    std::memcpy(&chars, bytes + text_chars_offset, sizeof chars);
    if (chars > (size - status_header_size) / sizeof(char16_t)) return std::nullopt;
    std::u16string text(chars, u'\0');
    std::memcpy(text.data(), bytes + status_header_size, chars * sizeof(char16_t));
    return utf16_to_utf8(text);
}

std::string validation_text(const config::load_result& result) {
    if (result.ok()) {
        const auto& s = *result.value;
        std::string text = "valid: " + counted(config::count(s.devices.lines), "line", "lines") +
                           ", " + counted(config::count(s.devices.phones), "phone", "phones");
        const auto& eps = s.link.endpoints;
        for (std::size_t i = 0; i < eps.size(); ++i) {
            text += (i == 0 ? ", endpoint " : ", standby ") + config::to_string(eps[i]);
        }
        return text;
    }
    std::string text = result.io_error
                           ? std::string("cannot read the file:")
                           : "invalid: " + counted(result.errors.size(), "error", "errors");
    for (const auto& d : result.errors) text += "\n" + config::format(d);
    return text;
}

std::string dialog_status_text(bool have_callback, LONG callback_result, const void* block,
                               std::size_t size) {
    if (!have_callback) return std::string(not_running_text);
    if (callback_result != 0) {
        return std::string(not_running_text) + " (error " + hex(callback_result) + ")";
    }
    if (auto text = read_status_reply(block, size)) return *text;
    return std::string(not_running_text) + " (no status in TAPI's reply)";
}

}  // namespace ctigw::tsp::ui
