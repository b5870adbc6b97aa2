#include "core/loader.hpp"
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
            src_.fail(root, std::string("the root element is <") + root.name() +
                                "> but a checklist must start with <checklist>");
        src_.expect_only(root,
                         {"id", "title", "timeout", "xmlns:xsi", "xsi:noNamespaceSchemaLocation"},
                         {"title", "source", "description", "parameters", "services", "section"});
        Checklist c;
        c.id = identifier(root, "id", false);
        c.title = src_.required_attribute(root, "title");
        c.title_tr = translations_only(root, "title", "the title attribute");
        if (auto t = root.attribute("timeout"))
            c.default_timeout = duration(root, "timeout", t.value());
        if (auto s = root.child("source")) {
            src_.expect_only(s, {"document", "section"}, {});
            c.source_document = src_.required_attribute(s, "document");
            c.source_section = s.attribute("section").value();
        } else {
            src_.fail(root,
                      "<checklist> needs a <source document=\"…\"> naming the guide it checks");
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
        if (c.sections.empty()) src_.fail(root, "a checklist needs at least one <section>");
        mark_secrets(c);
        return c;
    }

  private:
    std::string identifier(const pugi::xml_node& n, const char* attr, bool dots) {
        auto v = src_.required_attribute(n, attr);
        if (v.size() > max_identifier)
            src_.fail(n, attr,
                      std::string(attr) + " '" + v.substr(0, 40) + "…' is " +
                          std::to_string(v.size()) + " characters long: at most " +
                          std::to_string(max_identifier) + " are allowed");
        if (!valid_identifier(v, dots))
            src_.fail(n, attr,
                      std::string("'") + v + "' is not a valid " + attr +
                          (dots ? ": use letters, digits, '.', '_' and '-'"
                                : ": use letters, digits, '_' and '-', starting with a letter"));
        return v;
    }

    std::chrono::milliseconds duration(const pugi::xml_node& n, const char* attr,
                                       const std::string& v) {
        auto s = parse_timeout_seconds(v);
        if (!s)
            src_.fail(n, attr, std::string(attr) + " '" + v + "': expected " + timeout_expected());
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
                              std::string("unknown attribute '") + a.name() + "' on <" + child +
                                  ">; expected xml:lang");
            for (auto inner : e.children())
                if (inner.type() == pugi::node_element)
                    src_.fail(inner, std::string("unexpected element <") + inner.name() +
                                         "> inside <" + child + ">: its text is plain text");
            auto attr = e.attribute("xml:lang");
            std::string tag = attr ? attr.value() : "en";
            if (!is_language_tag(tag))
                src_.fail(e, "xml:lang",
                          "xml:lang='" + tag.substr(0, 40) +
                              "': expected a language tag such as ja or en");
            auto l = language_of_tag(tag);
            auto text = trimmed_text(e);
            if (attr && text.empty())
                src_.fail(e, std::string("<") + child + " xml:lang=\"" + tag + "\"> is empty");
            std::string code = l ? std::string(language_code(*l)) : lower(tag);
            if (!seen.insert(code).second)
                src_.fail(e, std::string("<") + child + "> in '" + code +
                                 "' is given twice (one per language)");
            // A language preflight cannot show would be text nobody reads:
            // the checklist schema allows only these too.
            if (!l)
                src_.fail(e, "xml:lang",
                          "xml:lang='" + tag.substr(0, 40) +
                              "': preflight shows checklists in en and ja only");
            if (*l == Language::en)
                t.en = e;
            else
                t.tr[*l] = std::move(text);
        }
        return t;
    }

    // Translations of a text whose English is an attribute (english): an
    // English element beside it would be a second English text.
    Translations translations_only(const pugi::xml_node& n, const char* child,
                                   const char* english) {
        auto t = texts(n, child);
        if (t.en)
            src_.fail(t.en, std::string("<") + child +
                                "> without xml:lang (or in English): the English text is " +
                                english + "; give a translation's language, e.g. xml:lang=\"ja\"");
        return std::move(t.tr);
    }

    ParamDecl param(const pugi::xml_node& n, const Checklist& c) {
        src_.expect_only(n, {"name", "description", "default", "required", "hint", "secret"},
                         {"description", "hint"});
        ParamDecl p;
        p.name = identifier(n, "name", false);
        if (c.find_param(p.name)) src_.fail(n, "name", "duplicate parameter '" + p.name + "'");
        p.description = n.attribute("description").value();
        p.hint = n.attribute("hint").value();
        p.description_tr = translations_only(n, "description", "the description attribute");
        p.hint_tr = translations_only(n, "hint", "the hint attribute");
        if (auto d = n.attribute("default")) p.default_value = d.value();
        if (auto r = n.attribute("required")) {
            auto b = parse_boolean(r.value());
            if (!b)
                src_.fail(n, "required",
                          std::string("required='") + r.value() + "': expected true or false");
            p.required = *b;
        }
        if (auto sec = n.attribute("secret")) {
            auto b = parse_boolean(sec.value());
            if (!b)
                src_.fail(n, "secret",
                          std::string("secret='") + sec.value() + "': expected true or false");
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
                            require_secret_source(arg.value, arg.where.str(),
                                                  arg.name + " of check '" + k.id + "'");
                        continue;
                    }
                    if (refs.size() != 1 || arg.value != "${" + refs.front() + "}")
                        throw InputError(arg.where.str() + ": " + arg.name + " of check '" + k.id +
                                         "' is a secret: give it one whole ${parameter} or a "
                                         "source, nothing around it");
                    for (auto& p : c.params)
                        if (p.name == refs.front()) p.secret = true;
                }
            }
        for (const auto& p : c.params)
            if (p.secret && p.default_value && !p.default_value->empty())
                require_secret_source(*p.default_value, p.where.str(),
                                      "the default of the secret parameter '" + p.name + "'");
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
                            throw InputError(arg.where.str() + ": '${" + r +
                                             "}' is a secret parameter; " + arg.name +
                                             " of check '" + k.id +
                                             "' would show where it is read from as its value");
                }
            }
    }

    ServiceDecl service(const pugi::xml_node& n, const Checklist& c) {
        src_.expect_only(n, {"id", "title"}, {"title"});
        ServiceDecl s{identifier(n, "id", false), src_.required_attribute(n, "title"), {}};
        s.title_tr = translations_only(n, "title", "the title attribute");
        if (c.find_service(s.id)) src_.fail(n, "id", "duplicate service '" + s.id + "'");
        return s;
    }

    Section section(const pugi::xml_node& n, const Checklist& c) {
        src_.expect_only(n, {"id", "title"}, {"title", "check"});
        Section s;
        s.id = identifier(n, "id", true);
        s.title = src_.required_attribute(n, "title");
        s.title_tr = translations_only(n, "title", "the title attribute");
        for (const auto& other : c.sections)
            if (other.id == s.id) src_.fail(n, "id", "duplicate section id '" + s.id + "'");
        for (auto ch : n.children("check")) {
            auto chk = check(ch, c, s);
            s.checks.push_back(std::move(chk));
        }
        if (s.checks.empty()) src_.fail(n, "section '" + s.id + "' has no <check>");
        return s;
    }

    Check check(const pugi::xml_node& n, const Checklist& c, const Section& s) {
        src_.expect_only(n, {"id", "title", "severity", "service", "timeout"},
                         {"title", "probe", "requirement", "fix"});
        Check k;
        k.where = src_.where(n);
        k.id = identifier(n, "id", true);
        if (!ids_.insert(k.id).second)
            src_.fail(n, "id",
                      "duplicate check id '" + k.id + "' (ids must be unique in a checklist)");
        k.title = src_.required_attribute(n, "title");
        k.title_tr = translations_only(n, "title", "the title attribute");
        auto sev = src_.required_attribute(n, "severity");
        if (!parse_severity(sev, k.severity))
            src_.fail(n, "severity",
                      "severity '" + sev + "': expected required, recommended or optional");
        if (auto sv = n.attribute("service")) {
            k.service = sv.value();
            if (!c.find_service(k.service))
                src_.fail(n, "service",
                          "service '" + k.service + "' is not declared in <services>" +
                              known_services(c));
        }
        if (auto t = n.attribute("timeout")) k.timeout = duration(n, "timeout", t.value());
        k.section_id = s.id;
        k.section_title = s.title;
        auto probes = n.children("probe");
        auto count = std::distance(probes.begin(), probes.end());
        if (count != 1)
            src_.fail(n, "check '" + k.id + "' needs exactly one <probe>, found " +
                             std::to_string(count));
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
            src_.fail(n, "check '" + id + "' needs a non-empty <" + child + ">" +
                             (std::string(child) == "fix" ? " saying what to do when it fails"
                                                          : " with the guide's own words"));
        return t;
    }

    std::string known_services(const Checklist& c) {
        std::string s;
        for (const auto& sv : c.services)
            s += (s.empty() ? "" : ", ") + sv.id;
        return s.empty() ? "" : " (declared: " + s + ")";
    }

    // A parameter's default is checked where a probe takes it whole, so a
    // checklist cannot ship a default its own checks reject.
    void check_default(const pugi::xml_node& n, const char* attr, const ParamSpec& spec,
                       const ParamDecl& param) {
        if (!param.default_value) return;
        if (auto problem = check_value(spec, *param.default_value))
            src_.fail(n, attr,
                      spec.name + "='${" + param.name + "}': the default '" + *param.default_value +
                          "' of " + param.name + " (" + param.where.str() +
                          ") is not valid here: expected " + *problem);
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
            src_.fail(n, "kind", "unknown probe kind '" + p.kind + "'; known kinds: " + names);
        }
        for (auto ch : n.children())
            if (ch.type() == pugi::node_element)
                src_.fail(ch, std::string("unexpected element <") + ch.name() +
                                  "> inside <probe>; probe parameters are attributes");
        for (auto a : n.attributes()) {
            std::string name = a.name();
            if (name == "kind") continue;
            const ParamSpec* spec = kind->find_param(name);
            if (!spec) {
                std::string names;
                for (const auto& ps : kind->params)
                    names += (names.empty() ? "" : ", ") + ps.name;
                src_.fail(n, a.name(),
                          "probe kind '" + p.kind + "' has no parameter '" + name + "'; expected " +
                              (names.empty() ? "none" : names));
            }
            ProbeArg arg{name, a.value(), src_.where(n, a.name())};
            auto refs = param_references(arg.value);
            for (const auto& r : refs)
                if (!c.find_param(r))
                    src_.fail(n, a.name(),
                              "'${" + r + "}' refers to a parameter not declared in <parameters>");
            if (refs.empty()) {
                if (auto problem = check_value(*spec, arg.value))
                    src_.fail(n, a.name(), name + "='" + arg.value + "': expected " + *problem);
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
                          problem->param + "='" + literals[problem->param] + "': expected " +
                              problem->expected);
        }
        for (const auto& spec : kind->params)
            if (spec.required && !n.attribute(spec.name.c_str()))
                src_.fail(n, "probe kind '" + p.kind + "' needs the parameter '" + spec.name +
                                 "' (" + spec.help + ")");
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
    return load_checklist_text(read_input_file(path, checklist_file_limit, "a checklist file"),
                               path, probes);
}

Checklist load_checklist(const std::string& name_or_path, const ProbeRegistry& probes) {
    for (const auto& e : embedded_checklists())
        if (e.name == name_or_path) return load_checklist_text(e.text, "builtin:" + e.name, probes);
    if (name_or_path.find('/') == std::string::npos &&
        name_or_path.find('\\') == std::string::npos &&
        name_or_path.find(".xml") == std::string::npos) {
        std::string names;
        for (const auto& e : embedded_checklists())
            names += (names.empty() ? "" : ", ") + e.name;
        throw InputError("--checklist " + name_or_path +
                         ": no built-in checklist of that name (built in: " + names +
                         "); give a path to use a file");
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
