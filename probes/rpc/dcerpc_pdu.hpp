#pragma once
// Connection-oriented DCE/RPC PDUs (C706 chapter 12, [MS-RPCE] 2.2.2) and the
// endpoint mapper's ept_map call (C706 appendix O), as pure functions on
// bytes: enough to ask port 135 where an interface listens. Every decoder
// takes untrusted bytes and returns a value or a precise error; none throws.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pf::dcerpc {

using Bytes = std::vector<std::uint8_t>;

// Bytes in the textual order of "e1af8308-5d1f-11c9-91a4-08002b14a0fa".
struct Uuid {
    std::array<std::uint8_t, 16> b{};
    bool operator==(const Uuid&) const = default;
};
std::optional<Uuid> parse_uuid(std::string_view text);
std::string to_string(const Uuid& u);

struct SyntaxId {
    Uuid uuid;
    std::uint16_t major = 0, minor = 0;
};

// "1.0", "3" (minor 0); nullopt when not two numbers below 65536.
std::optional<std::pair<std::uint16_t, std::uint16_t>> parse_version(std::string_view text);

SyntaxId endpoint_mapper(); // e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0
SyntaxId ndr20();           // 8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0
SyntaxId cert_passage();    // ICertPassage 91ae6020-9e3c-11cf-8d7c-00aa00c091be v0.0

// A well-known interface's name ("ICertPassage", "NETLOGON"), else "".
std::string interface_name(const Uuid& u);

enum PType : std::uint8_t {
    ptype_request = 0,
    ptype_response = 2,
    ptype_fault = 3,
    ptype_bind = 11,
    ptype_bind_ack = 12,
    ptype_bind_nak = 13,
};
std::string ptype_name(std::uint8_t ptype);

constexpr std::size_t header_size = 16;
// What this client offers as max_recv_frag; a peer must not send larger
// fragments ([MS-RPCE] 3.3.1.5.2), so a larger frag_length is hostile.
constexpr std::uint16_t max_frag = 5840;

enum : std::uint32_t {
    nca_s_op_rng_error = 0x1c010002,
    nca_s_unk_if = 0x1c010003,
    nca_s_proto_error = 0x1c01000b,
    error_access_denied = 5,
    rpc_x_bad_stub_data = 0x6f7,
    ept_s_not_registered = 0x16c9a0d6,
    ept_s_not_registered_win32 = 0x6d9, // EPT_S_NOT_REGISTERED as Windows maps it
};
// "0x1c010003 (nca_s_unk_if)"; unknown codes as hex only.
std::string status_text(std::uint32_t status);

// Decoded value or an error that says exactly what was wrong. rejected marks
// a well-formed refusal (bind_nak, fault, rejected context) as opposed to
// bytes that are not DCE/RPC at all.
template <class T> struct Parsed {
    std::optional<T> value;
    std::string error;
    bool rejected = false;
    explicit operator bool() const { return value.has_value(); }
    static Parsed fail(std::string e, bool rejected = false) {
        Parsed p;
        p.error = std::move(e);
        p.rejected = rejected;
        return p;
    }
};

struct Header {
    std::uint8_t ptype = 0;
    std::uint8_t flags = 0;
    std::uint16_t frag_length = 0;
    std::uint16_t auth_length = 0;
    std::uint32_t call_id = 0;
};
// The first 16 bytes of a PDU: version 5.0, little-endian integers, and a
// frag_length between 16 and max_frag.
Parsed<Header> parse_header(const std::uint8_t* data, std::size_t size);

Bytes encode_bind(std::uint32_t call_id, const SyntaxId& abstract);
Bytes encode_request(std::uint32_t call_id, std::uint16_t opnum, const Bytes& stub);

struct BindAck {
    std::uint16_t max_xmit = 0, max_recv = 0;
    std::uint32_t assoc_group = 0;
    std::string secondary_address; // "135" from Windows and Samba
};
// A whole reply PDU to a bind: bind_ack with the context accepted; a
// rejected context, bind_nak or fault come back rejected, with the reason.
Parsed<BindAck> parse_bind_reply(const Bytes& pdu, std::uint32_t call_id);

// The stub of a request or response PDU (after its 24-byte header), or the
// fault decoded as a rejection.
Parsed<Bytes> parse_response(const Bytes& pdu, std::uint32_t call_id);

// A protocol tower (C706 appendix L) for ncacn_ip_tcp: interface, NDR,
// connection-oriented RPC, TCP port, IPv4 address.
Bytes encode_tower(const SyntaxId& iface, std::uint16_t port = 0,
                   std::array<std::uint8_t, 4> ip = {});

struct Tower {
    std::optional<SyntaxId> iface;
    std::optional<std::uint16_t> tcp_port;
    std::optional<std::array<std::uint8_t, 4>> ipv4;
};
Parsed<Tower> parse_tower(const std::uint8_t* data, std::size_t size);

constexpr std::uint16_t opnum_ept_map = 3;
constexpr std::uint32_t ept_map_max_towers = 4;

// ept_map's [in] parameters: a nil object UUID, the tower to look up, a null
// entry handle, max_towers.
Bytes encode_ept_map(const SyntaxId& iface);

struct EptMapResult {
    std::uint32_t status = 0;
    std::vector<Tower> towers;
};
// ept_map's [out] parameters from the response stub.
Parsed<EptMapResult> parse_ept_map(const Bytes& stub);

} // namespace pf::dcerpc
