// TUISPI_providerConfig's dialog (ui/windows.hpp): a modal dialog built in memory (no resource
// script), showing the configuration file, validating it like `ctigw-config check`, and asking
// the provider in TAPISRV for its status through TAPI's UI callback. The texts come from the
// portable functions of windows_ui.hpp / provider_status.hpp; this file is only Win32 glue.
#if defined(_WIN32)

#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "ctigw/config/loader.hpp"
#include "ctigw/tsp/provider_status.hpp"
#include "ctigw/tsp/varstruct.hpp"  // utf8_to_utf16
#include "ctigw/tsp/windows_ui.hpp"
#include "devices/devices.hpp"  // default_config_path: the file the provider reads
#include "ui/windows.hpp"

#include <shellapi.h>  // after <windows.h> (ctigw/tsp/tapi.hpp); not in WIN32_LEAN_AND_MEAN

namespace ctigw::tsp::ui {

namespace {

// ---- the template -------------------------------------------------------------------------------

// Predefined window classes of DLGITEMTEMPLATE (0xFFFF, atom).
constexpr WORD button_class = 0x0080;
constexpr WORD edit_class = 0x0081;
constexpr WORD static_class = 0x0082;
constexpr int no_id = -1;  // IDC_STATIC

/// DLGTEMPLATE + DLGITEMTEMPLATEs in one WORD buffer (WORD-aligned strings, DWORD-aligned items).
class dialog_template {
  public:
    dialog_template(const wchar_t* title, short cx, short cy) : cx_(cx), cy_(cy) {
        words_.resize(sizeof(DLGTEMPLATE) / sizeof(WORD));
        words_.push_back(0);  // no menu
        words_.push_back(0);  // the predefined dialog class
        put(title);
        words_.push_back(8);  // DS_SETFONT: point size, then the face
        put(L"MS Shell Dlg");
    }

    void add(WORD cls, DWORD style, short x, short y, short cx, short cy, int id,
             const wchar_t* text) {
        if (words_.size() % 2 != 0) words_.push_back(0);  // DWORD alignment
        DLGITEMTEMPLATE item{};
        item.style = style | WS_CHILD | WS_VISIBLE;
        item.x = x;
        item.y = y;
        item.cx = cx;
        item.cy = cy;
        item.id = static_cast<WORD>(id);  // -1 (IDC_STATIC) is 0xFFFF
        const auto at = words_.size();
        words_.resize(at + sizeof item / sizeof(WORD));
        std::memcpy(words_.data() + at, &item, sizeof item);
        words_.push_back(0xFFFF);
        words_.push_back(cls);
        put(text);
        words_.push_back(0);  // no creation data
        ++count_;
    }

    /// The finished template (valid until the next add).
    const DLGTEMPLATE* get() {
        DLGTEMPLATE header{};
        header.style = DS_MODALFRAME | DS_SETFONT | DS_CENTER | WS_POPUP | WS_CAPTION | WS_SYSMENU;
        header.cdit = count_;
        header.cx = cx_;
        header.cy = cy_;
        std::memcpy(words_.data(), &header, sizeof header);
        return reinterpret_cast<const DLGTEMPLATE*>(words_.data());
    }

  private:
    void put(const wchar_t* text) {
        for (; *text != L'\0'; ++text) words_.push_back(static_cast<WORD>(*text));
        words_.push_back(0);
    }

