// OpenLDAP's libldap, synchronous calls on the probe's worker thread. Every
// option is set on the handle, never globally: probes run concurrently.
#include "probes/ldap/ldap_client.hpp"
#include <cctype>
#include <dlfcn.h>
#include <ldap.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>

namespace pf {

namespace {

const char* const rootdse_attrs[] = {"defaultNamingContext",
                                     "dnsHostName",
                                     "isGlobalCatalogReady",
                                     "supportedLDAPVersion",
                                     "namingContexts",
                                     "vendorName",
                                     nullptr};

timeval remaining(Clock::time_point deadline) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
    if (us.count() < 1000) us = std::chrono::microseconds(1000);
    timeval tv{};
    tv.tv_sec = static_cast<long>(us.count() / 1000000);
    tv.tv_usec = static_cast<long>(us.count() % 1000000);
    return tv;
}

std::string uri_for(const LdapRequest& r) {
    bool v6 = r.host.find(':') != std::string::npos;
    return std::string(r.security == LdapSecurity::ldaps ? "ldaps://" : "ldap://") +
           (v6 ? "[" + r.host + "]" : r.host) + ":" + std::to_string(r.port);
}

struct Conversation : LdapSession {
    using LdapSession::LdapSession;
    LDAP* ld = nullptr;

    ~Conversation() override {
        if (ld) ldap_unbind_ext_s(ld, nullptr, nullptr);
    }

    void enter(LdapStep s) {
        LdapSession::enter(s);
        // Per step: a slow step cannot use more than what is left.
        timeval tv = remaining(req.deadline);
        ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
        ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv);
    }

