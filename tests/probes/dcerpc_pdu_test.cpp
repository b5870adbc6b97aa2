// DCE/RPC PDUs against byte layouts worked out by hand from C706 chapter 12
// (connection-oriented PDUs), appendix L (towers), appendix O (ept_map) and
// [MS-RPCE] 2.2.2; every decoder error names what was wrong.
#include "probes/rpc/dcerpc_pdu.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <sstream>

using namespace pf::dcerpc;

namespace {

// "05 00 0b" -> bytes; spaces and newlines are ignored.
Bytes hex(const std::string& text) {
    Bytes out;
    std::istringstream in(text);
    std::string byte;
    while (in >> byte)
        out.push_back(static_cast<std::uint8_t>(std::stoul(byte, nullptr, 16)));
    return out;
}

std::string dump(const Bytes& b) {
    std::string s;
    char buf[4];
    for (auto c : b) {
        std::snprintf(buf, sizeof buf, "%02x ", c);
        s += buf;
    }
    return s;
}

SyntaxId netlogon() {
    return {*parse_uuid("12345678-1234-abcd-ef00-01234567cffb"), 1, 0};
}

// NETLOGON's tower, port and address left to the caller.
std::string netlogon_tower(const std::string& port, const std::string& ip) {
    return "05 00"                                                     // floor_count 5
           " 13 00 0d 78 56 34 12 34 12 cd ab ef 00 01 23 45 67 cf fb" // lhs: UUID id, NETLOGON
           " 01 00"                                                    //   major version 1
           " 02 00 00 00"                                              // rhs: minor version 0
           " 13 00 0d 04 5d 88 8a eb 1c c9 11 9f e8 08 00 2b 10 48 60" // lhs: NDR 2.0
           " 02 00 02 00 00 00"
           " 01 00 0b 02 00 00 00" // connection-oriented RPC, minor 0
           " 01 00 07 02 00 " +
           port +                   // TCP port, big-endian
           " 01 00 09 04 00 " + ip; // IPv4 address
}

// A bind_ack as Samba sends it: call 1, assoc group 0x53f0, secondary
// address "135", one result accepting NDR 2.0.
std::string bind_ack_body = "d0 16 d0 16 f0 53 00 00"
                            " 04 00 31 33 35 00 00 00" // sec_addr "135\0", pad to 4
                            " 01 00 00 00"             // n_results 1
                            " 00 00 00 00"             // acceptance, reason 0
                            " 04 5d 88 8a eb 1c c9 11 9f e8 08 00 2b 10 48 60 02 00 00 00";

} // namespace

BOOST_AUTO_TEST_SUITE(dcerpc_pdu)

BOOST_AUTO_TEST_CASE(uuids_and_versions_parse_and_print) {
    auto u = parse_uuid("{E1AF8308-5D1F-11C9-91A4-08002B14A0FA}");
    BOOST_REQUIRE(u);
    BOOST_TEST(to_string(*u) == "e1af8308-5d1f-11c9-91a4-08002b14a0fa");
    BOOST_TEST(!parse_uuid("e1af8308-5d1f-11c9-91a4-08002b14a0f"));
    BOOST_TEST(!parse_uuid("e1af8308x5d1f-11c9-91a4-08002b14a0fa"));
    BOOST_TEST(!parse_uuid("g1af8308-5d1f-11c9-91a4-08002b14a0fa"));
    BOOST_TEST(parse_version("3.0")->first == 3);
    BOOST_TEST(parse_version("1")->second == 0);
    BOOST_TEST(!parse_version("1.x"));
    BOOST_TEST(!parse_version("70000.0"));
    BOOST_TEST(interface_name(cert_passage().uuid) == "ICertPassage");
    BOOST_TEST(interface_name(netlogon().uuid) == "NETLOGON");
}

