// Wldap32, Windows' own LDAP client (the one the Cloud Connector's .NET
// runtime uses underneath), synchronous on the probe's worker thread. The
// server certificate goes through the same chain check as on Linux, from
// Wldap32's verification callback, before anything else is sent.
#include "base/catalog.hpp"
#include "probes/ldap/ldap_session_windows.hpp"
#include <cctype>
#include <map>
#include <mutex>
#include <windows.h>
// windows.h first: winldap.h and wincrypt.h need its types.
#include <openssl/crypto.h>
#include <openssl/x509.h>
#include <wincrypt.h>
#include <winldap.h>

namespace pf {

namespace {

const char* const rootdse_attrs[] = {"defaultNamingContext", "dnsHostName",
                                     "isGlobalCatalogReady", "supportedLDAPVersion",
                                     "namingContexts",       "vendorName"};

l_timeval remaining(Clock::time_point deadline) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
    if (us.count() < 1000) us = std::chrono::microseconds(1000);
    l_timeval tv{};
    tv.tv_sec = static_cast<LONG>(us.count() / 1000000);
    tv.tv_usec = static_cast<LONG>(us.count() % 1000000);
    return tv;
}

X509Ptr from_der(const unsigned char* p, std::size_t size) {
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(size));
    return x ? X509Ptr(x, X509_free) : nullptr;
}

struct Conversation;

// Wldap32's certificate callback gets only the connection: this maps it back.
std::mutex callbacks_mutex;
std::map<LDAP*, Conversation*> callbacks;

struct Conversation : LdapSession {
    using LdapSession::LdapSession;
    LDAP* ld = nullptr;
    bool checked = false; // the callback ran

    ~Conversation() override {
        if (!ld) return;
        {
            std::lock_guard<std::mutex> lock(callbacks_mutex);
            callbacks.erase(ld);
        }
        ldap_unbind(ld);
    }

    bool fail(ULONG rc, LDAPMessage* result = nullptr) {
        out.code = static_cast<int>(rc);
        // Wldap32's own errors start at LDAP_SERVER_DOWN (0x51); below are
        // the server's result codes.
        out.api_error = rc >= LDAP_SERVER_DOWN;
        out.timed_out = rc == LDAP_TIMEOUT;
        out.bad_filter = rc == LDAP_FILTER_ERROR;
        if (const char* e = ldap_err2stringA(rc)) out.error = e;
        PCHAR text = nullptr, matched = nullptr;
        ULONG code = 0;
        if (result)
            ldap_parse_resultA(ld, result, &code, &matched, &text, nullptr, nullptr, FALSE);
        else
            ldap_get_option(ld, LDAP_OPT_SERVER_ERROR, &text);
        if (text) out.diagnostic = text;
        if (matched) out.matched_dn = matched;
        if (text) ldap_memfreeA(text);
        if (matched) ldap_memfreeA(matched);
        return false;
    }

    // The certificate as sent and the intermediates that came with it (the
    // context's store), leaf first; the chain check decides.
    BOOLEAN on_certificate(PCCERT_CONTEXT cert) {
        checked = true;
        if (auto leaf = from_der(cert->pbCertEncoded, cert->cbCertEncoded))
            out.chain.push_back(leaf);
        PCCERT_CONTEXT other = nullptr;
        while (cert->hCertStore &&
               (other = CertEnumCertificatesInStore(cert->hCertStore, other)) != nullptr)
            if (!CertCompareCertificate(X509_ASN_ENCODING, cert->pCertInfo, other->pCertInfo))
                if (auto x = from_der(other->pbCertEncoded, other->cbCertEncoded))
                    out.chain.push_back(x);
        CertFreeCertificateContext(cert); // the callback owns it
        if (tls_ok(out.chain)) return TRUE;
        out.tls_refused = true;
        return FALSE;
    }

    static BOOLEAN __cdecl verify(PLDAP connection, PCCERT_CONTEXT cert) {
        Conversation* c = nullptr;
        {
            std::lock_guard<std::mutex> lock(callbacks_mutex);
            auto it = callbacks.find(connection);
            if (it != callbacks.end()) c = it->second;
        }
        if (!c) {
            CertFreeCertificateContext(cert);
            return FALSE;
        }
        return c->on_certificate(cert);
    }