    // Records a failed step; returns false so callers can `return fail(rc)`.
    bool fail(int rc, LDAPMessage* result = nullptr) {
        out.code = rc;
        out.api_error = rc < 0;
        out.timed_out = rc == LDAP_TIMEOUT;
        out.bad_filter = rc == LDAP_FILTER_ERROR;
        out.error = ldap_err2string(rc);
        char* text = nullptr;
        char* matched = nullptr;
        if (result) {
            int code = 0;
            ldap_parse_result(ld, result, &code, &matched, &text, nullptr, nullptr, 0);
        } else {
            ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &text);
            ldap_get_option(ld, LDAP_OPT_MATCHED_DN, &matched);
        }
        if (text) out.diagnostic = text;
        if (matched) out.matched_dn = matched;
        ldap_memfree(text);
        ldap_memfree(matched);
        return false;
    }

    bool open() override {
        int rc = ldap_initialize(&ld, uri_for(req).c_str());
        if (rc != LDAP_SUCCESS) return fail(rc);
        int v3 = LDAP_VERSION3;
        ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
        ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
        // libldap would check the certificate by its own rules and say only
        // "connect error"; the probe's chain check (the tls probe's) names
        // the problem instead, and runs before any password is sent.
        int never = LDAP_OPT_X_TLS_NEVER;
        ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &never);
        int client = 0;
        ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &client);
        // ldaps negotiates TLS as part of connecting; the TCP part was
        // already proven by the probe.
        enter(req.security == LdapSecurity::ldaps ? LdapStep::tls : LdapStep::connect);
        rc = ldap_connect(ld);
        if (rc != LDAP_SUCCESS) {
            int code = rc;
            ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &code);
            return fail(code == LDAP_SUCCESS ? rc : code);
        }
        took(req.security == LdapSecurity::ldaps ? "connect and TLS" : "connect");
        if (req.security == LdapSecurity::starttls) {
            enter(LdapStep::tls);
            rc = ldap_start_tls_s(ld, nullptr, nullptr);
            if (rc != LDAP_SUCCESS) return fail(rc);
            took("StartTLS");
        }
        return req.security == LdapSecurity::none || check_tls();
    }

    bool check_tls() {
        void* session = nullptr;
        ldap_get_option(ld, LDAP_OPT_X_TLS_SSL_CTX, &session);
        if (!session) return fail(LDAP_CONNECT_ERROR);
        peer_chain(session);
        if (tls_ok(out.chain)) return true;
        out.tls_refused = true;
        return false;
    }

    // The chain as sent, from whichever TLS library libldap was built with
    // (Debian's uses GnuTLS, others OpenSSL). GnuTLS is reached through the
    // symbols libldap already loaded, so the probe does not link it.
    void peer_chain(void* session) {
        char* package = nullptr;
        ldap_get_option(nullptr, LDAP_OPT_X_TLS_PACKAGE, &package);
        std::string tls_library = package ? package : "";
        ldap_memfree(package);
        if (tls_library == "OpenSSL") {
            SSL* ssl = static_cast<SSL*>(session);
            out.tls_version = SSL_get_version(ssl);
            if (STACK_OF(X509)* sent = SSL_get_peer_cert_chain(ssl))
                for (int i = 0; i < sk_X509_num(sent); ++i)
                    out.chain.push_back(share_x509(sk_X509_value(sent, i)));
            return;
        }
        struct Datum {
            unsigned char* data;
            unsigned int size;
        };
        using GetPeers = const Datum* (*)(void*, unsigned int*);
        using GetVersion = int (*)(void*);
        using VersionName = const char* (*)(int);
        auto get_peers =
            reinterpret_cast<GetPeers>(dlsym(RTLD_DEFAULT, "gnutls_certificate_get_peers"));
        auto get_version =
            reinterpret_cast<GetVersion>(dlsym(RTLD_DEFAULT, "gnutls_protocol_get_version"));
        auto version_name =
            reinterpret_cast<VersionName>(dlsym(RTLD_DEFAULT, "gnutls_protocol_get_name"));
        // The server's own certificate through the public option: every
        // build has it, and it checks what is read below.
        X509Ptr leaf;
        berval der{};
        if (ldap_get_option(ld, LDAP_OPT_X_TLS_PEERCERT, &der) == LDAP_OPT_SUCCESS && der.bv_val) {
            leaf = from_der(reinterpret_cast<unsigned char*>(der.bv_val), der.bv_len);
            ber_memfree(der.bv_val);
        }
        // libldap's GnuTLS session is its own struct whose first member is
        // the gnutls_session_t (tls_g.c, unchanged since 2.4). The leaf read
        // through it must be the one above, or only that one is used.
        if (tls_library == "GnuTLS" && get_peers && leaf) {
            void* gnutls = *static_cast<void**>(session);
            unsigned int n = 0;
            const Datum* certs = get_peers(gnutls, &n);
            for (unsigned int i = 0; certs && i < n; ++i)
                if (auto x = from_der(certs[i].data, certs[i].size)) out.chain.push_back(x);
            if (out.chain.empty() || X509_cmp(out.chain.front().get(), leaf.get()) != 0)
                out.chain.clear();
            else if (get_version && version_name)
                if (const char* v = version_name(get_version(gnutls))) out.tls_version = v;
        }
        if (out.chain.empty() && leaf) out.chain.push_back(leaf);
    }

    static X509Ptr from_der(const unsigned char* p, std::size_t size) {
        X509* x = d2i_X509(nullptr, &p, static_cast<long>(size));
        return x ? X509Ptr(x, X509_free) : nullptr;
    }

    // A search under the deadline; the caller frees *result.
    int search(const std::string& base, int scope, const std::string& filter,
               const char* const* attrs, int limit, LDAPMessage** result) {
        timeval tv = remaining(req.deadline);
        return ldap_search_ext_s(ld, base.c_str(), scope, filter.c_str(), const_cast<char**>(attrs),
                                 0, nullptr, nullptr, &tv, limit, result);
    }

    // Servers may refuse it to anonymous clients (an LDAP result: the
    // conversation goes on); a lost connection ends it.
    bool read_rootdse() override {
        enter(LdapStep::rootdse);
        LDAPMessage* res = nullptr;
        int rc = search("", LDAP_SCOPE_BASE, "(objectClass=*)", rootdse_attrs, 0, &res);
        if (rc == LDAP_SUCCESS) {
            out.rootdse.clear();
            out.rootdse_error.clear();
            for (auto* e = ldap_first_entry(ld, res); e; e = ldap_next_entry(ld, e))
                for (const char* const* a = rootdse_attrs; *a; ++a) {
                    berval** vals = ldap_get_values_len(ld, e, *a);
                    for (int i = 0; vals && vals[i]; ++i) {
                        std::string name = *a;
                        for (auto& c : name)
                            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                        out.rootdse[name].emplace_back(vals[i]->bv_val, vals[i]->bv_len);
                    }
                    ldap_value_free_len(vals);
                }
            took("rootDSE");
        } else if (rc < 0) {
            ldap_msgfree(res);
            return fail(rc);
        } else {
            out.rootdse_error = std::string(ldap_err2string(rc)) + " (" + std::to_string(rc) + ")";
        }
        ldap_msgfree(res);
        return true;
    }

    bool bind() override {
        enter(LdapStep::bind);
        const std::string& secret = req.password->reveal();
        // libldap takes a non-const berval but only reads it.
        berval cred{static_cast<ber_len_t>(secret.size()), const_cast<char*>(secret.data())};
        int rc = ldap_sasl_bind_s(ld, req.bind_dn.c_str(), LDAP_SASL_SIMPLE, &cred, nullptr,
                                  nullptr, nullptr);
        if (rc != LDAP_SUCCESS) return fail(rc);
        out.bound = true;
        took("bind");
        return true;
    }

    bool search_base() override {
        enter(LdapStep::search);
        static const char* const no_attrs[] = {LDAP_NO_ATTRS, nullptr};
        LDAPMessage* res = nullptr;
        int rc = search(req.base, LDAP_SCOPE_SUBTREE, req.filter, no_attrs, req.size_limit, &res);
        bool ok = rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED;
        if (ok) {
            out.entries = ldap_count_entries(ld, res);
            out.size_limited = rc == LDAP_SIZELIMIT_EXCEEDED;
            took("search");
        } else {
            fail(rc, res);
        }
        ldap_msgfree(res);
        return ok;
    }
};

} // namespace

const char* ldap_client_name() {
    return "libldap";
}

std::unique_ptr<LdapSession> make_ldap_session(const LdapRequest& request,
                                               const LdapTlsCheck& tls_ok, std::atomic<int>& step) {
    return std::make_unique<Conversation>(request, tls_ok, step);
}

} // namespace pf
