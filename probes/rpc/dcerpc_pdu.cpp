#include "probes/rpc/dcerpc_pdu.hpp"
#include "base/catalog.hpp"
#include <cstdio>
#include <iterator>

namespace pf::dcerpc {

namespace {

// A sentence of the catalog, as the parser's error text.
std::string say(const Message& m) {
    return part(m).text;
}

// PFC_FIRST_FRAG | PFC_LAST_FRAG: every PDU this client sends is whole.
constexpr std::uint8_t pfc_whole = 0x03;
constexpr std::uint8_t pfc_last_frag = 0x02;

struct Writer {
    Bytes out;
    void u8(std::uint8_t v) { out.push_back(v); }
    void u16(std::uint16_t v) {
        u8(v & 0xff);
        u8(v >> 8);
    }
    void u32(std::uint32_t v) {
        u16(v & 0xffff);
        u16(v >> 16);
    }
    void u16_be(std::uint16_t v) {
        u8(v >> 8);
        u8(v & 0xff);
    }
    void bytes(const std::uint8_t* p, std::size_t n) { out.insert(out.end(), p, p + n); }
    // NDR puts a UUID's first three fields in the sender's byte order.
    void uuid(const Uuid& u) {
        for (int i : {3, 2, 1, 0, 5, 4, 7, 6})
            u8(u.b[i]);
        bytes(u.b.data() + 8, 8);
    }
    void align4() {
        while (out.size() % 4)
            u8(0);
    }
    void header(std::uint8_t ptype, std::uint32_t call_id) {
        u8(5);         // rpc_vers
        u8(0);         // rpc_vers_minor
        u8(ptype);     // PTYPE
        u8(pfc_whole); // pfc_flags
        u32(0x10);     // packed_drep: little-endian integers, ASCII, IEEE floats
        u16(0);        // frag_length, set by finish()
        u16(0);        // auth_length
        u32(call_id);  // call_id
    }
    Bytes finish() {
        out[8] = out.size() & 0xff;
        out[9] = (out.size() >> 8) & 0xff;
        return std::move(out);
    }
};

std::uint16_t get16(const std::uint8_t* p) {
    return std::uint16_t(p[0] | (p[1] << 8));
}
std::uint32_t get32(const std::uint8_t* p) {
    return std::uint32_t(get16(p)) | (std::uint32_t(get16(p + 2)) << 16);
}
Uuid get_uuid(const std::uint8_t* p) {
    Uuid u;
    int order[] = {3, 2, 1, 0, 5, 4, 7, 6};
    for (int i = 0; i < 8; ++i)
        u.b[order[i]] = p[i];
    for (int i = 8; i < 16; ++i)
        u.b[i] = p[i];
    return u;
}

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

std::string first_bytes(const std::uint8_t* p, std::size_t n) {
    std::string s;
    char buf[4];
    for (std::size_t i = 0; i < n && i < 8; ++i) {
        std::snprintf(buf, sizeof buf, "%s%02x", i ? " " : "", p[i]);
        s += buf;
    }
    return s;
}

SyntaxId syntax(const char* uuid, std::uint16_t major, std::uint16_t minor) {
    return {*parse_uuid(uuid), major, minor};
}

// The checks every reply shares: a sound header, the whole PDU present, our
// call_id. Returns the header and where the body ends (before any auth trailer).
std::optional<std::string> check_pdu(const Bytes& pdu, std::uint32_t call_id, Header& h,
                                     std::size_t& body_end) {
    auto parsed = parse_header(pdu.data(), pdu.size());
    if (!parsed) return parsed.error;
    h = *parsed.value;
    if (pdu.size() < h.frag_length)
        return say(msg(
            "dcerpc.pdu_truncated",
            {{"type", ptype_name(h.ptype)}, {"frag_length", h.frag_length}, {"size", pdu.size()}}));
    if (h.call_id != call_id)
        return say(
            msg("dcerpc.wrong_call_id",
                {{"type", ptype_name(h.ptype)}, {"call_id", h.call_id}, {"expected", call_id}}));
    body_end = h.frag_length;
    // An auth trailer is 8 bytes of sec_trailer plus auth_length; parse_header
    // made sure it fits.
    if (h.auth_length) body_end -= 8u + h.auth_length;
    return std::nullopt;
}

std::string reject_reason(std::uint16_t r) {
    static const char* names[] = {"reason_not_specified",
                                  "temporary_congestion",
                                  "local_limit_exceeded",
                                  "called_paddr_unknown",
                                  "protocol_version_not_supported",
                                  "default_context_not_supported",
                                  "user_data_not_readable",
                                  "no_psap_available",
                                  "authentication_type_not_recognized",
                                  "invalid_checksum"};
    return std::to_string(r) + (r < std::size(names) ? std::string(" (") + names[r] + ")" : "");
}

std::string context_reason(std::uint16_t r) {
    static const char* names[] = {"reason_not_specified", "abstract_syntax_not_supported",
                                  "proposed_transfer_syntaxes_not_supported",
                                  "local_limit_exceeded"};
    return std::to_string(r) + (r < std::size(names) ? std::string(" (") + names[r] + ")" : "");
}

Parsed<BindAck> fault_or_unexpected(const Bytes& pdu, const Header& h, const char* replying_to) {
    if (h.ptype == ptype_fault) {
        if (h.frag_length < 28)
            return Parsed<BindAck>::fail(
                say(msg("dcerpc.fault_truncated", {{"frag_length", h.frag_length}})));
        return Parsed<BindAck>::fail(
            say(msg("dcerpc.fault_status", {{"status", status_text(get32(pdu.data() + 24))}})),
            true);
    }
    return Parsed<BindAck>::fail(
        say(msg("dcerpc.unexpected_type",
                {{"number", h.ptype}, {"type", ptype_name(h.ptype)}, {"request", replying_to}})));
}

} // namespace

std::optional<Uuid> parse_uuid(std::string_view t) {
    if (t.size() == 38 && t.front() == '{' && t.back() == '}') t = t.substr(1, 36);
    if (t.size() != 36) return std::nullopt;
    Uuid u;
    std::size_t j = 0;
    for (std::size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (t[i++] != '-') return std::nullopt;
            continue;
        }
        int v = 0;
        for (int k = 0; k < 2; ++k) {
            char c = t[i++];
            int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
            if (d < 0) return std::nullopt;
            v = v * 16 + d;
        }
        u.b[j++] = std::uint8_t(v);
    }
    return u;
}

