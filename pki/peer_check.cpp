#include "pki/peer_check.hpp"
#include "base/catalog.hpp"
#include <openssl/x509_vfy.h>
#include <stdexcept>

namespace pf {

void PeerJudge::install(SSL_CTX* ctx) {
    if (on_start) on_start();
    if (trust && X509_STORE_up_ref(trust->store()) == 1)
        SSL_CTX_set_cert_store(ctx, trust->store());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_cert_verify_callback(ctx, &PeerJudge::verify, this);
}

bool PeerJudge::accepts(const TlsVerdict& v) const {
    if (v.diagnosis == TlsDiagnosis::trusted) return true;
    return v.diagnosis == TlsDiagnosis::expiring_soon &&
           (!refuse_expiring || v.status != Status::fail);
}

// Replaces OpenSSL's verification (X509_verify_cert) for the handshake: it
// runs inside SSL_connect, so nothing may throw out of it.
int PeerJudge::verify(X509_STORE_CTX* store, void* p) {
    auto* j = static_cast<PeerJudge*>(p);
    PeerCheck& s = j->seen;
    s = PeerCheck{};
    s.reached = true;
    auto* ssl =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    if (ssl) {
        s.protocol = SSL_get_version(ssl);
        if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl)) s.cipher = SSL_CIPHER_get_name(c);
    }
    X509* leaf = X509_STORE_CTX_get0_cert(store);
    if (!leaf) {
        X509_STORE_CTX_set_error(store, X509_V_ERR_UNSPECIFIED);
        s.refused = true;
        return 0;
    }
    s.chain = {share_x509(leaf)};
    if (STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(store))
        for (int i = 0; i < sk_X509_num(sent); ++i)
            if (X509* c = sk_X509_value(sent, i); X509_cmp(c, leaf) != 0)
                s.chain.push_back(share_x509(c));
    try {
        if (!j->trust)
            throw std::runtime_error(j->trust_problem.empty()
                                         ? render(msg("trust.none_for_handshake"))
                                         : j->trust_problem);
        s.verdict = verify_chain(s.chain, j->host, j->tls, *j->trust);
    } catch (const std::exception& e) {
        s.error = e.what();
        s.refused = true;
        X509_STORE_CTX_set_error(store, X509_V_ERR_UNSPECIFIED);
        return 0;
    }
    if (j->accepts(*s.verdict)) {
        X509_STORE_CTX_set_error(store, X509_V_OK);
        return 1;
    }
    s.refused = true;
    X509_STORE_CTX_set_error(store, s.verdict->x509_error != X509_V_OK ? s.verdict->x509_error
                                                                       : X509_V_ERR_UNSPECIFIED);
    return 0;
}

} // namespace pf
