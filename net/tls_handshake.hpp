#pragma once
#include "core/check_cancel.hpp"
#include "net/tcp_connect.hpp"
#include <asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <openssl/ssl.h>
#include <string>
#include <system_error>
#include <thread>

namespace pf {

// What OpenSSL reported about a TLS connection besides its data: the alerts
// either way and whether the server asked for a client certificate. Written
// from OpenSSL's callbacks by whichever thread runs the SSL object.
struct TlsNotes {
    std::string alert_received; // "fatal handshake failure"
    std::string alert_sent;
    bool certificate_requested = false; // the server sent a CertificateRequest
};

// Makes OpenSSL's callbacks on ssl write to notes (and to nothing once null).
void keep_notes(SSL* ssl, TlsNotes* notes);

// The client-certificate callback of an SSL_CTX: notes the request (TLS 1.2
// and 1.3) and goes on without a certificate.
int note_certificate_request(SSL* ssl, X509** cert, EVP_PKEY** key);

struct SslFree {
    void operator()(SSL* s) const { SSL_free(s); }
};
using SslPtr = std::unique_ptr<SSL, SslFree>;

struct HandshakeResult {
    std::error_code error; // none: the handshake completed
    SslPtr ssl;            // the connection, once completed
    TlsNotes notes;
    std::uint64_t bytes_received = 0; // of the server's handshake
    // Cancelled while a step waited for a CPU thread or computed: the time
    // ran out in preflight, not on the network.
    bool computing = false;
    // From the start to the end, less the time its steps waited for a CPU
    // thread and their results for the loop: the server's and the network's
    // time and the handshake's own CPU, not the run's queues.
    double ms = 0;
    std::size_t steps = 0;         // OpenSSL calls made
    std::size_t steps_on_loop = 0; // of which on the thread that started it (none)
};

// The client side of a TLS handshake on a connected socket, with its CPU
// off the event loop: the loop moves the bytes, and each step (give OpenSSL
// the server's records, let it compute, take what it writes) runs on the
// run's CPU pool (net/worker_pool), the SSL object touched by one thread at
// a time. Hundreds of handshakes then use every core instead of queueing on
// the loop's one. Only whole records are given to OpenSSL and no byte after
// the last one of the handshake is taken from the socket, so that whatever
// the server sends next stays there for the stream made from ssl.
//
// ssl is configured (SNI, ALPN) and not yet started; its BIOs are replaced.
// At the check's cancellation the result's error is operation_aborted, at
// once even while a step computes. on_done runs once, on the loop; the
// returned function abandons the handshake (on_done is then not called).
std::function<void()> client_handshake(asio::io_context& io, SocketPtr socket, SslPtr ssl,
                                       const CheckCancelPtr& cancel,
                                       std::function<void(HandshakeResult)> on_done);

// How many handshakes hold an SSL object (running, or a step still
// computing for one abandoned).
std::size_t live_handshakes();

} // namespace pf
