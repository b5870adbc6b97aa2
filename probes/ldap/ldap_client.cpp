#include "probes/ldap/ldap_client.hpp"

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

} // namespace pf
