// Windows ROOT store → OpenSSL X509_STORE (windows_trust.hpp).
// OpenSSL's headers come first: <wincrypt.h> defines X509_NAME and friends as macros, so this
// file only uses OpenSSL through names it does not redefine (d2i_X509, X509_STORE_add_cert).
#include "windows_trust.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <windows.h>
#include <wincrypt.h>

namespace ctigw::pbx_link {

int add_windows_root_certificates(x509_store_st* store, std::string& error) {
    if (store == nullptr) return 0;
    int added = 0;
    int opened = 0;
    const DWORD locations[] = {CERT_SYSTEM_STORE_CURRENT_USER, CERT_SYSTEM_STORE_LOCAL_MACHINE};
    for (const DWORD location : locations) {
        HCERTSTORE sys = CertOpenStore(
            CERT_STORE_PROV_SYSTEM_W, 0, 0,
            location | CERT_STORE_OPEN_EXISTING_FLAG | CERT_STORE_READONLY_FLAG, L"ROOT");
        if (sys == nullptr) continue;
        ++opened;
        PCCERT_CONTEXT cert = nullptr;
        while ((cert = CertEnumCertificatesInStore(sys, cert)) != nullptr) {
            const unsigned char* der = cert->pbCertEncoded;
            X509* x = d2i_X509(nullptr, &der, static_cast<long>(cert->cbCertEncoded));
            if (x == nullptr) continue;  // a certificate OpenSSL cannot parse is skipped
            if (X509_STORE_add_cert(store, x) == 1) ++added;
            X509_free(x);
        }
        CertCloseStore(sys, 0);
    }
    // Duplicates (the same root in both stores) leave "cert already in hash table" errors.
    ERR_clear_error();
    if (opened == 0)
        error =
            "cannot open the ROOT certificate store (error " + std::to_string(GetLastError()) + ")";
    return added;
}

}  // namespace ctigw::pbx_link
