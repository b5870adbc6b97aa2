#include "app/cli_help.hpp"
#include "app/registries.hpp"
#include "base/nearest_word.hpp"
#include <algorithm>
#include <array>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pf {

namespace {

// Groups by id, in the order the help shows them; the names shown come
// from the catalog (group_title).
constexpr std::array<const char*, 6> group_order{"checklist", "targets", "trust",
                                                 "reports",   "run",     "other"};

std::string group_title(std::string_view id) {
    if (id == "checklist") return tr(msg("cli.group.checklist"));
    if (id == "targets") return tr(msg("cli.group.targets"));
    if (id == "trust") return tr(msg("cli.group.trust"));
    if (id == "reports") return tr(msg("cli.group.reports"));
    if (id == "run") return tr(msg("cli.group.run_control"));
    return tr(msg("cli.group.other"));
}

// Long option name -> help group id. Report formats (--html, --json, …) come
// from the report registry.
const std::map<std::string, std::string, std::less<>>& group_of() {
    static const std::map<std::string, std::string, std::less<>> table{
        {"checklist", "checklist"},
        {"service", "checklist"},
        {"only", "checklist"},
        {"skip", "checklist"},
        {"users", "checklist"},
        {"servers", "checklist"},
        {"install-path", "checklist"},
        {"facts", "checklist"},
        {"probes", "checklist"},
        {"reasons", "checklist"},
        {"site", "targets"},
        {"set", "targets"},
        {"password", "targets"},
        {"profile", "targets"},
        {"host", "targets"},
        {"full-chain", "targets"},
        {"proxy", "trust"},
        {"proxy-password", "trust"},
        {"no-proxy", "trust"},
        {"ca-file", "trust"},
        {"trust-store", "trust"},
        {"public-roots", "trust"},
        {"expiry-warn", "trust"},
        {"expiry-fail", "trust"},
        {"report-dir", "reports"},
        {"junit-prefix", "reports"},
        {"junit-warn", "reports"},
        {"bundle", "reports"},
        {"quiet", "reports"},
        {"baseline", "reports"},
        {"history", "reports"},
        {"history-keep", "reports"},
        {"fail-on", "reports"},
        {"json", "reports"},
        {"output", "reports"},
        {"timeout", "run"},
        {"jobs", "run"},
        {"idle", "run"},
        {"max-time", "run"},
        {"lang", "run"},
    };
    return table;
}

bool is_report_option(std::string_view name) {
    for (const auto& f : builtin_reports())
        if (f.name == name) return true;
    return false;
}

std::string long_name(const CLI::Option* opt) {
    const auto& names = opt->get_lnames();
    return names.empty() ? std::string() : names.front();
}

// A place a description's line may end: after a space, or, in Japanese,
// which has no spaces between words, before a wide character (not before a
// closing mark such as 、 or ）, a small kana or ー, nor after an opening one such as "(").
struct WrapPiece {
    std::string_view text;
    bool after_space;
};

bool is_wide_lead(unsigned char c) {
    return c >= 0xE0;
}

bool starts_with_any(std::string_view s, std::initializer_list<std::string_view> marks) {
    for (auto m : marks)
        if (s.rfind(m, 0) == 0) return true;
    return false;
}

std::vector<WrapPiece> wrap_pieces(std::string_view desc) {
    std::vector<WrapPiece> out;
    while (!desc.empty()) {
        auto space = desc.find(' ');
        std::string_view word = desc.substr(0, space);
        desc = space == std::string_view::npos ? std::string_view() : desc.substr(space + 1);
        std::size_t start = 0;
        for (std::size_t i = 1; i < word.size(); ++i) {
            const auto c = static_cast<unsigned char>(word[i]);
            if (!is_wide_lead(c) || word[i - 1] == '(' || word[i - 1] == '\'' ||
                starts_with_any(word.substr(i),
                                {"、", "。", "）", "」", "・", "ー", "ッ", "ャ", "ュ", "ョ", "ァ",
                                 "ィ", "ゥ", "ェ", "ォ", "っ", "ゃ", "ゅ", "ょ"}) ||
                (i >= 3 && starts_with_any(word.substr(i - 3), {"（", "「"})))
                continue;
            out.push_back({word.substr(start, i - start), start == 0});
            start = i;
        }
        out.push_back({word.substr(start), start == 0});
    }
    return out;
}

class PreflightFormatter : public CLI::Formatter {
  public:
    PreflightFormatter() {
        column_width(30);
        // OPTIONS and SUBCOMMAND stay: they are placeholders, like FILE.
        label("Usage", tr(msg("cli.label.usage")));
        label("Positionals", tr(msg("cli.label.positionals")));
    }

    // The placeholder only: CLI11 appends each validator's description to the
    // type name after a ':' ("FILE:FILE"), and adds "...", "REQUIRED".
    std::string make_option_opts(const CLI::Option* opt) const override {
        if (opt->get_type_size() == 0 || !opt->nonpositional()) return {};
        std::string type = opt->get_type_name();
        type = type.substr(0, type.find(':'));
        // CLI11's names for an option given no placeholder of its own.
        if (type == "TEXT") type = "VALUE";
        if (type == "INT" || type == "UINT" || type == "FLOAT" || type == "NUMBER") type = "N";
        return type.empty() ? std::string() : " " + type;
    }

