#pragma once
#include "core/probe.hpp"
#include <string>

namespace pf {

// "syslog": sends one RFC 5424 message the way the ACC's syslog integration
// does, over TCP (RFC 6587 octet counting), TLS (RFC 5425, port 6514) or UDP
// (RFC 5426, where delivery cannot be confirmed). The message carries a
// unique MSGID so that the admin can find it in the server's log.
ProbeKind syslog_probe();

// "<13>1 TIMESTAMP HOST APP PID MSGID - MSG", facility user, severity notice.
std::string syslog_message(const std::string& host, const std::string& app,
                           const std::string& msgid, const std::string& text);

} // namespace pf
