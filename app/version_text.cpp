#include "app/version_text.hpp"
#include "base/build_info.hpp"
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <pugixml.hpp>
#ifdef _WIN32
#include <windows.h>
#include <winldap.h>
#else
#include <ldap_features.h>
#endif

namespace pf {

namespace {

std::string ldap_version() {
#ifdef _WIN32
    // Wldap32 ships with Windows: its version is the system's, asked here.
    LDAPAPIInfo info{};
    info.ldapai_info_version = LDAP_API_INFO_VERSION;
    if (ldap_get_option(nullptr, LDAP_OPT_API_INFO, &info) != LDAP_SUCCESS)
        return "Wldap32 (version not reported)";
    std::string text = "Wldap32, vendor version " + std::to_string(info.ldapai_vendor_version) +
                       ", LDAP API " + std::to_string(info.ldapai_api_version);
    if (info.ldapai_extensions) ldap_value_free(info.ldapai_extensions);
    if (info.ldapai_vendor_name) ldap_memfree(info.ldapai_vendor_name);
    return text;
#else
    // Only liblber is linked (the probe speaks LDAP itself); it has no
    // run-time version call, so this is the version built against.
    return "OpenLDAP liblber " + std::to_string(LDAP_VENDOR_VERSION_MAJOR) + "." +
           std::to_string(LDAP_VENDOR_VERSION_MINOR) + "." +
           std::to_string(LDAP_VENDOR_VERSION_PATCH);
#endif
}

std::string pugixml_version() {
    // PUGIXML_VERSION is major * 1000 + minor * 10 (1.13: 1130) since 1.10;
    // older releases used major * 100 + minor.
    int v = PUGIXML_VERSION;
    if (v >= 1000) return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
    return std::to_string(v / 100) + "." + std::to_string(v % 100);
}

} // namespace

std::vector<std::pair<std::string, std::string>> linked_library_versions() {
    const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
    return {
        {"OpenSSL", OpenSSL_version(OPENSSL_VERSION)},
        {"libcurl", std::string("libcurl ") + (curl && curl->version ? curl->version : "?")},
        {"pugixml", "pugixml " + pugixml_version()},
        {"LDAP", ldap_version()},
    };
}

std::string version_text() {
    const BuildInfo& b = build_info();
    std::string text = "preflight " + b.version + "\ncommit: " + b.commit + "\nbuilt: " + b.date +
                       "\ntarget: " + b.target + "\n";
    for (const auto& [name, version] : linked_library_versions())
        text += name + ": " + version + "\n";
    return text;
}

} // namespace pf