BOOST_AUTO_TEST_CASE(bind_to_the_endpoint_mapper_is_72_bytes_as_c706_lays_it_out) {
    auto want = hex("05 00 0b 03"  // version 5.0, bind, first and last fragment
                    " 10 00 00 00" // drep: little-endian, ASCII, IEEE
                    " 48 00 00 00" // frag_length 72, auth_length 0
                    " 01 00 00 00" // call_id 1
                    " d0 16 d0 16" // max_xmit_frag, max_recv_frag 5840
                    " 00 00 00 00" // assoc_group_id 0: new association
                    " 01 00 00 00" // one context element
                    " 00 00 01 00" // context id 0, one transfer syntax
                    // e1af8308-5d1f-11c9-91a4-08002b14a0fa, fields 1-3 little-endian
                    " 08 83 af e1 1f 5d c9 11 91 a4 08 00 2b 14 a0 fa"
                    " 03 00 00 00" // version 3.0
                    " 04 5d 88 8a eb 1c c9 11 9f e8 08 00 2b 10 48 60"
                    " 02 00 00 00"); // NDR version 2.0
    auto got = encode_bind(1, endpoint_mapper());
    BOOST_TEST(got == want, dump(got));
}

BOOST_AUTO_TEST_CASE(the_ept_map_request_carries_a_five_floor_tower) {
    auto tower = encode_tower(netlogon());
    BOOST_TEST(tower == hex(netlogon_tower("00 00", "00 00 00 00")), dump(tower));
    BOOST_TEST(tower.size() == 75u);

    auto stub = encode_ept_map(netlogon());
    auto want_stub = hex("01 00 00 00"                                      // object: referent 1
                         " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00" // nil UUID
                         " 02 00 00 00"                                     // map_tower: referent 2
                         " 4b 00 00 00 4b 00 00 00 " + // conformance, length 75
                         netlogon_tower("00 00", "00 00 00 00") +
                         " 00"                                                          // pad to 4
                         " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00" // handle
                         " 04 00 00 00"); // max_towers 4
    BOOST_TEST(stub == want_stub, dump(stub));

    auto req = encode_request(2, opnum_ept_map, stub);
    auto head = hex("05 00 00 03 10 00 00 00"
                    " 9c 00 00 00"   // frag_length 156 = 24 + 132
                    " 02 00 00 00"   // call_id 2
                    " 84 00 00 00"   // alloc_hint 132
                    " 00 00 03 00"); // context 0, opnum 3
    BOOST_REQUIRE(req.size() == 156u);
    BOOST_TEST(Bytes(req.begin(), req.begin() + 24) == head, dump(req));
}

BOOST_AUTO_TEST_CASE(a_bind_ack_accepting_ndr_is_decoded) {
    auto pdu = hex("05 00 0c 03 10 00 00 00 3c 00 00 00 01 00 00 00 " + bind_ack_body);
    auto ack = parse_bind_reply(pdu, 1);
    BOOST_REQUIRE_MESSAGE(ack, ack.error);
    BOOST_TEST(ack.value->secondary_address == "135");
    BOOST_TEST(ack.value->max_recv == 5840);
    BOOST_TEST(ack.value->assoc_group == 0x53f0u);
}

