// Bytes from port 135 or a dynamic RPC port: every decoder of dcerpc_pdu.
#include "probes/rpc/dcerpc_pdu.hpp"

using namespace pf::dcerpc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Bytes pdu(data, data + size);
    std::uint32_t call_id = size >= 16 ? data[12] | data[13] << 8 : 1;
    parse_header(data, size);
    if (auto ack = parse_bind_reply(pdu, call_id); !ack) (void)ack.error.size();
    if (auto stub = parse_response(pdu, call_id); stub) {
        if (auto map = parse_ept_map(*stub.value))
            for (const auto& t : map.value->towers)
                if (t.iface) interface_name(t.iface->uuid), to_string(t.iface->uuid);
    }
    parse_ept_map(pdu);
    parse_tower(data, size);
    std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto u = parse_uuid(text)) interface_name(*u);
    parse_version(text);
    if (size >= 4) status_text(std::uint32_t(data[0] | data[1] << 8 | data[2] << 16) | 0u);
    if (size >= 1) ptype_name(data[0]);
    return 0;
}
