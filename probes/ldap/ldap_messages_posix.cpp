#include "probes/ldap/ldap_messages_posix.hpp"
#include <algorithm>
#include <cctype>
#include <lber.h>
#include <memory>
#include <openssl/crypto.h>

namespace pf::ldap {

namespace {

constexpr ber_tag_t search_request_tag = 0x63, bind_request_tag = 0x60, unbind_tag = 0x42,
                    extended_request_tag = 0x77, simple_auth_tag = 0x80, request_name_tag = 0x80,
                    response_name_tag = 0x8a;

struct BerFree {
    void operator()(BerElement* b) const { ber_free(b, 1); }
};
using Ber = std::unique_ptr<BerElement, BerFree>;

Ber new_ber() {
    return Ber(ber_alloc_t(LBER_USE_DER));
}

// The encoding as bytes; with wipe, liblber's copy is cleansed before it is
// freed (it held a password).
std::optional<std::string> bytes_of(BerElement* ber, bool wipe = false) {
    berval bv{};
    if (ber_flatten2(ber, &bv, 0) != 0) return std::nullopt;
    std::string out(bv.bv_val, bv.bv_len);
    if (wipe) OPENSSL_cleanse(bv.bv_val, bv.bv_len);
    return out;
}

std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string text(const berval& bv) {
    return bv.bv_val ? std::string(bv.bv_val, bv.bv_len) : std::string();
}

// The attributes of a SearchResultEntry after its DN, those named in keep.
bool read_attributes(BerElement* ber, const std::vector<std::string>& keep, std::size_t budget,
                     Message& m) {
    ber_len_t len = 0;
    char* last = nullptr;
    for (ber_tag_t t = ber_first_element(ber, &len, &last); t != LBER_DEFAULT;
         t = ber_next_element(ber, &len, last)) {
        berval type{};
        BerVarray values = nullptr;
        if (ber_scanf(ber, "{mW}", &type, &values) == LBER_ERROR) return false;
        std::string name = lower(text(type));
        if (std::find(keep.begin(), keep.end(), name) != keep.end())
            for (BerVarray v = values; v && v->bv_val; ++v) {
                if (v->bv_len > budget) break;
                budget -= v->bv_len;
                m.attributes[name].push_back(text(*v));
            }
        ber_bvarray_free(values);
    }
    return true;
}

} // namespace

Frame frame(std::string_view b) {
    Frame f;
    if (b.empty()) return f;
    if (static_cast<unsigned char>(b[0]) != 0x30) return {Frame::State::invalid, 0};
    if (b.size() < 2) return f;
    auto first = static_cast<unsigned char>(b[1]);
    std::size_t header = 2, length = first;
    if (first & 0x80) {
        // Long form; LDAP forbids the indefinite form (RFC 4511 5.1), and a
        // length needing more than 4 bytes is over any bound.
        std::size_t n = first & 0x7f;
        if (n == 0 || n > 4) return {Frame::State::invalid, 0};
        if (b.size() < 2 + n) return f;
        length = 0;
        for (std::size_t i = 0; i < n; ++i)
            length = length << 8 | static_cast<unsigned char>(b[2 + i]);
        header += n;
    }
    if (length > max_message_bytes - header) return {Frame::State::too_large, header + length};
    if (b.size() < header + length) return f;
    return {Frame::State::ready, header + length};
}

std::optional<Message> decode(std::string_view bytes, const std::vector<std::string>* keep,
                              std::size_t keep_bytes) {
    berval in{bytes.size(), const_cast<char*>(bytes.data())};
    Ber ber(ber_init(&in)); // a copy: liblber reads from its own buffer
    if (!ber) return std::nullopt;
    Message m;
    ber_int_t id = 0;
    if (ber_scanf(ber.get(), "{i", &id) == LBER_ERROR || id < 0) return std::nullopt;
    m.id = id;
    ber_len_t len = 0;
    ber_tag_t op = ber_peek_tag(ber.get(), &len);
    if (op == LBER_DEFAULT || op > 0xff) return std::nullopt;
    m.op = static_cast<std::uint8_t>(op);
    switch (op) {
    case bind_response:
    case search_done:
    case extended_response: {
        ber_int_t code = 0;
        berval matched{}, diagnostic{};
        if (ber_scanf(ber.get(), "{emm", &code, &matched, &diagnostic) == LBER_ERROR)
            return std::nullopt;
        m.code = code;
        m.matched_dn = text(matched);
        m.diagnostic = text(diagnostic);
        if (op == extended_response) {
            // The referral [3] a result may carry comes before the name.
            ber_tag_t t = ber_peek_tag(ber.get(), &len);
            if (t == 0xa3)
                t = ber_skip_element(ber.get(), &matched) == LBER_ERROR
                        ? LBER_DEFAULT
                        : ber_peek_tag(ber.get(), &len);
            berval name{};
            if (t == response_name_tag && ber_scanf(ber.get(), "m", &name) != LBER_ERROR)
                m.response_name = text(name);
        }
        return m;
    }
    case search_entry: {
        berval dn{};
        if (ber_scanf(ber.get(), "{m", &dn) == LBER_ERROR) return std::nullopt;
        if (keep && !read_attributes(ber.get(), *keep, keep_bytes, m)) return std::nullopt;
        return m;
    }
    default:
        // References, intermediate responses and anything else: recognised
        // by their tag only.
        return m;
    }
}

std::string starttls_request(int id) {
    auto ber = new_ber();
    if (ber_printf(ber.get(), "{it{ts}}", ber_int_t(id), extended_request_tag, request_name_tag,
                   starttls_oid) == -1)
        return {};
    return bytes_of(ber.get()).value_or("");
}

std::string bind_request(int id, const std::string& dn, const std::string& password) {
    auto ber = new_ber();
    if (ber_printf(ber.get(), "{it{isto}}", ber_int_t(id), bind_request_tag, ber_int_t(3),
                   dn.c_str(), simple_auth_tag, password.data(), ber_len_t(password.size())) == -1)
        return {};
    return bytes_of(ber.get(), true).value_or("");
}

std::optional<std::string> search_request(int id, const std::string& base, bool subtree,
                                          const std::string& filter,
                                          const std::vector<std::string>& attributes,
                                          int size_limit, int time_limit_s) {
    auto ber = new_ber();
    // scope baseObject 0 or wholeSubtree 2; derefAliases neverDerefAliases.
    if (ber_printf(ber.get(), "{it{seeiib", ber_int_t(id), search_request_tag, base.c_str(),
                   ber_int_t(subtree ? 2 : 0), ber_int_t(0), ber_int_t(size_limit),
                   ber_int_t(time_limit_s), ber_int_t(0)) == -1)
        return {};
    if (!encode_filter(ber.get(), filter)) return std::nullopt;
    if (ber_printf(ber.get(), "{") == -1) return {};
    for (const auto& a : attributes)
        if (ber_printf(ber.get(), "s", a.c_str()) == -1) return {};
    if (ber_printf(ber.get(), "}}}") == -1) return {};
    return bytes_of(ber.get());
}

std::string unbind_request(int id) {
    auto ber = new_ber();
    if (ber_printf(ber.get(), "{itn}", ber_int_t(id), unbind_tag) == -1) return {};
    return bytes_of(ber.get()).value_or("");
}

std::string result_name(int code) {
    static const std::pair<int, const char*> names[] = {
        {0, "Success"},
        {1, "Operations error"},
        {2, "Protocol error"},
        {3, "Time limit exceeded"},
        {4, "Size limit exceeded"},
        {7, "Authentication method not supported"},
        {8, "Strong(er) authentication required"},
        {10, "Referral"},
        {11, "Administrative limit exceeded"},
        {12, "Critical extension is unavailable"},
        {13, "Confidentiality required"},
        {14, "SASL bind in progress"},
        {16, "No such attribute"},
        {32, "No such object"},
        {34, "Invalid DN syntax"},
        {48, "Inappropriate authentication"},
        {49, "Invalid credentials"},
        {50, "Insufficient access"},
        {51, "Server is busy"},
        {52, "Server is unavailable"},
        {53, "Server is unwilling to perform"},
        {80, "Other (e.g., implementation specific) error"},
    };
    for (const auto& [c, name] : names)
        if (c == code) return name;
    return "Unknown result code";
}

} // namespace pf::ldap