    std::vector<WORD> words_;
    short cx_;
    short cy_;
    WORD count_ = 0;
};
static_assert(sizeof(DLGTEMPLATE) == 18 && sizeof(DLGITEMTEMPLATE) == 18,
              "the templates are WORD-packed structures");

/// The dialog: dialog units, about 450 x 325 pixels at 96 dpi.
void build(dialog_template& t) {
    namespace id = control;
    const DWORD read_only = ES_READONLY | WS_BORDER | WS_TABSTOP;
    t.add(static_class, SS_LEFT, 7, 7, 230, 8, no_id, L"Configuration file:");
    t.add(edit_class, read_only | ES_AUTOHSCROLL, 7, 18, 232, 14, id::config_path, L"");
    t.add(button_class, BS_PUSHBUTTON | WS_TABSTOP, 243, 18, 50, 14, id::open, L"&Open");
    t.add(static_class, SS_LEFT, 7, 40, 230, 8, no_id, L"Validation:");
    t.add(button_class, BS_PUSHBUTTON | WS_TABSTOP, 243, 37, 50, 14, id::validate, L"&Validate");
    t.add(edit_class, read_only | ES_MULTILINE | ES_AUTOVSCROLL | WS_VSCROLL, 7, 54, 286, 78,
          id::result, L"");
    t.add(static_class, SS_LEFT, 7, 141, 230, 8, no_id, L"Provider status:");
    t.add(button_class, BS_PUSHBUTTON | WS_TABSTOP, 243, 138, 50, 14, id::refresh, L"&Refresh");
    t.add(edit_class, read_only | ES_MULTILINE, 7, 155, 286, 20, id::status, L"");
    t.add(button_class, BS_DEFPUSHBUTTON | WS_TABSTOP, 243, 180, 50, 14, id::close, L"Close");
}

// ---- the dialog's behaviour ---------------------------------------------------------------------

struct dialog_state {
    TUISPIDLLCALLBACK callback = nullptr;
    DWORD provider_id = 0;
    std::wstring path;  ///< the configuration file, as the provider resolves it
};

/// UTF-8 text with '\n' lines → what an edit control shows ("\r\n" lines).
std::wstring to_edit_text(const std::string& utf8) {
    const std::u16string wide = utf8_to_utf16(utf8);
    std::wstring out;
    out.reserve(wide.size() + 8);
    for (const char16_t c : wide) {
        if (c == u'\n') out += L'\r';
        out += static_cast<wchar_t>(c);
    }
    return out;
}

void set_text(HWND dlg, int id, const std::wstring& text) {
    SetDlgItemTextW(dlg, id, text.c_str());
}

/// Re-resolved at every use: the administrator may point ConfigPath elsewhere meanwhile.
void refresh_path(HWND dlg, dialog_state& s) {
    const auto path = default_config_path();
    s.path = path ? path->wstring() : std::wstring();
    set_text(dlg, control::config_path, s.path.empty() ? L"(none configured)" : s.path);
}

void refresh_status(HWND dlg, const dialog_state& s) {
    std::vector<unsigned char> block(status_block_size);
    write_status_request(block.data(), block.size());
    LONG rc = 0;
    if (s.callback != nullptr) {
        // TAPI forwards this to TSPI_providerGenericDialogData in TAPISRV and copies the block
        // back (provider_status.hpp).
        rc = s.callback(s.provider_id, TUISPIDLL_OBJECT_PROVIDERID, block.data(),
                        static_cast<DWORD>(block.size()));
    }
    set_text(
        dlg, control::status,
        to_edit_text(dialog_status_text(s.callback != nullptr, rc, block.data(), block.size())));
}

void validate(HWND dlg, dialog_state& s) {
    refresh_path(dlg, s);
    if (s.path.empty()) {
        set_text(dlg, control::result, L"no configuration file is configured");
        return;
    }
    set_text(dlg, control::result, to_edit_text(validation_text(config::load_file(s.path))));
}

void open_file(HWND dlg, dialog_state& s) {
    refresh_path(dlg, s);
    if (s.path.empty()) return;
    // The file's associated editor, else Notepad (.json often has no association on servers).
    auto opened = [](HINSTANCE h) { return reinterpret_cast<INT_PTR>(h) > 32; };
    if (opened(ShellExecuteW(dlg, L"open", s.path.c_str(), nullptr, nullptr, SW_SHOWNORMAL)))
        return;
    const std::wstring quoted = L"\"" + s.path + L"\"";
    if (opened(
            ShellExecuteW(dlg, L"open", L"notepad.exe", quoted.c_str(), nullptr, SW_SHOWNORMAL))) {
        return;
    }
    set_text(dlg, control::result, L"cannot open the file: no editor could be started");
}

INT_PTR CALLBACK dialog_proc(HWND dlg, UINT msg, WPARAM wparam, LPARAM lparam) {
    // No exception may reach user32's message loop.
    try {
        auto* s = reinterpret_cast<dialog_state*>(GetWindowLongPtrW(dlg, DWLP_USER));
        switch (msg) {
            case WM_INITDIALOG:
                s = reinterpret_cast<dialog_state*>(lparam);
                SetWindowLongPtrW(dlg, DWLP_USER, lparam);
                refresh_path(dlg, *s);
                set_text(dlg, control::result, L"Press Validate to check the file.");
                refresh_status(dlg, *s);
                return TRUE;
            case WM_COMMAND:
                if (s == nullptr) return FALSE;
                switch (LOWORD(wparam)) {
                    case control::open:
                        open_file(dlg, *s);
                        return TRUE;
                    case control::validate:
                        validate(dlg, *s);
                        return TRUE;
                    case control::refresh:
                        refresh_status(dlg, *s);
                        return TRUE;
                    case control::close:
                        EndDialog(dlg, 0);
                        return TRUE;
                    default:
                        return FALSE;
                }
            default:
                return FALSE;
        }
    } catch (...) {
        return FALSE;
    }
}

/// TAPI does not serialise dialog-showing TUISPI calls: one dialog per process at a time; a
/// second request brings the open one to the front.
std::mutex showing_mutex;
bool showing = false;

}  // namespace

LONG tuispi_config(TUISPIDLLCALLBACK callback, HWND owner, DWORD permanent_provider_id) {
    {
        std::lock_guard lock(showing_mutex);
        if (showing) {
            if (HWND open = FindWindowW(nullptr, dialog_title)) SetForegroundWindow(open);
            return 0;
        }
        showing = true;
    }
    struct reset {
        ~reset() {
            std::lock_guard lock(showing_mutex);
            showing = false;
        }
    } reset_showing;

    if (owner != nullptr && !IsWindow(owner)) owner = nullptr;
    dialog_state state;
    state.callback = callback;
    state.provider_id = permanent_provider_id;
    dialog_template t(dialog_title, 300, 200);
    build(t);
    const INT_PTR rc = DialogBoxIndirectParamW(this_module(), t.get(), owner, &dialog_proc,
                                               reinterpret_cast<LPARAM>(&state));
    return rc == -1 ? static_cast<LONG>(LINEERR_OPERATIONFAILED) : 0;
}

}  // namespace ctigw::tsp::ui

#endif
