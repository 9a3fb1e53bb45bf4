// libFuzzer target for the TSP's Windows text paths, run on Linux where their logic lives
// (tsp/src/ui/setup.hpp, ctigw/tsp/provider_status.hpp): the status block TAPI hands to
// TSPI_providerGenericDialogData (any bytes, any size), the reply the dialog reads, and
// TUISPI_providerInstall/Remove over TAPI's Providers values as a hostile or broken registry holds
// them. The first byte picks the path.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "ctigw/tsp/provider_status.hpp"
#include "ctigw/tsp/windows_registry.hpp"
#include "ctigw/tsp/windows_ui.hpp"
#include "fake_registry.hpp"
#include "ui/setup.hpp"

namespace {

namespace ui = ctigw::tsp::ui;
namespace reg = ctigw::tsp::registry;

/// Splits the input into wide strings at zero bytes (one byte per character, as Latin-1).
std::vector<std::wstring> wide_strings(const std::uint8_t* data, std::size_t size) {
    std::vector<std::wstring> out(1);
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] == 0)
            out.emplace_back();
        else
            out.back().push_back(static_cast<wchar_t>(data[i]));
    }
    return out;
}

void status_block(const std::uint8_t* data, std::size_t size) {
    if (size < 4) return;
    DWORD object_type = 0;
    std::memcpy(&object_type, data, 4);
    // The block is exactly as long as the caller says: ASan sees any write past it.
    std::vector<std::uint8_t> block(data + 4, data + size);
    void* p = block.empty() ? nullptr : block.data();
    const auto rc = ui::answer_status_request(object_type, p, block.size(), [&] {
        ui::provider_status s;
        s.link_state = std::string(reinterpret_cast<const char*>(data), size > 64 ? 64 : size);
        s.endpoint = "wss://pbx.example/csta";
        s.lines = size;
        return std::optional<ui::provider_status>(s);
    });
    if (rc != 0 && rc != static_cast<LONG>(LINEERR_INVALPARAM) &&
        rc != static_cast<LONG>(LINEERR_STRUCTURETOOSMALL) &&
        rc != static_cast<LONG>(LINEERR_OPERATIONFAILED))
        __builtin_trap();
    (void)ui::read_status_reply(p, block.size());
    (void)ui::dialog_status_text(true, 0, p, block.size());
    (void)ui::write_status_request(p, block.size());
}

void providers(const std::uint8_t* data, std::size_t size) {
    ctigw::tsp::testing::fake_registry r;
    const auto strings = wide_strings(data, size);
    // NumProviders, then ProviderFileNameN values named from the input (names may repeat or be
    // odd), and perhaps an earlier install's values of ours.
    r.put_dword(reg::tapi_providers_key, reg::tapi_num_providers_value,
                static_cast<DWORD>(strings.size()));
    for (std::size_t i = 0; i + 1 < strings.size(); i += 2) {
        r.put_string(
            reg::tapi_providers_key,
            (i % 4 == 0 ? std::wstring(reg::tapi_provider_file_name_prefix) : L"") + strings[i],
            strings[i + 1]);
    }
    if (!strings.empty() && strings.size() % 3 == 0)
        r.put_string(reg::key, reg::config_path_value, strings.front());
    const auto before = r.keys;
    const auto out = ui::install_provider(r, 7);
    if (out.result == static_cast<LONG>(LINEERR_NOMULTIPLEINSTANCE)) {
        if (r.keys != before) __builtin_trap();  // refused: nothing written
        return;
    }
    if (out.result != 0) __builtin_trap();  // the fake never fails a write
    const auto* id = r.get(reg::key, reg::provider_id_value);
    if (!id || !id->is_dword || id->number != 7) __builtin_trap();
    if (ui::remove_provider(r) != 0 || r.has_key(reg::key)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    switch (data[0] % 3) {
        case 0:
            status_block(data + 1, size - 1);
            break;
        case 1:
            providers(data + 1, size - 1);
            break;
        default: {
            const auto s = wide_strings(data + 1, size - 1);
            (void)ui::same_file_name(s.front(), s.size() > 1 ? s[1] : std::wstring(L"ctigw.tsp"));
        }
    }
    return 0;
}
