#pragma once
// Real Debian servers on loopback for the TLS, HTTPS and proxy probe tests:
// nginx (HTTPS origins), squid (authenticating and TLS-inspecting proxy),
// tinyproxy (a proxy with an idle timeout). Each object writes its
// configuration under a temporary directory of its own, starts the server,
// returns once its port accepts connections, and stops the server by PID
// when destroyed. A server that does not come up within 10 s makes the
// constructor throw std::runtime_error with the tail of its logs.
// Packages: scripts/install-deps.sh --test.
#include "support/processes.hpp"
#include <memory>
#include <string>
#include <vector>

namespace pft {

struct NginxSite {
    // PEM files; cert_file is the served chain (leaf first). Needed when tls.
    std::string cert_file = {}, key_file = {};
    // Raw directives placed inside server{}, e.g. "ssl_protocols TLSv1.2;",
    // "ssl_verify_client on; ssl_client_certificate /…/ca.pem;", locations.
    // Every site answers GET /__preflight_health with 204, and, unless extra
    // has its own "location / {", every other path with 200 "ok\n".
    // A weak (rsa1024, sha1) certificate needs "ssl_ciphers DEFAULT@SECLEVEL=0;".
    std::string extra = {};
    bool tls = true;
    unsigned short port = 0; // 0: an unused one; sites may share a port (add server_name to extra)
};

// nginx (package nginx-light), all sites in one process on 127.0.0.1.
class Nginx {
  public:
    explicit Nginx(std::vector<NginxSite> sites);
    Nginx(const Nginx&) = delete;
    Nginx& operator=(const Nginx&) = delete;
    unsigned short port(std::size_t site = 0) const { return ports_.at(site); }
    std::string log() const;        // error log, at level info (TLS handshake failures show)
    std::string access_log() const; // one line per request
    // Whether a line containing text appears in the access log within 3 s.
    bool logged(const std::string& text) const;
    const std::string& dir() const { return dir_.path(); }

  private:
    void start(const std::vector<NginxSite>& sites); // one attempt (start_on_fresh_ports)
    TempDir dir_; // declared first: destroyed after the server has stopped
    std::vector<unsigned short> ports_;
    std::unique_ptr<Background> proc_;
};

struct SquidOptions {
    std::string basic_user = {}, basic_password = {}; // empty: no authentication
    // NTLM instead (squid's ntlm_fake_auth: any user and password pass, and
    // the access log names the user): the messages are checked, not the password.
    bool ntlm = false;
    // Digest instead, for basic_user and basic_password (digest_file_auth).
    bool digest = false;
    // Negotiate (Kerberos) instead, with this keytab for this service
    // principal ("HTTP/localhost@REALM"): negotiate_kerberos_auth. Start
    // squid with KRB5_CONFIG naming the realm's KDC (support/kdc_posix).
    std::string negotiate_keytab = {}, negotiate_principal = {};
    // Both set: ssl-bump every CONNECT, re-signing origin certificates with
    // this CA (cert and key PEM files).
    std::string bump_ca_cert = {}, bump_ca_key = {};
    // With bumping: the CA squid trusts for origins (else the system store).
    std::string origin_ca_file = {};
};

// squid (package squid-openssl) on 127.0.0.1. Allows CONNECT to any port
// from loopback clients (with credentials when basic_user is set). Contacts
// no DNS server but 127.0.0.1: give it IP literals. Stopping takes 2–4 s.
class Squid {
  public:
    explicit Squid(SquidOptions options = {});
    Squid(const Squid&) = delete;
    Squid& operator=(const Squid&) = delete;
    unsigned short port() const { return port_; }
    std::string log() const; // cache.log
    // e.g. "… TCP_TUNNEL/200 … CONNECT 127.0.0.1:443 alice …", written when a
    // transaction ends: a tunnel appears only after it has closed.
    std::string access_log() const;
    const std::string& dir() const { return dir_.path(); }

  private:
    void start(const SquidOptions& options); // one attempt (start_on_fresh_ports)
    TempDir dir_;
    unsigned short port_ = 0;
    std::unique_ptr<Background> proc_;
};

struct TinyproxyOptions {
    unsigned timeout_seconds = 600; // an idle connection or tunnel is closed after this
    // Empty: no authentication. No blanks or quotes (tinyproxy cannot quote them).
    std::string basic_user = {}, basic_password = {};
    std::vector<unsigned short> connect_ports = {}; // empty: CONNECT to any port
};

// tinyproxy on 127.0.0.1.
class Tinyproxy {
  public:
    explicit Tinyproxy(TinyproxyOptions options = {});
    Tinyproxy(const Tinyproxy&) = delete;
    Tinyproxy& operator=(const Tinyproxy&) = delete;
    unsigned short port() const { return port_; }
    std::string log() const;
    const std::string& dir() const { return dir_.path(); }

  private:
    void start(const TinyproxyOptions& options); // one attempt (start_on_fresh_ports)
    TempDir dir_;
    unsigned short port_ = 0;
    std::unique_ptr<Background> proc_;
};

// A blocking TCP connection to a loopback server, for speaking to proxies by
// hand. Throws std::runtime_error when it cannot connect or send.
class TcpClient {
  public:
    explicit TcpClient(unsigned short port, const std::string& host = "127.0.0.1");
    ~TcpClient();
    TcpClient(const TcpClient&) = delete;
    TcpClient& operator=(const TcpClient&) = delete;
    int fd() const { return fd_; }
    void send(const std::string& bytes);
    // Reads until delimiter has arrived, the peer closed, or seconds passed;
    // returns everything read (bytes past the delimiter stay buffered for
    // the next call).
    std::string read_until(const std::string& delimiter, double seconds);
    // Seconds until the peer closes (data arriving meanwhile is discarded),
    // or -1 when it is still open after `seconds`.
    double seconds_until_closed(double seconds);

  private:
    int fd_ = -1;
    std::string buffered_;
};

// Sends "CONNECT target HTTP/1.1" (with Proxy-Authorization: Basic when user
// is not empty) and returns the response head, e.g.
// "HTTP/1.1 407 Proxy Authentication Required\r\n…\r\n\r\n"; after a 200 the
// connection is the tunnel.
std::string proxy_connect(TcpClient& proxy, const std::string& target, const std::string& user = {},
                          const std::string& password = {});
// The status code of a response head ("HTTP/1.1 407 …" → 407), or 0.
int status_code(const std::string& response_head);

} // namespace pft
