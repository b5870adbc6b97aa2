#pragma once
#include "core/run_environment.hpp"
#include "pki/cert_info.hpp"
#include <asio/execution_context.hpp>
#include <cstddef>
#include <memory>
#include <mutex>
#include <openssl/x509.h>
#include <string>
#include <utility>
#include <vector>

namespace pf {

using X509Ptr = std::shared_ptr<X509>;

// The public root programme's bundle: a PEM file, or a directory of .crt /
// .pem files (Debian's /usr/share/ca-certificates/mozilla).
struct PublicRoots {
    std::string location; // empty when the platform has none
    // The bundle's certificates as DER, sorted, not parsed: parsing ~140
    // roots costs more than a whole TLS check, and a chain's root is nearly
    // always byte-identical to one of them (contains_root parses only a
    // candidate that shares the subject's bytes).
    std::vector<std::string> der;
    std::vector<X509Ptr> roots; // parsed certificates (--ca-file's)
    std::string problem;        // why the comparison cannot be made; empty when roots were read
    std::size_t size() const { return der.size() + roots.size(); }
};

// Everything a run trusts, read once: the store chains are verified against
// (the system's or --trust-store's roots plus every --ca-file), the
// certificates of each --ca-file (to tell a root given for this run from one
// added to the machine), and, read on first need, the public root bundle
// the interception test compares with. Reading a system bundle and walking
// the public-roots directory take tens of milliseconds of event-loop time
// that twenty concurrent checks should not pay twenty times, and every
// protocol must judge against the same roots.
class TrustMaterial {
  public:
    // Throws std::runtime_error when a configured trust file cannot be read.
    explicit TrustMaterial(const TlsSettings& tls);
    ~TrustMaterial();
    TrustMaterial(const TrustMaterial&) = delete;
    TrustMaterial& operator=(const TrustMaterial&) = delete;

    // The verification store; shared with an SSL_CTX by X509_STORE_up_ref.
    X509_STORE* store() const { return store_; }
    // "the trust store /tmp/x.pem + corp.pem", "this machine's trusted roots".
    const std::string& name() const { return name_; }
    std::size_t system_roots() const { return system_roots_; }
    // Each --ca-file and the certificates read from it.
    const std::vector<std::pair<std::string, std::vector<X509Ptr>>>& ca_files() const {
        return ca_files_;
    }
    // TlsSettings::public_roots (or the platform's bundle), read on the first call.
    const PublicRoots& public_roots() const;

  private:
    X509_STORE* store_ = nullptr;
    std::string name_;
    std::size_t system_roots_ = 0;
    std::vector<std::pair<std::string, std::vector<X509Ptr>>> ca_files_;
    std::string public_location_;
    mutable std::once_flag public_once_;
    mutable PublicRoots public_;
};

using TrustHandle = std::shared_ptr<const TrustMaterial>;

// Every certificate of a PEM file; none when it cannot be read.
std::vector<X509Ptr> read_pem_certs(const std::string& path);

// The run's trust material: built on the first call for these settings and
// the same object for every later call on the same run (the execution
// context of its event loop), so that every check of a run shares one
// store. Thread-safe. Throws as TrustMaterial does (and again on later
// calls: a failed load is not cached).
TrustHandle run_trust(asio::execution_context& run, const TlsSettings& tls);

// How many times trust material has been built in this process: a test's
// proof that a run loads it once.
std::size_t trust_material_loads();

} // namespace pf
