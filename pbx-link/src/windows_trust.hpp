// The Windows machine's trusted roots for OpenSSL (windows_trust.cpp; Windows only).
// A TSP on Windows is expected to trust what the machine trusts: certificates an administrator
// deploys through Group Policy land in the ROOT store, not in a PEM file.
#pragma once

#include <string>

struct x509_store_st;

namespace ctigw::pbx_link {

/// Adds the certificates of the ROOT system stores (current user, which includes the machine's
/// under the service account, and local machine) to `store`. Returns how many were added;
/// `error` gets a reason when no store could be opened. Any thread.
int add_windows_root_certificates(x509_store_st* store, std::string& error);

}  // namespace ctigw::pbx_link
