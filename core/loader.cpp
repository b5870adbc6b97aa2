#include "core/loader.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/read_file.hpp"
#include "base/text.hpp"
#include "core/builtin_checklists.hpp"
#include "core/localized.hpp"
#include "core/secrets.hpp"
#include "core/xml_source.hpp"
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace pf {

// Hand-written scans rather than std::regex: libstdc++'s regex recurses once
// per character and overflows the stack on a long attribute (an id of
// 50,000 characters, "${" followed by 300,000).
std::vector<std::string> param_references(const std::string& value) {
    std::vector<std::string> names;
    for (std::size_t at = value.find("${"); at != std::string::npos; at = value.find("${", at)) {
        auto close = value.find('}', at + 2);
        // No later "${" can be closed either.
        if (close == std::string::npos) break;
        names.push_back(value.substr(at + 2, close - at - 2));
        at = close + 1;
    }
    return names;
}

namespace {

// Long enough for any name an admin types, short enough for a report line.
constexpr std::size_t max_identifier = 100;

bool ascii_alnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Identifiers: plain [A-Za-z_][A-Za-z0-9_-]*, dotted [A-Za-z0-9][A-Za-z0-9._-]*.
bool valid_identifier(const std::string& s, bool allow_dots) {
    if (s.empty()) return false;
    bool digit = s[0] >= '0' && s[0] <= '9';
    bool first_ok = allow_dots ? ascii_alnum(s[0]) : (ascii_alnum(s[0]) && !digit) || s[0] == '_';
    if (!first_ok) return false;
    for (char c : s)
        if (!ascii_alnum(c) && c != '_' && c != '-' && !(allow_dots && c == '.')) return false;
    return true;
}

std::string trimmed_text(const pugi::xml_node& n) {
    std::string s = n.text().get();
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    // Collapse the indentation of multi-line text into single spaces.
    std::string out;
    bool space = false;
    for (char c : s.substr(b, e - b + 1)) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

class Loader {
  public:
    Loader(const XmlSource& src, const ProbeRegistry& probes) : src_(src), probes_(probes) {}

    Checklist load() {
        auto root = src_.doc().document_element();
        if (std::string(root.name()) != "checklist")
            src_.fail(root, msg("input.root_not_checklist", {{"element", root.name()}}));
        src_.expect_only(root,
                         {"id", "title", "timeout", "xmlns:xsi", "xsi:noNamespaceSchemaLocation"},
                         {"title", "source", "description", "parameters", "services", "section"});
        Checklist c;
        c.id = identifier(root, "id", false);
        c.title = src_.required_attribute(root, "title");
        c.title_tr = translations_only(root, "title", "title");
        if (auto t = root.attribute("timeout"))
            c.default_timeout = duration(root, "timeout", t.value());
        if (auto s = root.child("source")) {
            src_.expect_only(s, {"document", "section"}, {});
            c.source_document = src_.required_attribute(s, "document");
            c.source_section = s.attribute("section").value();
        } else {
            src_.fail(root, msg("input.source_needed"));
        }
        auto description = texts(root, "description");
        c.description = trimmed_text(description.en);
        c.description_tr = std::move(description.tr);
        for (auto p : root.child("parameters").children("param"))
            c.params.push_back(param(p, c));
        if (auto ps = root.child("parameters")) src_.expect_only(ps, {}, {"param"});
        for (auto s : root.child("services").children("service"))
            c.services.push_back(service(s, c));
        if (auto ss = root.child("services")) src_.expect_only(ss, {}, {"service"});
        for (auto s : root.children("section"))
            c.sections.push_back(section(s, c));
        if (c.sections.empty()) src_.fail(root, msg("input.no_section"));
        mark_secrets(c);
        return c;
    }

  private:
    std::string identifier(const pugi::xml_node& n, const char* attr, bool dots) {
        auto v = src_.required_attribute(n, attr);
        if (v.size() > max_identifier)
            src_.fail(n, attr,
                      msg("input.identifier_too_long", {{"attribute", attr},
                                                        {"start", v.substr(0, 40)},
                                                        {"length", v.size()},
                                                        {"max", max_identifier}}));
        if (!valid_identifier(v, dots))
            src_.fail(n, attr,
                      dots ? msg("input.identifier_dotted", {{"value", v}, {"attribute", attr}})
                           : msg("input.identifier_plain", {{"value", v}, {"attribute", attr}}));
        return v;
    }

    std::chrono::milliseconds duration(const pugi::xml_node& n, const char* attr,
                                       const std::string& v) {
        auto s = parse_timeout_seconds(v);
        if (!s)
            src_.fail(n, attr,
                      msg("input.attribute_expected",
                          {{"attribute", attr}, {"value", v}, {"expected", timeout_expected()}}));
        return std::chrono::milliseconds(std::llround(*s * 1000));
    }

    // The English text (the element without xml:lang, or with "en") and
    // the translations of n's <child> elements. A tag of a language
    // preflight does not speak is accepted and left unused; a language
    // given twice is an error.
    struct Texts {
        pugi::xml_node en;
        Translations tr;
    };
    Texts texts(const pugi::xml_node& n, const char* child) {
        Texts t;
        std::set<std::string> seen;
        for (auto e : n.children(child)) {
            for (auto a : e.attributes())
                if (std::string(a.name()) != "xml:lang")
                    src_.fail(e, a.name(),
                              msg("input.unknown_attribute", {{"attribute", a.name()},
                                                              {"element", child},
                                                              {"expected", "xml:lang"}}));
            for (auto inner : e.children())
                if (inner.type() == pugi::node_element)
                    src_.fail(inner, msg("input.text_has_element",
                                         {{"child", inner.name()}, {"element", child}}));
            auto attr = e.attribute("xml:lang");
            std::string tag = attr ? attr.value() : "en";
            if (!is_language_tag(tag))
                src_.fail(e, "xml:lang", msg("input.language_tag", {{"tag", tag.substr(0, 40)}}));
            auto l = language_of_tag(tag);
            auto text = trimmed_text(e);
            if (attr && text.empty())
                src_.fail(e, msg("input.translation_empty", {{"element", child}, {"tag", tag}}));
            std::string code = l ? std::string(language_code(*l)) : lower(tag);
            if (!seen.insert(code).second)
                src_.fail(e,
                          msg("input.translation_twice", {{"element", child}, {"language", code}}));
            // A language preflight cannot show would be text nobody reads:
            // the checklist schema allows only these too.
            if (!l)
                src_.fail(e, "xml:lang",
                          msg("input.language_unsupported", {{"tag", tag.substr(0, 40)}}));
            if (*l == Language::en)
                t.en = e;
            else
                t.tr[*l] = std::move(text);
        }
        return t;
    }

    // Translations of a text whose English is the attribute english: an
    // English element beside it would be a second English text.
    Translations translations_only(const pugi::xml_node& n, const char* child,
                                   const char* english) {
        auto t = texts(n, child);
        if (t.en)
            src_.fail(t.en, msg("input.english_in_attribute",
                                {{"element", child}, {"attribute", english}}));
        return std::move(t.tr);
    }

    ParamDecl param(const pugi::xml_node& n, const Checklist& c) {
        src_.expect_only(n, {"name", "description", "default", "required", "hint", "secret"},
                         {"description", "hint"});
        ParamDecl p;
        p.name = identifier(n, "name", false);
        if (c.find_param(p.name))
            src_.fail(n, "name", msg("input.param_duplicate", {{"name", p.name}}));
        p.description = n.attribute("description").value();
        p.hint = n.attribute("hint").value();
        p.description_tr = translations_only(n, "description", "description");
        p.hint_tr = translations_only(n, "hint", "hint");
        if (auto d = n.attribute("default")) p.default_value = d.value();
        if (auto r = n.attribute("required")) {
            auto b = parse_boolean(r.value());
            if (!b)
                src_.fail(
                    n, "required",
                    msg("input.value_expected", {{"name", "required"},
                                                 {"value", r.value()},
                                                 {"expected", part(msg("input.true_or_false"))}}));
            p.required = *b;
        }
        if (auto sec = n.attribute("secret")) {
            auto b = parse_boolean(sec.value());
            if (!b)
                src_.fail(
                    n, "secret",
                    msg("input.value_expected", {{"name", "secret"},
                                                 {"value", sec.value()},
                                                 {"expected", part(msg("input.true_or_false"))}}));
            p.secret = *b;
        }
        p.where = src_.where(n);
        return p;
    }

    // A parameter a probe's secret parameter refers to is secret itself,
    // whether or not it says so: its value is then checked as a source
    // wherever it is given (--set, site file), used or not. A secret must not
    // flow into a parameter that shows its value, and a secret probe
    // parameter takes a source or one whole ${param}, nothing mixed in.
    void mark_secrets(Checklist& c) {
        for (const auto& s : c.sections)
            for (const auto& k : s.checks) {
                const ProbeKind* kind = probes_.find(k.probe.kind);
                for (const auto& arg : k.probe.args) {
                    if (!kind->find_param(arg.name)->secret) continue;
                    auto refs = param_references(arg.value);
                    if (refs.empty()) {
                        if (!arg.value.empty())
                            require_secret_source(
                                arg.value, arg.where.str(),
                                render(msg("input.check_param",
                                           {{"param", arg.name}, {"check", k.id}})));
                        continue;
                    }
                    if (refs.size() != 1 || arg.value != "${" + refs.front() + "}")
                        throw InputError(
                            arg.where.str() + ": " +
                            render(msg("input.secret_whole", {{"param", arg.name},
                                                              {"check", k.id},
                                                              {"reference", "${parameter}"}})));
                    for (auto& p : c.params)
                        if (p.name == refs.front()) p.secret = true;
                }
            }
        for (const auto& p : c.params)
            if (p.secret && p.default_value && !p.default_value->empty())
                require_secret_source(*p.default_value, p.where.str(),
                                      render(msg("input.secret_default", {{"name", p.name}})));
        refuse_shown_secrets(c);
    }

    void refuse_shown_secrets(const Checklist& c) {
        for (const auto& s : c.sections)
            for (const auto& k : s.checks) {
                const ProbeKind* kind = probes_.find(k.probe.kind);
                for (const auto& arg : k.probe.args) {
                    if (kind->find_param(arg.name)->secret) continue;
                    for (const auto& r : param_references(arg.value))
                        if (const ParamDecl* p = c.find_param(r); p && p->secret)
                            throw InputError(
                                arg.where.str() + ": " +
                                render(msg("input.secret_shown", {{"reference", "${" + r + "}"},
                                                                  {"param", arg.name},
                                                                  {"check", k.id}})));
                }
            }
    }

    ServiceDecl service(const pugi::xml_node& n, const Checklist& c) {
        src_.expect_only(n, {"id", "title"}, {"title"});
        ServiceDecl s{identifier(n, "id", false), src_.required_attribute(n, "title"), {}};
        s.title_tr = translations_only(n, "title", "title");
        if (c.find_service(s.id))
            src_.fail(n, "id", msg("input.service_duplicate", {{"id", s.id}}));
        return s;
    }

    Section section(const pugi::xml_node& n, const Checklist& c) {
        src_.expect_only(n, {"id", "title"}, {"title", "check"});
        Section s;
        s.id = identifier(n, "id", true);
        s.title = src_.required_attribute(n, "title");
        s.title_tr = translations_only(n, "title", "title");
        for (const auto& other : c.sections)
            if (other.id == s.id)
                src_.fail(n, "id", msg("input.section_duplicate", {{"id", s.id}}));
        for (auto ch : n.children("check")) {
            auto chk = check(ch, c, s);
            s.checks.push_back(std::move(chk));
        }
        if (s.checks.empty()) src_.fail(n, msg("input.section_empty", {{"id", s.id}}));
        return s;
    }

    Check check(const pugi::xml_node& n, const Checklist& c, const Section& s) {
        src_.expect_only(n, {"id", "title", "severity", "service", "timeout"},
                         {"title", "probe", "requirement", "fix"});
        Check k;
        k.where = src_.where(n);
        k.id = identifier(n, "id", true);
        if (!ids_.insert(k.id).second)
            src_.fail(n, "id", msg("input.check_duplicate", {{"id", k.id}}));
        k.title = src_.required_attribute(n, "title");
        k.title_tr = translations_only(n, "title", "title");
        auto sev = src_.required_attribute(n, "severity");
        if (!parse_severity(sev, k.severity))
            src_.fail(n, "severity", msg("input.severity", {{"value", sev}}));
        if (auto sv = n.attribute("service")) {
            k.service = sv.value();
            if (!c.find_service(k.service))
                src_.fail(n, "service",
                          msg("input.service_undeclared",
                              {{"service", k.service}, {"declared", known_services(c)}}));
        }
        if (auto t = n.attribute("timeout")) k.timeout = duration(n, "timeout", t.value());
        k.section_id = s.id;
        k.section_title = s.title;
        auto probes = n.children("probe");
        auto count = std::distance(probes.begin(), probes.end());
        if (count != 1) src_.fail(n, msg("input.probe_count", {{"id", k.id}, {"count", count}}));
        k.probe = probe(n.child("probe"), c);
        k.requirement = required_text(n, "requirement", k.id, k.requirement_tr);
        k.fix = required_text(n, "fix", k.id, k.fix_tr);
        return k;
    }

    std::string required_text(const pugi::xml_node& n, const char* child, const std::string& id,
                              Translations& tr) {
        auto all = texts(n, child);
        tr = std::move(all.tr);
        auto e = all.en;
        auto t = trimmed_text(e);
        if (!e || t.empty())
            src_.fail(n, std::string(child) == "fix"
                             ? msg("input.fix_needed", {{"id", id}})
                             : msg("input.requirement_needed", {{"id", id}}));
        return t;
    }

    std::string known_services(const Checklist& c) {
        std::string s;
        for (const auto& sv : c.services)
            s += (s.empty() ? "" : ", ") + sv.id;
        return s.empty() ? "" : render(msg("input.services_declared", {{"services", s}}));
    }

    // A parameter's default is checked where a probe takes it whole, so a
    // checklist cannot ship a default its own checks reject.
    void check_default(const pugi::xml_node& n, const char* attr, const ParamSpec& spec,
                       const ParamDecl& param) {
        if (!param.default_value) return;
        if (auto problem = check_value(spec, *param.default_value))
            src_.fail(n, attr,
                      msg("input.default_invalid", {{"param", spec.name},
                                                    {"reference", "${" + param.name + "}"},
                                                    {"value", *param.default_value},
                                                    {"name", param.name},
                                                    {"where", param.where.str()},
                                                    {"expected", *problem}}));
    }

    ProbeSpec probe(const pugi::xml_node& n, const Checklist& c) {
        ProbeSpec p;
        ArgValues literals;
        p.where = src_.where(n);
        p.kind = src_.required_attribute(n, "kind");
        const ProbeKind* kind = probes_.find(p.kind);
        if (!kind) {
            std::string names;
            for (const auto& k : probes_.names())
                names += (names.empty() ? "" : ", ") + k;
            src_.fail(n, "kind",
                      msg("input.probe_kind_unknown", {{"kind", p.kind}, {"kinds", names}}));
        }
        for (auto ch : n.children())
            if (ch.type() == pugi::node_element)
                src_.fail(ch, msg("input.probe_element", {{"child", ch.name()}}));
        for (auto a : n.attributes()) {
            std::string name = a.name();
            if (name == "kind") continue;
            const ParamSpec* spec = kind->find_param(name);
            if (!spec) {
                std::string names;
                for (const auto& ps : kind->params)
                    names += (names.empty() ? "" : ", ") + ps.name;
                src_.fail(n, a.name(),
                          msg("input.probe_param_unknown",
                              {{"kind", p.kind},
                               {"param", name},
                               {"expected", names.empty() ? render(msg("input.none")) : names}}));
            }
            ProbeArg arg{name, a.value(), src_.where(n, a.name())};
            auto refs = param_references(arg.value);
            for (const auto& r : refs)
                if (!c.find_param(r))
                    src_.fail(n, a.name(),
                              msg("input.param_undeclared", {{"reference", "${" + r + "}"}}));
            if (refs.empty()) {
                if (auto problem = check_value(*spec, arg.value))
                    src_.fail(n, a.name(),
                              msg("input.value_expected",
                                  {{"name", name}, {"value", arg.value}, {"expected", *problem}}));
                literals[name] = arg.value;
            } else if (refs.size() == 1 && arg.value == "${" + refs[0] + "}") {
                check_default(n, a.name(), *spec, *c.find_param(refs[0]));
            }
            p.args.push_back(std::move(arg));
        }
        // Values wrong only together (a minimum in the wrong unit) are caught
        // here when the checklist fixes them all, and by the planner otherwise.
        if (kind->check_args && literals.size() == p.args.size()) {
            for (const auto& spec : kind->params)
                if (!literals.count(spec.name) && !spec.default_value.empty())
                    literals[spec.name] = spec.default_value;
            if (auto problem = kind->check_args(literals))
                src_.fail(n, problem->param.c_str(),
                          msg("input.value_expected", {{"name", problem->param},
                                                       {"value", literals[problem->param]},
                                                       {"expected", part(problem->expected)}}));
        }
        for (const auto& spec : kind->params)
            if (spec.required && !n.attribute(spec.name.c_str()))
                src_.fail(n,
                          msg("input.probe_param_needed",
                              {{"kind", p.kind}, {"param", spec.name}, {"help", part(spec.help)}}));
        return p;
    }

    const XmlSource& src_;
    const ProbeRegistry& probes_;
    std::set<std::string> ids_;
};

} // namespace

Checklist load_checklist_text(const std::string& text, const std::string& origin,
                              const ProbeRegistry& probes) {
    XmlSource src(text, origin);
    Checklist c = Loader(src, probes).load();
    c.origin = origin;
    localize(c, active_language());
    return c;
}

Checklist load_checklist_file(const std::string& path, const ProbeRegistry& probes) {
    return load_checklist_text(
        read_input_file(path, checklist_file_limit, render(msg("input.checklist_file"))), path,
        probes);
}

Checklist load_checklist(const std::string& name_or_path, const ProbeRegistry& probes) {
    for (const auto& e : embedded_checklists())
        if (e.name == name_or_path)
            return load_checklist_text(std::string(e.text), "builtin:" + std::string(e.name),
                                       probes);
    if (name_or_path.find('/') == std::string::npos &&
        name_or_path.find('\\') == std::string::npos &&
        name_or_path.find(".xml") == std::string::npos) {
        std::string names;
        for (const auto& e : embedded_checklists())
            names += (names.empty() ? "" : ", ") + std::string(e.name);
        throw InputError("--checklist " + name_or_path + ": " +
                         render(msg("input.checklist_unknown", {{"names", names}})));
    }
    return load_checklist_file(name_or_path, probes);
}

const ParamDecl* Checklist::find_param(const std::string& name) const {
    for (const auto& p : params)
        if (p.name == name) return &p;
    return nullptr;
}

const ServiceDecl* Checklist::find_service(const std::string& sid) const {
    for (const auto& s : services)
        if (s.id == sid) return &s;
    return nullptr;
}

const Check* Checklist::find_check(const std::string& cid) const {
    for (const auto& s : sections)
        for (const auto& c : s.checks)
            if (c.id == cid) return &c;
    return nullptr;
}

namespace {

// The English text stays in tr, for names that must not change with the
// language (english_title).
void put(std::string& text, Translations& tr, Language l) {
    if (l == Language::en) return;
    if (auto it = tr.find(l); it != tr.end()) {
        tr.emplace(Language::en, text);
        text = it->second;
    }
}

} // namespace

void localize(Checklist& c, Language l) {
    put(c.title, c.title_tr, l);
    put(c.description, c.description_tr, l);
    for (auto& p : c.params) {
        put(p.description, p.description_tr, l);
        put(p.hint, p.hint_tr, l);
    }
    for (auto& sv : c.services)
        put(sv.title, sv.title_tr, l);
    for (auto& s : c.sections) {
        put(s.title, s.title_tr, l);
        for (auto& k : s.checks) {
            put(k.title, k.title_tr, l);
            put(k.requirement, k.requirement_tr, l);
            put(k.fix, k.fix_tr, l);
            k.section_title = s.title;
        }
    }
}

const std::string& english_title(const Check& c) {
    auto it = c.title_tr.find(Language::en);
    return it == c.title_tr.end() ? c.title : it->second;
}

std::size_t Checklist::check_count() const {
    std::size_t n = 0;
    for (const auto& s : sections)
        n += s.checks.size();
    return n;
}

} // namespace pf