std::string to_string(const Uuid& u) {
    std::string s;
    char buf[4];
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
        std::snprintf(buf, sizeof buf, "%02x", u.b[i]);
        s += buf;
    }
    return s;
}

std::optional<std::pair<std::uint16_t, std::uint16_t>> parse_version(std::string_view text) {
    auto number = [](std::string_view s) -> std::optional<std::uint16_t> {
        if (s.empty() || s.size() > 5) return std::nullopt;
        unsigned v = 0;
        for (char c : s) {
            if (c < '0' || c > '9') return std::nullopt;
            v = v * 10 + unsigned(c - '0');
        }
        if (v > 0xffff) return std::nullopt;
        return std::uint16_t(v);
    };
    auto dot = text.find('.');
    auto major = number(text.substr(0, dot));
    auto minor = dot == std::string_view::npos ? std::optional<std::uint16_t>(0)
                                               : number(text.substr(dot + 1));
    if (!major || !minor) return std::nullopt;
    return std::pair{*major, *minor};
}

SyntaxId endpoint_mapper() {
    return syntax("e1af8308-5d1f-11c9-91a4-08002b14a0fa", 3, 0);
}
SyntaxId ndr20() {
    return syntax("8a885d04-1ceb-11c9-9fe8-08002b104860", 2, 0);
}
SyntaxId cert_passage() {
    return syntax("91ae6020-9e3c-11cf-8d7c-00aa00c091be", 0, 0);
}

std::string interface_name(const Uuid& u) {
    static const std::pair<const char*, const char*> known[] = {
        {"91ae6020-9e3c-11cf-8d7c-00aa00c091be", "ICertPassage"},
        {"12345678-1234-abcd-ef00-01234567cffb", "NETLOGON"},
        {"12345778-1234-abcd-ef00-0123456789ab", "LSARPC"},
        {"12345778-1234-abcd-ef00-0123456789ac", "SAMR"},
        {"e3514235-4b06-11d1-ab04-00c04fc2dcd2", "DRSUAPI"},
    };
    if (u == endpoint_mapper().uuid) return say(msg("dcerpc.endpoint_mapper"));
    for (auto [uuid, name] : known)
        if (*parse_uuid(uuid) == u) return name;
    return "";
}

