#pragma once
#include "core/check_cancel.hpp"
#include "net/tcp_connect.hpp"
#include "pki/peer_check.hpp"
#include <asio/io_context.hpp>
#include <chrono>
#include <curl/curl.h>
#include <functional>
#include <memory>

namespace pf {

// libcurl's multi interface driven by the run's Asio event loop: curl's
// sockets are Asio sockets (opened through CURLOPT_OPENSOCKETFUNCTION), their
// readiness and curl's timer are Asio waits, so HTTP(S), SMTP and SCEP probes
// run concurrently with every other probe and never block the loop.
//
// Name lookups stay out of curl: probes resolve with resolve_host() (which
// tells "does not exist" from "temporary failure") and pin the addresses
// with CURLOPT_RESOLVE, so curl never starts a resolver thread of its own.
class CurlLoop {
  public:
    // The one CurlLoop of an io_context, created on first use.
    static CurlLoop& of(asio::io_context& io);

    // Runs the transfer configured on easy; on_done gets curl's result on the
    // loop. The caller keeps easy alive until on_done or the returned cancel
    // (which removes the transfer; on_done is then not called). With
    // connected (a tunnel through the proxy, or a connection made by
    // net/tunnel), curl takes that socket as its connection instead of
    // connecting: the URL still names the target, so TLS's SNI and the Host
    // header are the target's.
    std::function<void()> perform(CURL* easy, std::function<void(CURLcode)> on_done,
                                  SocketPtr connected = nullptr);

    struct Impl;
    explicit CurlLoop(asio::io_context& io);
    ~CurlLoop();
    void shutdown(); // the io_context is going away: drop every transfer

  private:
    std::shared_ptr<Impl> impl_;
};

// CurlLoop::perform ended by the check's cancellation: on_done(code, late)
// is called exactly once, with curl's result, or with
// CURLE_OPERATION_TIMEDOUT and true once the check is cancelled (the
// transfer is removed first, so the handle's info can still be read). Sets
// curl's own time limits on easy as a backstop a second past the check's
// deadline. The returned cancel stops the transfer, and on_done is then not
// called.
std::function<void()> perform_until(asio::io_context& io, CURL* easy, const CheckCancelPtr& cancel,
                                    std::function<void(CURLcode, bool)> on_done,
                                    SocketPtr connected = nullptr);

// The start and cancel every curl-driven exchange shares. Job is held by a
// shared_ptr and has: io, easy (CurlEasy), req.cancel, x.deadline_passed,
// started, finished, on_done, cancel_curl, configure() and finish(CURLcode).
template <class Job>
std::function<void()> start_curl_job(std::shared_ptr<Job> job, SocketPtr connected = nullptr) {
    job->started = std::chrono::steady_clock::now();
    job->configure();
    job->cancel_curl = perform_until(
        job->io, job->easy.get(), job->req.cancel,
        [job](CURLcode rc, bool late) {
            job->x.deadline_passed = late;
            job->finish(rc);
        },
        std::move(connected));
    return [job] {
        job->finished = true;
        job->on_done = nullptr;
        if (auto c = std::move(job->cancel_curl)) c();
    };
}

// An easy handle that cleans itself up, with the options every probe wants:
// no signals, a fresh connection (a reused one would hide what the path does
// to a new connection), no proxy unless the probe sets one.
using CurlEasy = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
CurlEasy make_curl_easy();

// The TLS of easy judged by judge (the run's store, verify_chain during the
// handshake) instead of by curl: no CA file or directory of curl's own, and
// no resumed session, which would show no certificate and so no verdict.
// judge must outlive the transfer.
void use_peer_judge(CURL* easy, PeerJudge& judge);

} // namespace pf
