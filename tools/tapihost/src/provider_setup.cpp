// TUISPI provider install/remove/config as TAPI calls them (provider_setup.hpp).
#include "ctigw/tapihost/provider_setup.hpp"

#include <fstream>
#include <sstream>

#include "ctigw/tapihost/names.hpp"
#include "ctigw/tapihost/wide.hpp"

#if defined(_WIN32)
#include <wincrypt.h>
#endif

namespace ctigw::tapihost {

namespace {

// TAPI's UI-DLL callback: TAPI hands the block to the provider's TSPI_providerGenericDialogData
// (in TAPISRV) and copies it back; the host calls the loaded TSP's export in-process, which is the
// same thing for a TSP that is its own UI DLL. TUISPIDLLCALLBACK is a plain function pointer with
// no context argument, hence the statics, set for the duration of one TUISPI call.
std::function<void(const std::string&)>* g_print = nullptr;
decltype(&::TSPI_providerGenericDialogData) g_generic_dialog_data = nullptr;

LONG CALLBACK ui_callback(DWORD_PTR object_id, DWORD object_type, LPVOID params, DWORD size) {
    const LONG rc = g_generic_dialog_data
                        ? g_generic_dialog_data(object_id, object_type, params, size)
                        : static_cast<LONG>(LINEERR_OPERATIONUNAVAIL);  // not exported
    if (g_print)
        (*g_print)(
            "  TUISPIDLLCALLBACK(object " + std::to_string(object_id) + ", type " +
            std::to_string(object_type) + ", " + std::to_string(size) + " bytes) -> " +
            (g_generic_dialog_data ? "TSPI_providerGenericDialogData -> " : "not exported: ") +
            (rc == 0 ? std::string("0") : result_name(rc)));
    return rc;
}

}  // namespace

provider_setup::provider_setup(const tsp_library& lib, DWORD permanent_provider_id,
                               std::function<void(const std::string&)> print)
    : lib_(lib), id_(permanent_provider_id), print_(std::move(print)) {}

bool provider_setup::call(const char* name, LONG (*fn)(TUISPIDLLCALLBACK, HWND, DWORD)) {
    const auto& ui = lib_.ui();
    if (ui.providerUIIdentify) {
        WCHAR dll[260] = {};
        const LONG rc = ui.providerUIIdentify(dll);
        print_(std::string("TSPI_providerUIIdentify -> ") +
               (rc == 0 ? from_wide(dll) : result_name(rc)));
    }
    if (!fn) {
        print_(std::string("the TSP exports no TUISPI_") + name);
        return false;
    }
    g_print = &print_;
    g_generic_dialog_data = ui.providerGenericDialogData;
    const LONG rc = fn(&ui_callback, nullptr, id_);
    g_print = nullptr;
    g_generic_dialog_data = nullptr;
    print_(std::string("TUISPI_") + name + "(provider " + std::to_string(id_) + ") -> " +
           (rc == 0 ? std::string("0") : result_name(rc)));
    return rc == 0;
}

bool provider_setup::install() {
    return call("providerInstall", lib_.ui().providerInstall);
}
bool provider_setup::remove() {
    return call("providerRemove", lib_.ui().providerRemove);
}
bool provider_setup::config() {
    return call("providerConfig", lib_.ui().providerConfig);
}

std::string trust_root_ca(const std::string& pem_file) {
#if defined(_WIN32)
    std::ifstream in(pem_file, std::ios::binary);
    if (!in) return "cannot read " + pem_file;
    std::stringstream text;
    text << in.rdbuf();
    const std::string pem = text.str();
    DWORD der_size = 0;
    if (!::CryptStringToBinaryA(pem.c_str(), static_cast<DWORD>(pem.size()),
                                CRYPT_STRING_BASE64HEADER, nullptr, &der_size, nullptr, nullptr))
        return pem_file + " is not a PEM certificate";
    std::string der(der_size, '\0');
    if (!::CryptStringToBinaryA(pem.c_str(), static_cast<DWORD>(pem.size()),
                                CRYPT_STRING_BASE64HEADER, reinterpret_cast<BYTE*>(der.data()),
                                &der_size, nullptr, nullptr))
        return pem_file + " is not a PEM certificate";
    HCERTSTORE store =
        ::CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_LOCAL_MACHINE, L"ROOT");
    if (!store)
        return "cannot open the local machine's ROOT store: error " +
               std::to_string(::GetLastError());
    const BOOL ok = ::CertAddEncodedCertificateToStore(
        store, X509_ASN_ENCODING, reinterpret_cast<const BYTE*>(der.data()), der_size,
        CERT_STORE_ADD_REPLACE_EXISTING, nullptr);
    const DWORD err = ::GetLastError();
    ::CertCloseStore(store, 0);
    if (!ok) return "cannot add the certificate: error " + std::to_string(err);
    return {};
#else
    (void)pem_file;
    return "the ROOT certificate store exists on Windows only";
#endif
}

}  // namespace ctigw::tapihost