std::string ptype_name(std::uint8_t ptype) {
    switch (ptype) {
    case ptype_request:
        return "request";
    case ptype_response:
        return "response";
    case ptype_fault:
        return "fault";
    case ptype_bind:
        return "bind";
    case ptype_bind_ack:
        return "bind_ack";
    case ptype_bind_nak:
        return "bind_nak";
    }
    return say(msg("dcerpc.pdu_type", {{"number", ptype}}));
}

std::string status_text(std::uint32_t s) {
    const char* name = nullptr;
    switch (s) {
    case nca_s_op_rng_error:
        return hex32(s) + say(msg("dcerpc.status_op_rng_error"));
        break;
    case nca_s_unk_if:
        name = "nca_s_unk_if";
        break;
    case nca_s_proto_error:
        name = "nca_s_proto_error";
        break;
    case 0x1c00001a:
        name = "nca_s_fault_context_mismatch";
        break;
    case 0x1c010014:
        name = "nca_s_server_too_busy";
        break;
    case error_access_denied:
        return hex32(s) + say(msg("dcerpc.status_access_denied"));
        break;
    case rpc_x_bad_stub_data:
        name = "rpc_x_bad_stub_data";
        break;
    case ept_s_not_registered:
    case ept_s_not_registered_win32:
        name = "EPT_S_NOT_REGISTERED";
        break;
    case 0x6d8:
        name = "EPT_S_CANT_PERFORM_OP";
        break;
    }
    return hex32(s) + (name ? std::string(" (") + name + ")" : "");
}

Parsed<Header> parse_header(const std::uint8_t* p, std::size_t n) {
    using P = Parsed<Header>;
    if (n < header_size) return P::fail(say(msg("dcerpc.header_truncated", {{"size", n}})));
    // Windows speaks 5.0 and 5.1; anything else is not connection-oriented
    // DCE/RPC (an HTTP or TLS answer starts with other bytes).
    if (p[0] != 5 || p[1] > 1)
        return P::fail(say(msg("dcerpc.not_rpc_version",
                               {{"major", p[0]}, {"minor", p[1]}, {"bytes", first_bytes(p, n)}})));
    if ((p[4] & 0xf0) != 0x10)
        return P::fail(say(msg("dcerpc.big_endian", {{"drep", first_bytes(p + 4, 1)}})));
    Header h{p[2], p[3], get16(p + 8), get16(p + 10), get32(p + 12)};
    if (h.frag_length < header_size)
        return P::fail(say(msg("dcerpc.frag_too_short", {{"frag_length", h.frag_length}})));
    if (h.frag_length > max_frag)
        return P::fail(
            say(msg("dcerpc.frag_too_long", {{"frag_length", h.frag_length}, {"max", max_frag}})));
    if (h.auth_length && header_size + 8u + h.auth_length > h.frag_length)
        return P::fail(say(msg("dcerpc.auth_too_long",
                               {{"auth_length", h.auth_length}, {"frag_length", h.frag_length}})));
    P r;
    r.value = h;
    return r;
}

Bytes encode_bind(std::uint32_t call_id, const SyntaxId& abstract) {
    Writer w;
    w.header(ptype_bind, call_id);
    w.u16(max_frag); // max_xmit_frag
    w.u16(max_frag); // max_recv_frag
    w.u32(0);        // assoc_group_id: a new association
    w.u8(1);         // n_context_elem
    w.u8(0);
    w.u16(0);
    w.u16(0); // p_cont_id
    w.u8(1);  // n_transfer_syn
    w.u8(0);
    // p_syntax_id_t: the UUID, then if_version as major (low 16 bits) and minor.
    w.uuid(abstract.uuid);
    w.u16(abstract.major);
    w.u16(abstract.minor);
    auto ndr = ndr20();
    w.uuid(ndr.uuid);
    w.u16(ndr.major);
    w.u16(ndr.minor);
    return w.finish();
}

Bytes encode_request(std::uint32_t call_id, std::uint16_t opnum, const Bytes& stub) {
    Writer w;
    w.header(ptype_request, call_id);
    w.u32(std::uint32_t(stub.size())); // alloc_hint
    w.u16(0);                          // p_cont_id
    w.u16(opnum);
    w.bytes(stub.data(), stub.size());
    return w.finish();
}