BOOST_AUTO_TEST_CASE(bad_replies_to_a_bind_each_say_what_was_wrong) {
    auto ack = hex("05 00 0c 03 10 00 00 00 48 00 00 00 01 00 00 00 " + bind_ack_body);
    ack.resize(40); // frag_length 72 announced, 40 bytes present
    auto r = parse_bind_reply(ack, 1);
    BOOST_TEST(r.error == "bind_ack truncated: frag_length 72 but 40 bytes");
    BOOST_TEST(!r.rejected);

    auto huge = hex("05 00 0c 03 10 00 00 00 ff ff 00 00 01 00 00 00");
    BOOST_TEST(parse_header(huge.data(), huge.size()).error ==
               "frag_length 65535 exceeds the 5840 bytes this client accepts");
    auto tiny = hex("05 00 0c 03 10 00 00 00 08 00 00 00 01 00 00 00");
    BOOST_TEST(parse_header(tiny.data(), tiny.size()).error ==
               "frag_length 8 is shorter than the 16-byte header");
    auto v4 = hex("04 00 0c 03 10 00 00 00 10 00 00 00 01 00 00 00");
    BOOST_TEST(parse_header(v4.data(), v4.size()).error ==
               "RPC version 4.0 (expected 5.0); first bytes 04 00 0c 03 10 00 00 00");
    Bytes http{'H', 'T', 'T', 'P', '/', '1', '.', '1', ' ', '4', '0', '0', ' ', 'B', 'a', 'd'};
    BOOST_TEST(parse_header(http.data(), http.size()).error.find("RPC version 72.84") == 0);
    auto big_endian = hex("05 00 0c 03 00 00 00 00 00 10 00 00 00 00 00 01");
    BOOST_TEST(parse_header(big_endian.data(), big_endian.size()).error ==
               "big-endian data representation (drep 00) is not supported");
    BOOST_TEST(parse_header(http.data(), 5).error == "PDU truncated: 5 bytes, a header needs 16");
    auto auth = hex("05 00 0c 03 10 00 00 00 20 00 10 00 01 00 00 00");
    BOOST_TEST(parse_header(auth.data(), auth.size()).error ==
               "auth_length 16 does not fit in frag_length 32");

    auto other_call = parse_bind_reply(
        hex("05 00 0c 03 10 00 00 00 3c 00 00 00 07 00 00 00 " + bind_ack_body), 1);
    BOOST_TEST(other_call.error == "bind_ack for call_id 7, expected 1");

    // sec_addr length 0x400 runs past the PDU.
    auto overrun = parse_bind_reply(
        hex("05 00 0c 03 10 00 00 00 1c 00 00 00 01 00 00 00 d0 16 d0 16 00 00 00 00 00 04 00 00"),
        1);
    BOOST_TEST(overrun.error ==
               "bind_ack truncated: frag_length 28 ends inside the secondary address");
}

BOOST_AUTO_TEST_CASE(refusals_are_decoded_as_rejections) {
    // bind_nak: reason 4, then the versions supported (one: 5.0).
    auto nak =
        parse_bind_reply(hex("05 00 0d 03 10 00 00 00 15 00 00 00 01 00 00 00 04 00 01 05 00"), 1);
    BOOST_TEST(nak.error == "bind_nak: reason 4 (protocol_version_not_supported)");
    BOOST_TEST(nak.rejected);

    // fault: alloc_hint, context 0, cancel count, reserved, status, reserved.
    auto fault_pdu = hex("05 00 03 03 10 00 00 00 20 00 00 00 02 00 00 00"
                         " 20 00 00 00 00 00 00 00 03 00 01 1c 00 00 00 00");
    auto f = parse_response(fault_pdu, 2);
    BOOST_TEST(f.error == "fault status 0x1c010003 (nca_s_unk_if)");
    BOOST_TEST(f.rejected);
    fault_pdu[24] = 5;
    fault_pdu[26] = fault_pdu[27] = 0;
    BOOST_TEST(parse_response(fault_pdu, 2).error == "fault status 0x00000005 (access denied)");
    BOOST_TEST(status_text(nca_s_op_rng_error) ==
               "0x1c010002 (nca_s_op_rng_error: operation number out of range)");
    BOOST_TEST(status_text(0x16c9a0d6) == "0x16c9a0d6 (EPT_S_NOT_REGISTERED)");
    BOOST_TEST(status_text(0x12345678) == "0x12345678");

    auto short_fault =
        hex("05 00 03 03 10 00 00 00 18 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00");
    BOOST_TEST(parse_response(short_fault, 2).error ==
               "fault truncated: frag_length 24, a fault needs 28");

    // A bind_ack whose only result is a provider rejection of the interface.
    auto rejected = parse_bind_reply(
        hex("05 00 0c 03 10 00 00 00 3c 00 00 00 01 00 00 00 d0 16 d0 16 f0 53 00 00"
            " 04 00 31 33 35 00 00 00 01 00 00 00 02 00 01 00"
            " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"),
        1);
    BOOST_TEST(rejected.error ==
               "provider rejection of the interface: reason 1 (abstract_syntax_not_supported)");
    BOOST_TEST(rejected.rejected);

    auto response_to_bind = parse_bind_reply(hex("05 00 02 03 10 00 00 00 18 00 00 00 01 00 00 00 "
                                                 "00 00 00 00 00 00 00 00"),
                                             1);
    BOOST_TEST(response_to_bind.error == "unexpected PDU type 2 (response) in reply to bind");
}

