// curl-driven exchanges (HTTP, SMTP) end when the check's cancellation is
// emitted, not at a deadline of their own: an interrupt long before the
// deadline stops a transfer to a silent peer at once, reported as stopped by
// the deadline (the phase reached), exactly once.
#include "net/http_transfer.hpp"
#include "probes/smtp/smtp_session.hpp"
#include "support/hostile_peer_posix.hpp"
#include <asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

using namespace pf;
using namespace std::chrono_literals;
using pft::HostilePeer;
using pft::PeerScript;

namespace {

constexpr auto kInterruptAfter = 200ms;

// Runs start(cancel) with a deadline far away, emits the cancellation after
// kInterruptAfter, and returns the seconds until the loop had no work left.
template <class Start> double run_interrupted(asio::io_context& io, Start start) {
    auto cancel = CheckCancel::create(Clock::now() + 20s);
    auto t0 = Clock::now();
    auto stop = start(cancel);
    asio::steady_timer interrupt(io, kInterruptAfter);
    interrupt.async_wait(
        [cancel](std::error_code) { cancel->emit(CheckCancel::Cause::interrupted); });
    io.run();
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

HttpRequest plain_http(const HostilePeer& peer, const CheckCancelPtr& cancel) {
    HttpRequest req;
    req.scheme = "http";
    req.host = "127.0.0.1";
    req.port = peer.port();
    req.cancel = cancel;
    return req;
}

} // namespace

BOOST_AUTO_TEST_SUITE(curl_cancel)

BOOST_AUTO_TEST_CASE(http_transfer_ends_at_the_checks_cancellation) {
    HostilePeer peer(HostilePeer::silent());
    asio::io_context io;
    int calls = 0;
    HttpExchange got;
    double took = run_interrupted(io, [&](const CheckCancelPtr& cancel) {
        return start_http_transfer(io, plain_http(peer, cancel), [&](HttpExchange x) {
            ++calls;
            got = std::move(x);
        });
    });
    BOOST_TEST(calls == 1);
    BOOST_TEST(got.deadline_passed);
    BOOST_TEST(got.code == CURLE_OPERATION_TIMEDOUT);
    BOOST_TEST(got.connect_ms > 0); // the phase reached: connected, no answer
    BOOST_TEST(got.response_code == 0);
    BOOST_TEST(took < 1.0, took);
}

BOOST_AUTO_TEST_CASE(smtp_session_ends_at_the_checks_cancellation) {
    HostilePeer peer(HostilePeer::silent());
    asio::io_context io;
    int calls = 0;
    SmtpSession got;
    double took = run_interrupted(io, [&](const CheckCancelPtr& cancel) {
        SmtpRequest req;
        req.host = "127.0.0.1";
        req.port = peer.port();
        req.helo = "preflight.test";
        req.use_ssl = CURLUSESSL_NONE;
        req.cancel = cancel;
        return start_smtp_session(io, std::move(req), [&](SmtpSession s) {
            ++calls;
            got = std::move(s);
        });
    });
    BOOST_TEST(calls == 1);
    BOOST_TEST(got.deadline_passed);
    BOOST_TEST(got.connected);
    BOOST_TEST(!got.transcript.greeting()); // no banner came
    BOOST_TEST(took < 1.0, took);
}

BOOST_AUTO_TEST_CASE(a_cancelled_transfer_reports_nothing) {
    HostilePeer peer(HostilePeer::silent());
    asio::io_context io;
    int calls = 0;
    run_interrupted(io, [&](const CheckCancelPtr& cancel) {
        auto stop =
            start_http_transfer(io, plain_http(peer, cancel), [&](HttpExchange) { ++calls; });
        stop(); // the probe gave up on it: the check's cancellation must not revive it
        return stop;
    });
    BOOST_TEST(calls == 0);
}

BOOST_AUTO_TEST_SUITE_END()