Parsed<BindAck> parse_bind_reply(const Bytes& pdu, std::uint32_t call_id) {
    using P = Parsed<BindAck>;
    Header h;
    std::size_t end = 0;
    if (auto e = check_pdu(pdu, call_id, h, end)) return P::fail(*e);
    if (h.ptype == ptype_bind_nak) {
        if (end < 18)
            return P::fail(say(msg("dcerpc.bind_nak_truncated", {{"frag_length", h.frag_length}})));
        return P::fail(
            say(msg("dcerpc.bind_nak", {{"reason", reject_reason(get16(pdu.data() + 16))}})), true);
    }
    if (h.ptype != ptype_bind_ack) return fault_or_unexpected(pdu, h, "bind");
    auto truncated = [&](const Message& what) {
        return P::fail(say(msg("dcerpc.bind_ack_truncated",
                               {{"frag_length", h.frag_length}, {"field", part(what)}})));
    };
    if (end < 26) return truncated(msg("dcerpc.field_bind_ack_header"));
    BindAck a{get16(pdu.data() + 16), get16(pdu.data() + 18), get32(pdu.data() + 20), ""};
    std::size_t len = get16(pdu.data() + 24), off = 26;
    if (off + len > end) return truncated(msg("dcerpc.field_secondary_address"));
    for (std::size_t i = 0; i < len; ++i)
        if (pdu[off + i]) a.secondary_address += char(pdu[off + i]);
    off = (off + len + 3) & ~std::size_t(3);
    if (off + 4 > end) return truncated(msg("dcerpc.field_result_list"));
    std::size_t n = pdu[off];
    off += 4;
    if (n == 0) return P::fail(say(msg("dcerpc.bind_ack_no_result")));
    if (off + 24 > end) return truncated(msg("dcerpc.field_first_result"));
    std::uint16_t result = get16(pdu.data() + off), reason = get16(pdu.data() + off + 2);
    if (result == 1 || result == 2)
        return P::fail(
            say(result == 1
                    ? msg("dcerpc.user_rejection", {{"reason", context_reason(reason)}})
                    : msg("dcerpc.provider_rejection", {{"reason", context_reason(reason)}})),
            true);
    if (result != 0)
        return P::fail(say(msg("dcerpc.bind_ack_unknown_result", {{"result", result}})));
    auto ndr = ndr20();
    if (get_uuid(pdu.data() + off + 4) != ndr.uuid)
        return P::fail(say(msg("dcerpc.syntax_not_offered",
                               {{"uuid", to_string(get_uuid(pdu.data() + off + 4))}})));
    P r;
    r.value = a;
    return r;
}

Parsed<Bytes> parse_response(const Bytes& pdu, std::uint32_t call_id) {
    using P = Parsed<Bytes>;
    Header h;
    std::size_t end = 0;
    if (auto e = check_pdu(pdu, call_id, h, end)) return P::fail(*e);
    if (h.ptype != ptype_response) {
        auto f = fault_or_unexpected(pdu, h, "request");
        return P::fail(f.error, f.rejected);
    }
    if (end < 24)
        return P::fail(say(msg("dcerpc.response_truncated", {{"frag_length", h.frag_length}})));
    if (!(h.flags & pfc_last_frag)) return P::fail(say(msg("dcerpc.response_fragmented")));
    P r;
    r.value = Bytes(pdu.begin() + 24, pdu.begin() + std::ptrdiff_t(end));
    return r;
}

Bytes encode_tower(const SyntaxId& iface, std::uint16_t port, std::array<std::uint8_t, 4> ip) {
    Writer w;
    w.u16(5); // floor_count
    for (const auto& s : {iface, ndr20()}) {
        w.u16(19);  // lhs: protocol id, UUID, major version
        w.u8(0x0d); // protocol id: UUID
        w.uuid(s.uuid);
        w.u16(s.major);
        w.u16(2); // rhs: minor version
        w.u16(s.minor);
    }
    w.u16(1);
    w.u8(0x0b); // RPC connection-oriented protocol
    w.u16(2);
    w.u16(0); // its minor version
    w.u16(1);
    w.u8(0x07); // TCP port, in network byte order
    w.u16(2);
    w.u16_be(port);
    w.u16(1);
    w.u8(0x09); // IPv4 address, in network byte order
    w.u16(4);
    w.bytes(ip.data(), 4);
    return std::move(w.out);
}