    bool open() override {
        std::string host = req.host;
        bool tls = req.security == LdapSecurity::ldaps;
        ld = ldap_sslinitA(host.data(), req.port, tls ? 1 : 0);
        if (!ld) return fail(LdapGetLastError());
        {
            std::lock_guard<std::mutex> lock(callbacks_mutex);
            callbacks[ld] = this;
        }
        ULONG v3 = LDAP_VERSION3;
        ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
        ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
        // Wine's Wldap32, for one, does not implement the callback.
        bool can_check = ldap_set_option(ld, LDAP_OPT_SERVER_CERTIFICATE,
                                         reinterpret_cast<void*>(&verify)) == LDAP_SUCCESS;
        if (req.security != LdapSecurity::none && !can_check) {
            enter(LdapStep::tls);
            return unchecked(msg("ldap.wldap32_no_server_certificate"));
        }
        enter(tls ? LdapStep::tls : LdapStep::connect);
        l_timeval tv = remaining(req.deadline);
        ULONG rc = ldap_connect(ld, &tv);
        if (rc != LDAP_SUCCESS) return fail(rc);
        took(tls ? "connect and TLS" : "connect");
        if (req.security == LdapSecurity::starttls) {
            enter(LdapStep::tls);
            ULONG server_rc = 0;
            LDAPMessage* res = nullptr;
            rc = ldap_start_tls_sA(ld, &server_rc, &res, nullptr, nullptr);
            if (rc != LDAP_SUCCESS) {
                fail(server_rc ? server_rc : rc, res);
                if (res) ldap_msgfree(res);
                return false;
            }
            if (res) ldap_msgfree(res);
            took("StartTLS");
        }
        if (req.security != LdapSecurity::none && !checked)
            return unchecked(msg("ldap.wldap32_no_callback"));
        return true;
    }

    bool unchecked(const Message& why) {
        out.tls_unchecked = true;
        out.api_error = true;
        out.error = part(why).text;
        return false;
    }

    ULONG search(const std::string& base, ULONG scope, const std::string& filter,
                 const char* const* attrs, ULONG limit, LDAPMessage** result) {
        std::string b = base, f = filter;
        l_timeval tv = remaining(req.deadline);
        return ldap_search_ext_sA(ld, b.data(), scope, f.data(), const_cast<PCHAR*>(attrs), 0,
                                  nullptr, nullptr, &tv, limit, result);
    }

    bool read_rootdse() override {
        enter(LdapStep::rootdse);
        std::vector<const char*> attrs(std::begin(rootdse_attrs), std::end(rootdse_attrs));
        attrs.push_back(nullptr);
        LDAPMessage* res = nullptr;
        ULONG rc = search("", LDAP_SCOPE_BASE, "(objectClass=*)", attrs.data(), 0, &res);
        if (rc == LDAP_SUCCESS) {
            out.rootdse.clear();
            out.rootdse_error.clear();
            for (auto* e = ldap_first_entry(ld, res); e; e = ldap_next_entry(ld, e))
                for (const char* a : rootdse_attrs) {
                    std::string name = a;
                    berval** vals = ldap_get_values_lenA(ld, e, name.data());
                    for (auto& c : name)
                        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                    for (int i = 0; vals && vals[i]; ++i)
                        out.rootdse[name].emplace_back(vals[i]->bv_val, vals[i]->bv_len);
                    if (vals) ldap_value_free_len(vals);
                }
            took("rootDSE");
        } else if (rc >= LDAP_SERVER_DOWN) {
            if (res) ldap_msgfree(res);
            return fail(rc);
        } else {
            out.rootdse_error = std::string(ldap_err2stringA(rc)) + " (" + std::to_string(rc) + ")";
        }
        if (res) ldap_msgfree(res);
        return true;
    }

    bool bind() override {
        enter(LdapStep::bind);
        std::string dn = req.bind_dn, secret = req.password->reveal();
        // The asynchronous call, so that the deadline bounds the wait.
        ULONG id = ldap_simple_bindA(ld, dn.data(), secret.data());
        OPENSSL_cleanse(secret.data(), secret.size());
        if (id == static_cast<ULONG>(-1)) return fail(LdapGetLastError());
        l_timeval tv = remaining(req.deadline);
        LDAPMessage* res = nullptr;
        ULONG got = ldap_result(ld, id, LDAP_MSG_ALL, &tv, &res);
        if (got == 0) {
            ldap_abandon(ld, id);
            return fail(LDAP_TIMEOUT);
        }
        if (got == static_cast<ULONG>(-1)) return fail(LdapGetLastError());
        ULONG code = 0;
        ldap_parse_resultA(ld, res, &code, nullptr, nullptr, nullptr, nullptr, FALSE);
        if (code != LDAP_SUCCESS) {
            fail(code, res);
            ldap_msgfree(res);
            return false;
        }
        ldap_msgfree(res);
        out.bound = true;
        took("bind");
        return true;
    }

    bool search_base() override {
        enter(LdapStep::search);
        const char* const no_attrs[] = {"1.1", nullptr};
        LDAPMessage* res = nullptr;
        ULONG rc = search(req.base, LDAP_SCOPE_SUBTREE, req.filter, no_attrs,
                          static_cast<ULONG>(req.size_limit), &res);
        bool ok = rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED;
        if (ok) {
            out.entries = static_cast<long>(ldap_count_entries(ld, res));
            out.size_limited = rc == LDAP_SIZELIMIT_EXCEEDED;
            took("search");
        } else {
            fail(rc, res);
        }
        if (res) ldap_msgfree(res);
        return ok;
    }
};

} // namespace

const char* ldap_client_name() {
    return "Wldap32";
}

std::unique_ptr<LdapSession> make_ldap_session(const LdapRequest& request,
                                               const LdapTlsCheck& tls_ok, std::atomic<int>& step) {
    return std::make_unique<Conversation>(request, tls_ok, step);
}

} // namespace pf
