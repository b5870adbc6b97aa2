#include "core/xml_source.hpp"
#include <algorithm>
#include <cstring>

namespace pf {

namespace {

// pugixml describes a parse error only in English; each status is a key, so
// the description is in the run's language.
Message parse_problem(pugi::xml_parse_status s) {
    switch (s) {
    case pugi::status_ok:
        return msg("input.xml.ok");
    case pugi::status_file_not_found:
        return msg("input.xml.file_not_found");
    case pugi::status_io_error:
        return msg("input.xml.io_error");
    case pugi::status_out_of_memory:
        return msg("input.xml.out_of_memory");
    case pugi::status_internal_error:
        return msg("input.xml.internal_error");
    case pugi::status_unrecognized_tag:
        return msg("input.xml.unrecognized_tag");
    case pugi::status_bad_pi:
        return msg("input.xml.bad_pi");
    case pugi::status_bad_comment:
        return msg("input.xml.bad_comment");
    case pugi::status_bad_cdata:
        return msg("input.xml.bad_cdata");
    case pugi::status_bad_doctype:
        return msg("input.xml.bad_doctype");
    case pugi::status_bad_pcdata:
        return msg("input.xml.bad_pcdata");
    case pugi::status_bad_start_element:
        return msg("input.xml.bad_start_element");
    case pugi::status_bad_attribute:
        return msg("input.xml.bad_attribute");
    case pugi::status_bad_end_element:
        return msg("input.xml.bad_end_element");
    case pugi::status_end_element_mismatch:
        return msg("input.xml.end_element_mismatch");
    case pugi::status_append_invalid_root:
        return msg("input.xml.append_invalid_root");
    case pugi::status_no_document_element:
        return msg("input.xml.no_document_element");
    }
    return msg("input.xml.unknown");
}

} // namespace

XmlSource::XmlSource(std::string text, std::string origin)
    : text_(std::move(text)), origin_(std::make_shared<const std::string>(std::move(origin))) {
    line_starts_.push_back(0);
    // A line ends at LF, CR LF or a lone CR (old Mac editors), as XML 1.0
    // section 2.11 normalises them.
    for (std::size_t i = 0; i < text_.size(); ++i)
        if (text_[i] == '\n' ||
            (text_[i] == '\r' && (i + 1 == text_.size() || text_[i + 1] != '\n')))
            line_starts_.push_back(i + 1);
    auto res = doc_.load_buffer(text_.data(), text_.size(),
                                pugi::parse_default | pugi::parse_ws_pcdata_single);
    if (!res) {
        throw InputError(at_offset(res.offset).str() + ": " +
                         render(msg("input.xml_not_well_formed",
                                    {{"detail", part(parse_problem(res.status))}})));
    }
}

SourceLocation XmlSource::at_offset(std::ptrdiff_t offset) const {
    if (offset < 0) return {origin_, 0, 0};
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), std::size_t(offset));
    int line = static_cast<int>(it - line_starts_.begin());
    int column = static_cast<int>(std::size_t(offset) - line_starts_[line - 1]) + 1;
    return {origin_, line, column};
}

SourceLocation XmlSource::where(const pugi::xml_node& n) const {
    // offset_debug points at the element name; the '<' is one before it.
    auto off = n.offset_debug();
    return at_offset(off > 0 ? off - 1 : off);
}

SourceLocation XmlSource::where(const pugi::xml_node& n, const char* attribute) const {
    auto off = n.offset_debug();
    if (off < 0) return where(n);
    auto end = text_.find('>', std::size_t(off));
    std::size_t len = std::strlen(attribute);
    for (auto p = text_.find(attribute, std::size_t(off)); p != std::string::npos && p < end;
         p = text_.find(attribute, p + 1)) {
        bool starts = p > 0 && std::isspace(static_cast<unsigned char>(text_[p - 1]));
        auto q = p + len;
        while (q < text_.size() && std::isspace(static_cast<unsigned char>(text_[q])))
            ++q;
        if (starts && q < text_.size() && text_[q] == '=') return at_offset(std::ptrdiff_t(p));
    }
    return where(n);
}

void XmlSource::fail(const pugi::xml_node& n, const std::string& message) const {
    throw InputError(where(n).str() + ": " + message);
}

void XmlSource::fail(const pugi::xml_node& n, const char* attr, const std::string& message) const {
    throw InputError(where(n, attr).str() + ": " + message);
}

void XmlSource::fail(const pugi::xml_node& n, const Message& message) const {
    fail(n, render(message));
}

void XmlSource::fail(const pugi::xml_node& n, const char* attr, const Message& message) const {
    fail(n, attr, render(message));
}

static std::string join(std::initializer_list<const char*> names, const char* prefix,
                        const char* suffix) {
    std::string s;
    for (auto* n : names)
        s += (s.empty() ? "" : ", ") + std::string(prefix) + n + suffix;
    return s.empty() ? render(msg("input.none")) : s;
}

void XmlSource::expect_only(const pugi::xml_node& n, std::initializer_list<const char*> attributes,
                            std::initializer_list<const char*> children) const {
    for (auto a : n.attributes()) {
        bool ok = std::any_of(attributes.begin(), attributes.end(),
                              [&](const char* x) { return std::strcmp(x, a.name()) == 0; });
        if (!ok)
            fail(n, a.name(),
                 msg("input.unknown_attribute", {{"attribute", a.name()},
                                                 {"element", n.name()},
                                                 {"expected", join(attributes, "", "")}}));
    }
    for (auto c : n.children()) {
        if (c.type() == pugi::node_comment) continue;
        if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
            std::string v = c.value();
            if (v.find_first_not_of(" \t\r\n") == std::string::npos) continue;
            fail(n, msg("input.unexpected_text", {{"element", n.name()}}));
        }
        if (c.type() != pugi::node_element) continue;
        bool ok = std::any_of(children.begin(), children.end(),
                              [&](const char* x) { return std::strcmp(x, c.name()) == 0; });
        if (!ok)
            fail(c, msg("input.unexpected_element", {{"child", c.name()},
                                                     {"element", n.name()},
                                                     {"expected", join(children, "<", ">")}}));
    }
}

std::string XmlSource::required_attribute(const pugi::xml_node& n, const char* name) const {
    auto a = n.attribute(name);
    if (!a) fail(n, msg("input.attribute_needed", {{"element", n.name()}, {"attribute", name}}));
    std::string v = a.value();
    if (v.find_first_not_of(" \t\r\n") == std::string::npos)
        fail(n, name, msg("input.attribute_empty", {{"attribute", name}, {"element", n.name()}}));
    return v;
}

} // namespace pf
