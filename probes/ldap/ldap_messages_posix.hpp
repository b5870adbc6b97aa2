#pragma once
// The LDAP messages the probe exchanges (RFC 4511), encoded and decoded with
// liblber, and the framing of what a server sends: a message is read whole
// only when its BER length says it fits under a fixed bound.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pf::ldap {

// No answer the probe needs comes near it; AD's default MaxReceiveBuffer is
// 10 MiB, but for requests, not for the entries the probe reads.
inline constexpr std::size_t max_message_bytes = 1 << 20;

// Operation tags ([APPLICATION n], RFC 4511 4.2 to 4.12).
enum Op : std::uint8_t {
    bind_response = 0x61,
    search_entry = 0x64,
    search_done = 0x65,
    search_reference = 0x73,
    extended_response = 0x78,
    intermediate_response = 0x79,
};

inline constexpr const char* starttls_oid = "1.3.6.1.4.1.1466.20037";
// The server's unsolicited "I am closing" (RFC 4511 4.4.1), message ID 0.
inline constexpr const char* notice_of_disconnection_oid = "1.3.6.1.4.1.1466.20036";

// What a whole message starting at the front of a buffer needs.
struct Frame {
    enum class State { need_more, ready, invalid, too_large };
    State state = State::need_more;
    std::size_t size = 0; // the whole message, header included, when ready or too_large
};
Frame frame(std::string_view buffer);

struct Message {
    int id = -1;
    std::uint8_t op = 0;
    // LDAPResult of a bind, search done or extended response.
    int code = 0;
    std::string matched_dn, diagnostic;
    std::string response_name; // extended response's OID, when present
    // A search entry's attributes, only when asked for (lower-case names).
    std::map<std::string, std::vector<std::string>> attributes;
};

// Decodes one whole message (as frame() delimited it). With keep set, a
// search entry's attributes of those (lower-case) names are kept, at most
// keep_bytes of values in all; other entries are only recognised. nullopt:
// not an LDAP message.
std::optional<Message> decode(std::string_view bytes,
                              const std::vector<std::string>* keep = nullptr,
                              std::size_t keep_bytes = 64 * 1024);

std::string starttls_request(int id);
// A simple bind (version 3). The encoding holds the password: the caller
// wipes it after sending.
std::string bind_request(int id, const std::string& dn, const std::string& password);
// nullopt: the filter cannot be parsed (see encode_filter).
std::optional<std::string> search_request(int id, const std::string& base, bool subtree,
                                          const std::string& filter,
                                          const std::vector<std::string>& attributes,
                                          int size_limit, int time_limit_s);
std::string unbind_request(int id);

// The filter's string form (RFC 4515) as BER (RFC 4511 4.5.1.7): and, or,
// not, equality, substrings, >=, <=, ~=, presence and extensible match. The
// filter comes from the checklist (trusted) but is bounded: at most
// max_filter_bytes and max_filter_depth nested parentheses, parsed without
// recursion. Appends to *ber (a BerElement*) and returns false when the
// filter is not valid.
inline constexpr std::size_t max_filter_bytes = 4096;
inline constexpr int max_filter_depth = 32;
bool encode_filter(void* ber, std::string_view filter);

// libldap's names for the result codes (RFC 4511 appendix A), so that
// messages read as they did: "Invalid credentials", "No such object".
std::string result_name(int code);

} // namespace pf::ldap