    // Descriptions wrap at 80 columns, indented under their own column, so
    // that the help (and the man page help2man makes of it) reads in a terminal.
    std::string make_option(const CLI::Option* opt, bool is_positional) const override {
        std::string name = "  " + make_option_name(opt, is_positional) + make_option_opts(opt);
        const std::size_t column = get_column_width(), width = 80;
        std::string out = name;
        std::string line_pad(column, ' ');
        if (out.size() >= column)
            out += "\n" + line_pad;
        else
            out += std::string(column - out.size(), ' ');
        std::size_t used = column;
        bool first = true;
        const std::string desc = make_option_desc(opt); // the pieces point into it
        for (const auto& piece : wrap_pieces(desc)) {
            const std::size_t gap = first || !piece.after_space ? 0 : 1;
            if (!first && used + gap + columns(piece.text) > width) {
                out += "\n" + line_pad;
                used = column;
                first = true;
            }
            if (!first && piece.after_space) {
                out += ' ';
                ++used;
            }
            out += piece.text;
            used += columns(piece.text);
            first = false;
        }
        return out + "\n";
    }

    std::string make_help(const CLI::App* app, std::string name,
                          CLI::AppFormatMode mode) const override {
        if (mode == CLI::AppFormatMode::Sub) return make_expanded(app);
        std::string out = make_description(app) + make_usage(app, name) + make_positionals(app);
        for (const char* id : group_order) {
            const std::string group = group_title(id);
            auto opts = app->get_options([&](const CLI::Option* o) {
                return o->get_group() == group && o->nonpositional();
            });
            if (!opts.empty()) out += make_group(group, false, opts);
        }
        out += make_subcommands(app, mode) + "\n" + make_footer(app);
        if (!out.empty() && out.back() != '\n') out += '\n';
        return out;
    }
};

void group_one(CLI::App& app) {
    for (CLI::Option* opt : app.get_options()) {
        if (!opt->nonpositional()) continue; // positionals keep their own list
        auto it = group_of().find(long_name(opt));
        if (it != group_of().end())
            opt->group(group_title(it->second));
        else if (is_report_option(long_name(opt)))
            opt->group(group_title("reports"));
        else
            opt->group(group_title("other"));
    }
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        sub->group(tr(msg("cli.label.subcommands")));
        group_one(*sub);
    }
}

// Every long option of cmd, as typed ("--checklist").
std::vector<std::string> long_options(const CLI::App& cmd) {
    std::vector<std::string> out;
    for (const CLI::Option* opt : cmd.get_options())
        for (const auto& n : opt->get_lnames())
            out.push_back("--" + n);
    return out;
}

} // namespace

std::size_t columns(std::string_view text) {
    std::size_t n = 0;
    for (unsigned char c : text)
        if (c < 0x80 || (c >= 0xC0 && c < 0xE0))
            n += 1;
        else if (c >= 0xE0)
            n += 2;
    return n;
}

std::string tr(const Message& m) {
    return render(m);
}

Language help_language(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--") break;
        std::optional<std::string_view> value;
        if (a == "--lang" && i + 1 < argc)
            value = argv[i + 1];
        else if (a.rfind("--lang=", 0) == 0)
            value = a.substr(7);
        if (!value) continue;
        if (*value == "ja") return Language::ja;
        if (*value == "en") return Language::en;
        break;
    }
    return user_language();
}

void use_preflight_help(CLI::App& app) {
    app.formatter(std::make_shared<PreflightFormatter>());
}

void group_options(CLI::App& app) {
    group_one(app);
}

std::string parse_error_text(const CLI::App& app, int argc, char** argv, const std::string& error) {
    std::vector<std::string> commands;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        commands.push_back(sub->get_name());
    const CLI::App* cmd = &app;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--") break;
        if (a.rfind("--", 0) == 0) {
            std::string name(a.substr(0, a.find('=')));
            auto known = long_options(*cmd);
            if (std::find(known.begin(), known.end(), name) != known.end()) {
                // Its value is no command ("preflight --lang ja lst").
                const CLI::Option* opt = cmd->get_option_no_throw(name);
                if (opt && opt->get_items_expected_min() > 0 && a.find('=') == a.npos &&
                    i + 1 < argc && argv[i + 1][0] != '-')
                    ++i;
                continue;
            }
            if (auto closest = nearest_word(name, known))
                return error + render(msg("cli.error.did_you_mean_option", {{"option", *closest}}));
        } else if (cmd == &app && !a.empty() && a[0] != '-') {
            // The first word is the subcommand; a wrong one is the mistake.
            for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
                if (sub->get_name() == a) cmd = sub;
            if (cmd != &app) continue;
            // CLI11 says only "A subcommand is required" here.
            std::string list;
            for (const auto& c : commands)
                list += (list.empty() ? "" : ", ") + c;
            std::string text =
                render(msg("cli.error.not_a_command", {{"word", a}, {"commands", list}}));
            if (auto closest = nearest_word(a, commands))
                text += render(msg("cli.error.did_you_mean_command", {{"command", *closest}}));
            return text;
        }
    }
    return error;
}

} // namespace pf
