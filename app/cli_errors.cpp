#include "app/cli_errors.hpp"
#include "base/catalog.hpp"
#include "base/terminal_text.hpp"
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string_view>

namespace pf {

namespace {

enum class PathKind { none, file, directory };

// As CLI11's validators see a path: what cannot be read is not there, and
// anything but a directory is a file.
PathKind path_kind(const std::string& path) {
    std::error_code ec;
    auto st = std::filesystem::status(path, ec);
    if (ec || st.type() == std::filesystem::file_type::not_found ||
        st.type() == std::filesystem::file_type::none)
        return PathKind::none;
    return st.type() == std::filesystem::file_type::directory ? PathKind::directory
                                                              : PathKind::file;
}

// A bound as the user typed it: 0.001, 3600, 10000000.
std::string bound_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

// The commands the parse went into: preflight, then its subcommand.
std::vector<const CLI::App*> parsed_chain(const CLI::App& app) {
    std::vector<const CLI::App*> chain{&app};
    while (!chain.back()->get_subcommands().empty())
        chain.push_back(chain.back()->get_subcommands().front());
    return chain;
}

std::vector<const CLI::Option*> options_of(const std::vector<const CLI::App*>& chain) {
    std::vector<const CLI::Option*> out;
    for (const CLI::App* cmd : chain)
        for (const CLI::Option* opt : cmd->get_options())
            out.push_back(opt);
    return out;
}

// CLI11 checks the top command's left-over arguments first, then its
// subcommand's, and lists them last first; so does this.
std::string unexpected_arguments(const std::vector<const CLI::App*>& chain) {
    for (const CLI::App* cmd : chain) {
        if (cmd->remaining_size() == 0) continue;
        auto args = cmd->remaining();
        std::string list;
        for (auto it = args.rbegin(); it != args.rend(); ++it)
            list += (list.empty() ? "" : " ") + *it;
        return render(msg("cli.error.unexpected", {{"count", args.size()}, {"arguments", list}}));
    }
    return {};
}

// A required option (a positional such as cert's FILE) not given, or no
// command at all.
std::string required_missing(const std::vector<const CLI::App*>& chain) {
    if (chain.size() == 1 && chain.front()->get_require_subcommand_min() > 0)
        return render(msg("cli.error.no_command"));
    for (const CLI::Option* opt : options_of(chain))
        if (opt->get_required() && opt->count() == 0)
            return render(msg("cli.error.required", {{"name", opt->get_name()}}));
    return {};
}

// An option that needs another that is not given, or excludes one that is.
std::string conflict(const std::vector<const CLI::App*>& chain) {
    for (const CLI::Option* opt : options_of(chain)) {
        if (opt->count() == 0) continue;
        for (const CLI::Option* other : opt->get_needs())
            if (other->count() == 0)
                return render(msg("cli.error.requires",
                                  {{"option", opt->get_name()}, {"other", other->get_name()}}));
        for (const CLI::Option* other : opt->get_excludes())
            if (other->count() > 0)
                return render(msg("cli.error.excludes",
                                  {{"option", opt->get_name()}, {"other", other->get_name()}}));
    }
    return {};
}

// CLI11 stops at an option that wants a value when none is left, so the
// option is the last argument ("--jobs", "--lang="); otherwise the mismatch
// is an option of one value given more than once.
std::string argument_mismatch(const std::vector<const CLI::App*>& chain, int argc, char** argv) {
    if (argc > 1) {
        std::string_view last = argv[argc - 1];
        auto eq = last.find('=');
        bool no_value = eq == std::string_view::npos || eq + 1 == last.size();
        if (last.size() > 1 && last[0] == '-' && no_value) {
            std::string name(last.substr(0, eq));
            for (auto it = chain.rbegin(); it != chain.rend(); ++it)
                if (const CLI::Option* opt = (*it)->get_option_no_throw(name);
                    opt && opt->get_items_expected_min() > 0)
                    return render(msg("cli.error.missing_value", {{"option", opt->get_name()},
                                                                  {"type", opt->get_type_name()}}));
        }
    }
    for (const CLI::Option* opt : options_of(chain)) {
        if (opt->get_multi_option_policy() != CLI::MultiOptionPolicy::Throw) continue;
        auto most = static_cast<std::size_t>(std::max(opt->get_items_expected_max(), 1));
        if (opt->results().size() > most)
            return render(msg("cli.error.repeated",
                              {{"option", opt->get_name()}, {"count", opt->results().size()}}));
    }
    return {};
}

// A flag given a value that is no truth value ("--quiet=maybe"); the flags
// are the only options CLI11 converts without a validator of ours first.
std::string not_converted(const std::vector<const CLI::App*>& chain) {
    for (const CLI::Option* opt : options_of(chain)) {
        if (opt->get_expected_max() != 0 || opt->count() == 0) continue;
        bool any_bad = false;
        std::string values;
        for (const auto& r : opt->results()) {
            bool ignored = false;
            any_bad = any_bad || !CLI::detail::lexical_cast(r, ignored);
            values += (values.empty() ? "" : ",") + r;
        }
        if (any_bad)
            return render(
                msg("cli.error.not_converted", {{"option", opt->get_name()}, {"value", values}}));
    }
    return {};
}

} // namespace

CLI::Validator existing_file() {
    return CLI::Validator(
        [](std::string& path) -> std::string {
            switch (path_kind(path)) {
            case PathKind::none:
                return render(msg("cli.error.no_file", {{"path", path}}));
            case PathKind::directory:
                return render(msg("cli.error.file_is_directory", {{"path", path}}));
            case PathKind::file:
                break;
            }
            return {};
        },
        "FILE");
}

CLI::Validator existing_directory() {
    return CLI::Validator(
        [](std::string& path) -> std::string {
            switch (path_kind(path)) {
            case PathKind::none:
                return render(msg("cli.error.no_directory", {{"path", path}}));
            case PathKind::file:
                return render(msg("cli.error.directory_is_file", {{"path", path}}));
            case PathKind::directory:
                break;
            }
            return {};
        },
        "DIR");
}

CLI::Validator existing_path() {
    return CLI::Validator(
        [](std::string& path) -> std::string {
            if (path_kind(path) == PathKind::none)
                return render(msg("cli.error.no_path", {{"path", path}}));
            return {};
        },
        "PATH(existing)");
}

CLI::Validator one_of(std::vector<std::string> choices) {
    std::string list;
    for (const auto& c : choices)
        list += (list.empty() ? "" : ",") + c;
    list = "{" + list + "}";
    return CLI::Validator(
        [choices, list](std::string& value) -> std::string {
            for (const auto& c : choices)
                if (value == c) return {};
            return render(msg("cli.error.not_one_of", {{"value", value}, {"choices", list}}));
        },
        list);
}

CLI::Validator number_in(NumberBounds b, bool whole) {
    const MessageArg min = bound_text(b.min), max = bound_text(b.max);
    std::string what =
        whole ? render(msg("cli.error.whole_number_range", {{"min", min}, {"max", max}}))
              : render(msg("cli.error.number_range", {{"min", min}, {"max", max}}));
    return CLI::Validator(
        [b, whole, what](std::string& text) -> std::string {
            auto refuse = [&] {
                return render(msg("cli.error.expected", {{"expected", what}, {"value", text}}));
            };
            double v = 0;
            if (whole) {
                auto n = parse_integer(text);
                if (!n) return refuse();
                v = static_cast<double>(*n);
            } else {
                auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
                if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
                    !std::isfinite(v))
                    return refuse();
            }
            if (v < b.min || v > b.max) return refuse();
            return {};
        },
        what);
}

