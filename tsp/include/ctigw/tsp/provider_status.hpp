/**
 * @file
 * The provider status that the configuration dialog shows, and how it travels.
 *
 * TUISPI_providerConfig runs in the application's process, the provider in TAPISRV's. TAPI links
 * them: the dialog calls its TUISPIDLLCALLBACK(dwPermanentProviderID, TUISPIDLL_OBJECT_PROVIDERID,
 * block, size); TAPI hands the same bytes to TSPI_providerGenericDialogData in the provider and
 * copies them back. The block:
 *
 *   offset  0  char[24]  magic: status_request_magic (request) / status_reply_magic (reply),
 *                        NUL-padded
 *   offset 24  uint32    reply: bytes the whole reply needs (also set with STRUCTURETOOSMALL)
 *   offset 28  uint32    reply: UTF-16 code units of the text, without its NUL
 *   offset 32  char16[]  reply: the status text, NUL-terminated
 *
 * Little-endian, read and written with memcpy (TAPI's buffer need not be aligned). The magic
 * carries the version: a v2 request is not a v1 request and gets LINEERR_INVALPARAM.
 *
 * Everything here is portable and pure (unit-tested on Linux); the provider's export and the
 * Win32 dialog are thin callers.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ctigw/tsp/tapi.hpp"

namespace ctigw::tsp::ui {

inline constexpr std::size_t status_magic_size = 24;
inline constexpr char status_request_magic[status_magic_size] = "ctigw status request v1";
inline constexpr char status_reply_magic[status_magic_size] = "ctigw status reply v1";
inline constexpr std::size_t status_header_size = 32;
/// What the dialog sends: room for any status text.
inline constexpr std::size_t status_block_size = 4096;

/// What the provider core tells cheaply under its lock (provider_state::status_snapshot).
struct provider_status {
    DWORD permanent_provider_id = 0;
    bool initialized = false;  ///< TSPI_providerInit done (the link was started)
    std::string link_state;    ///< pbx_link::to_string of the link's state; empty: no link yet
    std::string endpoint;      ///< URL in use, else the configured primary; may be empty
    std::size_t lines = 0;     ///< current lines (removed ones not counted)
    std::size_t lines_in_service = 0;
    std::size_t phones = 0;
    std::size_t phones_in_service = 0;
    /// Switch events to TAPI: from an event's timestamp (the switch's clock; ctigw-gateway's
    /// event_timestamps option) to the moment the provider hands TAPI a callback it caused (ours),
    /// over the last `latency_callbacks` such callbacks; none when 0 (events without timestamps).
    /// Negative when the two clocks disagree.
    std::size_t latency_callbacks = 0;
    std::int64_t latency_p50_us = 0;
    std::int64_t latency_p99_us = 0;
    std::int64_t latency_max_us = 0;
};

/// The text for a running provider, or (nullopt) for a DLL loaded without a provider object.
/// One line, e.g. "link live (wss://pbx:8443/csta), 2 lines (2 in service), 1 phone (1 in
/// service)", and with event latencies ", switch to TAPI p50 160 µs, p99 310 µs, max 1030 µs
/// (last 65536 callbacks)".
std::string status_text(const std::optional<provider_status>& status);

/// Prefix of every "no status" text the dialog shows (no callback, callback error, no reply).
inline constexpr std::string_view not_running_text = "provider not running";

/// Writes a v1 request into `block` (at least status_header_size bytes; the rest is zeroed).
/// Returns false when it does not fit.
bool write_status_request(void* block, std::size_t size) noexcept;

/**
 * The provider's side of TSPI_providerGenericDialogData: checks the object type
 * (TUISPIDLL_OBJECT_PROVIDERID) and the request, then writes the reply with `snapshot()`'s text.
 * Returns 0; LINEERR_INVALPARAM for a null block, another object type, a block too short to hold
 * the magic or a different magic; LINEERR_STRUCTURETOOSMALL when the reply does not fit (the
 * size needed is written when the header fits). `snapshot` is called only for a valid request.
 * Never throws (a throwing snapshot gives LINEERR_OPERATIONFAILED).
 */
LONG answer_status_request(
    DWORD object_type, void* block, std::size_t size,
    const std::function<std::optional<provider_status>()>& snapshot) noexcept;

/// The reply's text (UTF-8), or nullopt when `block` holds no valid v1 reply (e.g. a TAPI that
/// returned 0 without asking the provider).
std::optional<std::string> read_status_reply(const void* block, std::size_t size);

}  // namespace ctigw::tsp::ui