BOOST_AUTO_TEST_CASE(ept_map_answers_give_the_port_or_not_registered) {
    // One tower: NETLOGON at 0.0.0.0 port 49153 (0xc001).
    auto stub = hex("00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00" // handle
                    " 01 00 00 00"                                                // num_towers
                    " 04 00 00 00 00 00 00 00 01 00 00 00"                        // max 4, off 0, 1
                    " 03 00 00 00"                                                // referent
                    " 4b 00 00 00 4b 00 00 00 " +                                 // 75 bytes
                    netlogon_tower("c0 01", "00 00 00 00") +
                    " 00"            // pad
                    " 00 00 00 00"); // status 0
    auto pdu = hex("05 00 02 03 10 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00");
    pdu.insert(pdu.end(), stub.begin(), stub.end());
    pdu[8] = std::uint8_t(pdu.size());
    auto got = parse_response(pdu, 2);
    BOOST_REQUIRE_MESSAGE(got, got.error);
    BOOST_TEST(*got.value == stub);
    auto map = parse_ept_map(stub);
    BOOST_REQUIRE_MESSAGE(map, map.error);
    BOOST_TEST(map.value->status == 0u);
    BOOST_REQUIRE(map.value->towers.size() == 1u);
    BOOST_TEST(*map.value->towers[0].tcp_port == 49153);
    BOOST_TEST(to_string(map.value->towers[0].iface->uuid) ==
               "12345678-1234-abcd-ef00-01234567cffb");

    auto none = parse_ept_map(hex("00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
                                  " 00 00 00 00 04 00 00 00 00 00 00 00 00 00 00 00"
                                  " d6 a0 c9 16"));
    BOOST_REQUIRE_MESSAGE(none, none.error);
    BOOST_TEST(none.value->status == ept_s_not_registered);
    BOOST_TEST(none.value->towers.empty());
}

BOOST_AUTO_TEST_CASE(absurd_ept_map_answers_are_errors_not_crashes) {
    std::string handle = "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ";
    // 2^32-1 towers claimed.
    BOOST_TEST(
        parse_ept_map(hex(handle + "ff ff ff ff ff ff ff ff 00 00 00 00 ff ff ff ff")).error ==
        "ept_map response claims 4294967295 towers (offset 0, max 4294967295, asked for 4)");
    // A tower pointer whose tower claims 4 GB.
    BOOST_TEST(parse_ept_map(hex(handle + "01 00 00 00 04 00 00 00 00 00 00 00 01 00 00 00"
                                          " 03 00 00 00 ff ff ff ff ff ff ff ff 00 00"))
                   .error == "ept_map tower_length 4294967295 overruns the 50-byte stub");
    BOOST_TEST(parse_ept_map(hex("00 00 00")).error ==
               "ept_map response truncated: 3-byte stub ends inside entry_handle/num_towers/towers "
               "header");
    BOOST_TEST(
        parse_ept_map(hex(handle + "02 00 00 00 04 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00"
                                   " 00 00 00 00"))
            .error == "ept_map response says num_towers 2 but sends 1");
    // Floors that run past the tower's end.
    auto t = hex("02 00 13 00 0d 00");
    BOOST_TEST(parse_tower(t.data(), t.size()).error ==
               "tower floor 1 of 2: lhs length 19 overruns the tower");
    auto many = hex("ff 00");
    BOOST_TEST(parse_tower(many.data(), many.size()).error == "tower claims 255 floors");
    auto rhs = hex("01 00 01 00 07 40 00 00 00");
    BOOST_TEST(parse_tower(rhs.data(), rhs.size()).error ==
               "tower floor 1 of 1: rhs length 64 overruns the tower");
}

BOOST_AUTO_TEST_SUITE_END()
