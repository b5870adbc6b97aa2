// RFC 4515 filter strings to RFC 4511 BER, with liblber. One pass over the
// string with an explicit stack of open and/or/not: the depth is bounded and
// nothing recurses over the input.
#include "probes/ldap/ldap_messages_posix.hpp"
#include <cctype>
#include <lber.h>
#include <vector>

namespace pf::ldap {

namespace {

constexpr ber_tag_t and_tag = 0xa0, or_tag = 0xa1, not_tag = 0xa2, equality_tag = 0xa3,
                    substrings_tag = 0xa4, greater_tag = 0xa5, less_tag = 0xa6, present_tag = 0x87,
                    approx_tag = 0xa8, extensible_tag = 0xa9;

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// An assertion value with its escapes (\XX, and the older \* \( \) \\)
// resolved; false on a bad escape or an unescaped special character.
bool unescape(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '(' || c == ')' || c == '*') return false;
        if (c != '\\') {
            out += c;
            continue;
        }
        if (i + 1 >= in.size()) return false;
        int hi = hex_digit(in[i + 1]);
        int lo = i + 2 < in.size() ? hex_digit(in[i + 2]) : -1;
        if (hi >= 0 && lo >= 0) {
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (std::string_view("*()\\").find(in[i + 1]) != std::string_view::npos) {
            out += in[i + 1];
            i += 1;
        } else {
            return false;
        }
    }
    return true;
}

bool attribute_ok(std::string_view a) {
    if (a.empty()) return false;
    for (char c : a)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != ';' && c != '.' &&
            c != '_')
            return false;
    return true;
}

bool put(BerElement* ber, ber_tag_t tag, std::string_view s) {
    return ber_printf(ber, "to", tag, s.data(), ber_len_t(s.size())) != -1;
}

// type=value with unescaped stars: initial, any and final parts.
bool put_substrings(BerElement* ber, std::string_view type, std::string_view value) {
    if (ber_printf(ber, "t{o{", substrings_tag, type.data(), ber_len_t(type.size())) == -1)
        return false;
    std::size_t start = 0;
    bool first = true;
    std::string part;
    for (;;) {
        std::size_t star = value.find('*', start);
        std::string_view raw = value.substr(
            start, star == std::string_view::npos ? std::string_view::npos : star - start);
        if (!unescape(raw, part)) return false;
        bool last = star == std::string_view::npos;
        ber_tag_t tag = first ? 0x80 : last ? 0x82 : 0x81;
        if (!part.empty() && !put(ber, tag, part)) return false;
        if (last) break;
        first = false;
        start = star + 1;
    }
    return ber_printf(ber, "}}") != -1;
}

// attr[:dn][:rule]:=value, or [:dn]:rule:=value (RFC 4515 3).
bool put_extensible(BerElement* ber, std::string_view lhs, std::string_view raw) {
    std::string value;
    if (!unescape(raw, value)) return false;
    std::vector<std::string_view> parts;
    for (std::size_t at = 0;;) {
        auto colon = lhs.find(':', at);
        parts.push_back(lhs.substr(at, colon == std::string_view::npos ? colon : colon - at));
        if (colon == std::string_view::npos) break;
        at = colon + 1;
    }
    std::string_view type = parts[0], rule;
    bool dn = false;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        if (parts[i] == "dn" || parts[i] == "DN") {
            if (dn || !rule.empty()) return false;
            dn = true;
        } else if (rule.empty() && attribute_ok(parts[i])) {
            rule = parts[i];
        } else {
            return false;
        }
    }
    if (type.empty() ? rule.empty() : !attribute_ok(type)) return false;
    if (ber_printf(ber, "t{", extensible_tag) == -1) return false;
    if (!rule.empty() && !put(ber, 0x81, rule)) return false;
    if (!type.empty() && !put(ber, 0x82, type)) return false;
    if (!put(ber, 0x83, value)) return false;
    if (dn && ber_printf(ber, "tb", ber_tag_t(0x84), ber_int_t(1)) == -1) return false;
    return ber_printf(ber, "}") != -1;
}

// One item, the text between its parentheses.
bool put_item(BerElement* ber, std::string_view item) {
    auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) return false;
    std::string_view raw = item.substr(eq + 1);
    char before = item[eq - 1];
    std::string value;
    auto simple = [&](ber_tag_t tag, std::string_view type) {
        return attribute_ok(type) && unescape(raw, value) &&
               ber_printf(ber, "t{oo}", tag, type.data(), ber_len_t(type.size()), value.data(),
                          ber_len_t(value.size())) != -1;
    };
    if (before == ':') return put_extensible(ber, item.substr(0, eq - 1), raw);
    if (before == '>') return simple(greater_tag, item.substr(0, eq - 1));
    if (before == '<') return simple(less_tag, item.substr(0, eq - 1));
    if (before == '~') return simple(approx_tag, item.substr(0, eq - 1));
    std::string_view type = item.substr(0, eq);
    if (!attribute_ok(type)) return false;
    if (raw == "*") return put(ber, present_tag, type);
    if (raw.find('*') != std::string_view::npos) return put_substrings(ber, type, raw);
    return simple(equality_tag, type);
}

struct Open {
    ber_tag_t tag;
    int children = 0;
};

} // namespace

bool encode_filter(void* handle, std::string_view f) {
    auto* ber = static_cast<BerElement*>(handle);
    if (f.size() > max_filter_bytes) return false;
    auto space = [&](std::size_t i) {
        while (i < f.size() && f[i] == ' ')
            ++i;
        return i;
    };
    std::size_t i = space(0);
    // libldap takes a lone item without its parentheses: "objectClass=*".
    if (i < f.size() && f[i] != '(') {
        std::size_t end = f.find_last_not_of(' ');
        return put_item(ber, f.substr(i, end + 1 - i));
    }
    std::vector<Open> stack;
    bool top_done = false;
    while ((i = space(i)) < f.size()) {
        if (top_done) return false; // text after the filter
        char c = f[i];
        if (c == ')') {
            if (stack.empty()) return false;
            Open o = stack.back();
            if (o.tag == not_tag && o.children != 1) return false;
            stack.pop_back();
            if (ber_printf(ber, o.tag == not_tag ? "}" : "]") == -1) return false;
            if (stack.empty()) top_done = true;
            ++i;
            continue;
        }
        if (c != '(') return false;
        if (!stack.empty()) {
            if (stack.back().tag == not_tag && stack.back().children == 1) return false;
            ++stack.back().children;
        }
        std::size_t at = space(i + 1);
        if (at >= f.size()) return false;
        char kind = f[at];
        if (kind == '&' || kind == '|' || kind == '!') {
            if (stack.size() >= static_cast<std::size_t>(max_filter_depth)) return false;
            ber_tag_t tag = kind == '&' ? and_tag : kind == '|' ? or_tag : not_tag;
            if (ber_printf(ber, kind == '!' ? "t{" : "t[", tag) == -1) return false;
            stack.push_back({tag});
            i = at + 1;
            continue;
        }
        // An item ends at the first ')': inside values, parentheses are escaped.
        std::size_t close = f.find(')', at);
        if (close == std::string_view::npos) return false;
        if (!put_item(ber, f.substr(at, close - at))) return false;
        i = close + 1;
        if (stack.empty()) top_done = true;
    }
    return top_done && stack.empty();
}

} // namespace pf::ldap
