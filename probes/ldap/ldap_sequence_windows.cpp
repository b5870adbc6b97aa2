#include "net/worker_pool.hpp"
#include "probes/ldap/ldap_session_windows.hpp"
#include <openssl/crypto.h>

namespace pf {

LdapOutcome ldap_converse(const LdapRequest& request, const LdapTlsCheck& tls_ok,
                          std::atomic<int>& step) {
    auto s = make_ldap_session(request, tls_ok, step);
    auto stop = [&] { return std::move(s->out); };
    if (!s->open() || !s->read_rootdse()) return stop();
    if (!request.bind_dn.empty()) {
        if (!s->bind()) return stop();
        if (s->out.rootdse.empty() && !s->read_rootdse()) return stop();
    }
    if (!request.base.empty() && !s->search_base()) return stop();
    s->enter(LdapStep::done);
    return stop();
}

std::function<void()> start_ldap_conversation(asio::io_context& io, SocketPtr socket,
                                              const LdapRequest& request, LdapTlsCheck tls_ok,
                                              std::shared_ptr<std::atomic<int>> step,
                                              std::function<void(LdapOutcome)> on_done) {
    // Wldap32 makes its own connection; this one only proved the port open.
    std::error_code ignore;
    if (socket) socket->close(ignore);
    return worker_pool(io).run<LdapOutcome>(
        [r = request, tls_ok, step] {
            auto outcome = ldap_converse(r, tls_ok, *step);
            // OpenSSL's per-thread state goes now, not as the thread exits:
            // a run may end, and the process with it, before then
            // (LeakSanitizer saw its 904 bytes leak).
            OPENSSL_thread_stop();
            return outcome;
        },
        std::move(on_done));
}

} // namespace pf
