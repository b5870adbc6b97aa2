#include "base/catalog.hpp"
#include "base/embedded_data.hpp"
#include <atomic>
#include <ostream>
#include <stdexcept>

namespace pf {

namespace {

constexpr std::size_t max_name = 32;   // a placeholder's name
constexpr std::size_t max_text = 2048; // one catalog entry

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool key_char(char c) {
    return name_char(c) || c == '.';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

constexpr std::size_t max_form = 64; // one word form of a plural choice

// A placeholder starting at the '{' at text[at]: "{name}", or the plural
// choice "{name|one|other}" that stands for the form agreeing with the
// number given as name. size 0 when what follows is neither.
struct Placeholder {
    std::string_view name, one, other;
    std::size_t size = 0; // of the whole "{...}"
    bool plural = false;
};

Placeholder placeholder_at(std::string_view text, std::size_t at) {
    Placeholder p;
    std::size_t end = at + 1;
    while (end < text.size() && end - at - 1 <= max_name && name_char(text[end]))
        ++end;
    if (end == at + 1 || end >= text.size() || end - at - 1 > max_name) return {};
    p.name = text.substr(at + 1, end - at - 1);
    if (text[end] == '}') {
        p.size = end - at + 1;
        return p;
    }
    if (text[end] != '|') return {};
    p.plural = true;
    // Two forms, each of 0 to max_form characters without '{', '|' or '}'.
    std::string_view* forms[] = {&p.one, &p.other};
    for (std::size_t f = 0; f < 2; ++f) {
        std::size_t start = end + 1, stop = start;
        while (stop < text.size() && stop - start <= max_form && text[stop] != '|' &&
               text[stop] != '}' && text[stop] != '{')
            ++stop;
        if (stop >= text.size() || stop - start > max_form) return {};
        if (text[stop] != (f == 0 ? '|' : '}')) return {};
        *forms[f] = text.substr(start, stop - start);
        end = stop;
    }
    p.size = end - at + 1;
    return p;
}

} // namespace

Catalog Catalog::parse(std::string_view text, const std::string& origin) {
    Catalog c;
    std::size_t line_no = 0;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        ++line_no;
        auto where = [&] { return origin + ":" + std::to_string(line_no) + ": "; };
        line = trim(line);
        if (line.empty() || line.front() == '#') continue;
        auto eq = line.find('=');
        if (eq == std::string_view::npos)
            throw std::runtime_error(where() + "expected 'key = text'");
        auto key = trim(line.substr(0, eq));
        auto value = trim(line.substr(eq + 1));
        // "\ " keeps the leading space of a part that is appended to
        // another text.
        if (value.size() > 2 && value[0] == '\\' && value[1] == ' ') value.remove_prefix(1);
        if (key.empty() || key.size() > 64)
            throw std::runtime_error(where() + "a key of 1 to 64 characters is expected");
        for (char ch : key)
            if (!key_char(ch))
                throw std::runtime_error(where() + "key '" + std::string(key) +
                                         "': only a-z, 0-9, '_' and '.' are allowed");
        if (value.empty() || value.size() > max_text)
            throw std::runtime_error(where() + "key '" + std::string(key) + "': a text of 1 to " +
                                     std::to_string(max_text) + " characters is expected");
        if (!c.texts_.emplace(std::string(key), std::string(value)).second)
            throw std::runtime_error(where() + "key '" + std::string(key) + "' is given twice");
    }
    return c;
}

const std::string* Catalog::find(std::string_view key) const {
    auto it = texts_.find(key);
    return it == texts_.end() ? nullptr : &it->second;
}

const Catalog& english_catalog() {
    static const Catalog en = [] {
        for (const auto& f : embedded_message_catalogs())
            if (f.name == "en") return Catalog::parse(f.text, "base/messages/en.txt");
        throw std::logic_error("the English message catalog is not compiled in");
    }();
    return en;
}

void Catalog::fill_from(const Catalog& base) {
    for (const auto& [key, text] : base.texts_)
        texts_.emplace(key, text);
}

const Catalog& catalog_for(Language l) {
    if (l == Language::en) return english_catalog();
    // A key the translation lacks reads in English rather than as a key
    // (the messages test keeps the files complete; a translator's
    // unfinished file still gives whole sentences).
    static const Catalog ja = [] {
        Catalog c;
        for (const auto& f : embedded_message_catalogs())
            if (f.name == "ja") c = Catalog::parse(f.text, "base/messages/ja.txt");
        c.fill_from(english_catalog());
        return c;
    }();
    return ja;
}

namespace {
std::atomic<const Catalog*> active{nullptr};
}

const Catalog& active_catalog() {
    const Catalog* c = active.load(std::memory_order_acquire);
    return c ? *c : english_catalog();
}

void set_active_catalog(const Catalog& c) {
    active.store(&c, std::memory_order_release);
}

std::vector<std::string> placeholders(std::string_view text) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '{')
            if (auto p = placeholder_at(text, i); p.size) {
                out.emplace_back(p.name);
                i += p.size - 1;
            }
    return out;
}

std::string render(const Message& m, const Catalog& c) {
    const std::string* text = c.find(m.key);
    if (!text) {
        std::string out = m.key;
        for (const auto& [name, value] : m.args)
            out += " " + name + "=" + value;
        return out;
    }
    std::string out;
    out.reserve(text->size());
    for (std::size_t i = 0; i < text->size(); ++i) {
        auto p = (*text)[i] == '{' ? placeholder_at(*text, i) : Placeholder{};
        if (!p.size) {
            out += (*text)[i];
            continue;
        }
        const std::string* value = nullptr;
        for (const auto& [name, v] : m.args)
            if (name == p.name) value = &v;
        if (!value)
            out.append(*text, i, p.size); // left as is: message_problem names it
        else if (p.plural)
            out += *value == "1" ? p.one : p.other;
        else
            out += *value;
        i += p.size - 1;
    }
    return out;
}

std::string render(const Message& m) {
    return render(m, active_catalog());
}

std::ostream& operator<<(std::ostream& out, const Message& m) {
    return out << render(m);
}

std::string message_problem(const Message& m, const Catalog& c) {
    const std::string* text = c.find(m.key);
    if (!text) return "message key '" + m.key + "' is not in the catalog";
    for (const auto& n : placeholders(*text)) {
        bool given = false;
        for (const auto& a : m.args)
            given = given || a.first == n;
        if (!given) return "message '" + m.key + "' has no argument for {" + n + "}";
    }
    return "";
}

Message msg(std::string key, std::vector<std::pair<std::string, MessageArg>> args) {
    Message m{std::move(key), {}};
    m.args.reserve(args.size());
    for (auto& [name, value] : args)
        m.args.emplace_back(std::move(name), std::move(value.text));
    return m;
}

MessageArg part(const Message& m) {
    return render(m);
}

void add_evidence(ProbeResult& r, const Message& m) {
    r.evidence.push_back(render(m));
}

std::string evidence_line(const Message& m) {
    return render(m);
}

void set_message(ProbeResult& r, Message m) {
    r.summary = render(m);
    r.message = std::move(m);
}

ProbeResult make_result(Status s, Reason why, Message m) {
    ProbeResult r = ProbeResult::make(s, why, std::string());
    set_message(r, std::move(m));
    return r;
}

} // namespace pf
