// A socket handed over to a protocol has Nagle's algorithm off: a TLS
// Finished followed by a small request (LDAPS, SMTP after STARTTLS) would
// otherwise wait for the peer's delayed ACK, 40 ms on Linux, in every
// verdict's measured time.
#include "net/tcp_connect.hpp"
#include <asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>

using namespace pf;

BOOST_AUTO_TEST_SUITE(tcp_connect)

BOOST_AUTO_TEST_CASE(a_handed_over_socket_sends_small_writes_at_once) {
    asio::io_context io;
    asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto cancel = CheckCancel::armed(io, Clock::now() + std::chrono::seconds(5));
    SocketPtr got;
    bool done = false;
    auto abandon =
        connect_socket(io, listener.local_endpoint(), cancel, [&](ConnectOutcome o, SocketPtr s) {
            BOOST_TEST((o.kind == ConnectOutcome::Kind::open));
            got = std::move(s);
            done = true;
        });
    while (!done)
        io.run_one();
    BOOST_REQUIRE(got);
    asio::ip::tcp::no_delay option;
    got->get_option(option);
    BOOST_TEST(option.value());
}

BOOST_AUTO_TEST_SUITE_END()