CLI::Validator junit_prefix_text() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            bool ok = !text.empty() && text.size() <= 253;
            for (char c : text)
                if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' &&
                    c != '_')
                    ok = false;
            if (!ok)
                return render(
                    msg("cli.error.junit_prefix", {{"value", terminal_safe(text.substr(0, 300))}}));
            return {};
        },
        "HOST");
}

std::string parse_failure_text(const CLI::App& app, const CLI::ParseError& e, int argc,
                               char** argv) {
    const auto chain = parsed_chain(app);
    std::string text;
    if (dynamic_cast<const CLI::ExtrasError*>(&e))
        text = unexpected_arguments(chain);
    else if (dynamic_cast<const CLI::RequiredError*>(&e))
        text = required_missing(chain);
    else if (dynamic_cast<const CLI::RequiresError*>(&e) ||
             dynamic_cast<const CLI::ExcludesError*>(&e))
        text = conflict(chain);
    else if (dynamic_cast<const CLI::ArgumentMismatch*>(&e))
        text = argument_mismatch(chain, argc, argv);
    else if (dynamic_cast<const CLI::ConversionError*>(&e))
        text = not_converted(chain);
    // A validator's failure is ours already: "--jobs: " and a catalog
    // sentence. So is anything CLI11 says that its state cannot tell apart.
    return text.empty() ? e.what() : text;
}

} // namespace pf