Parsed<Tower> parse_tower(const std::uint8_t* p, std::size_t n) {
    using P = Parsed<Tower>;
    if (n < 2) return P::fail(say(msg("dcerpc.tower_no_floor_count", {{"size", n}})));
    std::size_t floors = get16(p), off = 2;
    if (floors == 0 || floors > 16)
        return P::fail(say(msg("dcerpc.tower_floors", {{"floors", floors}})));
    Tower t;
    for (std::size_t i = 0; i < floors; ++i) {
        if (off + 2 > n)
            return P::fail(
                say(msg("dcerpc.floor_missing", {{"floor", i + 1}, {"floors", floors}})));
        std::size_t lhs = get16(p + off);
        off += 2;
        if (lhs == 0 || off + lhs + 2 > n)
            return P::fail(say(msg("dcerpc.floor_lhs_overruns",
                                   {{"floor", i + 1}, {"floors", floors}, {"length", lhs}})));
        const std::uint8_t* l = p + off;
        off += lhs;
        std::size_t rhs = get16(p + off);
        off += 2;
        if (off + rhs > n)
            return P::fail(say(msg("dcerpc.floor_rhs_overruns",
                                   {{"floor", i + 1}, {"floors", floors}, {"length", rhs}})));
        const std::uint8_t* r = p + off;
        off += rhs;
        if (l[0] == 0x0d && lhs == 19 && rhs == 2 && !t.iface)
            t.iface = SyntaxId{get_uuid(l + 1), get16(l + 17), get16(r)};
        else if (l[0] == 0x07 && rhs == 2)
            t.tcp_port = std::uint16_t((r[0] << 8) | r[1]);
        else if (l[0] == 0x09 && rhs == 4)
            t.ipv4 = std::array<std::uint8_t, 4>{r[0], r[1], r[2], r[3]};
    }
    P res;
    res.value = t;
    return res;
}

Bytes encode_ept_map(const SyntaxId& iface) {
    Writer w;
    // object: a unique pointer to the nil UUID. Windows Server 2003 answers
    // rpc_x_bad_stub_data unless referent ids are 1 and 2 (impacket's note).
    w.u32(1);
    w.uuid(Uuid{});
    auto tower = encode_tower(iface);
    w.u32(2);                           // map_tower referent id
    w.u32(std::uint32_t(tower.size())); // conformance of tower_octet_string
    w.u32(std::uint32_t(tower.size())); // tower_length
    w.bytes(tower.data(), tower.size());
    w.align4();
    for (int i = 0; i < 20; ++i) // entry_handle: a null context handle
        w.u8(0);
    w.u32(ept_map_max_towers);
    return std::move(w.out);
}

Parsed<EptMapResult> parse_ept_map(const Bytes& s) {
    using P = Parsed<EptMapResult>;
    auto truncated = [&](const Message& what) {
        return P::fail(
            say(msg("dcerpc.ept_map_truncated", {{"size", s.size()}, {"field", part(what)}})));
    };
    if (s.size() < 36) return truncated(msg("dcerpc.field_ept_map_header"));
    std::uint32_t num = get32(s.data() + 20), max = get32(s.data() + 24),
                  offset = get32(s.data() + 28), actual = get32(s.data() + 32);
    if (actual > ept_map_max_towers || offset > max || actual > max - offset)
        return P::fail(say(msg("dcerpc.ept_map_too_many_towers", {{"actual", actual},
                                                                  {"offset", offset},
                                                                  {"max", max},
                                                                  {"asked", ept_map_max_towers}})));
    if (num != actual)
        return P::fail(say(msg("dcerpc.ept_map_tower_count", {{"num", num}, {"actual", actual}})));
    std::size_t off = 36;
    if (off + 4 * std::size_t(actual) > s.size())
        return truncated(msg("dcerpc.field_tower_pointers"));
    std::vector<std::uint32_t> referents;
    for (std::uint32_t i = 0; i < actual; ++i, off += 4)
        referents.push_back(get32(s.data() + off));
    EptMapResult res;
    for (auto ref : referents) {
        if (ref == 0) continue;
        off = (off + 3) & ~std::size_t(3);
        if (off + 8 > s.size()) return truncated(msg("dcerpc.field_tower_length"));
        std::size_t conformance = get32(s.data() + off), len = get32(s.data() + off + 4);
        off += 8;
        if (len > conformance || len > s.size() - off)
            return P::fail(
                say(msg("dcerpc.ept_map_tower_overruns", {{"length", len}, {"size", s.size()}})));
        auto t = parse_tower(s.data() + off, len);
        if (!t) return P::fail(t.error);
        res.towers.push_back(*t.value);
        off += len;
    }
    off = (off + 3) & ~std::size_t(3);
    if (off + 4 > s.size()) return truncated(msg("dcerpc.field_status"));
    res.status = get32(s.data() + off);
    P r;
    r.value = res;
    return r;
}

} // namespace pf::dcerpc
