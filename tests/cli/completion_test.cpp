// The bash and zsh completion in contrib/completion/ are written by hand: each
// command's options there must be exactly those its --help lists.
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>
#include <set>
#include <sstream>

namespace {

using Names = std::set<std::string>;

const std::vector<std::string> commands{"run", "cert", "facts", "list", "schema", "explain", "bundle"};

// "  -q,--quiet   Print…" and "  --site FILE   Site…": the option names.
Names options_in_help(const std::vector<std::string>& args) {
    std::vector<std::string> argv{PREFLIGHT_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--help");
    std::istringstream in(pft::run(argv).out);
    Names out;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("  -", 0) != 0) continue;
        std::string names = line.substr(2, line.find(' ', 2) - 2);
        std::istringstream parts(names);
        for (std::string n; std::getline(parts, n, ',');)
            out.insert(n);
    }
    return out;
}

std::string completion(const std::string& name) {
    return pft::read_file(std::string(PREFLIGHT_SOURCE_DIR) + "/contrib/completion/" + name);
}

// bash: local <var>="--a --b
//     --c"
Names bash_list(const std::string& text, const std::string& var) {
    auto at = text.find("local " + var + "=\"");
    BOOST_TEST_REQUIRE(at != std::string::npos, var);
    at += var.size() + 8;
    std::istringstream words(text.substr(at, text.find('"', at) - at));
    Names out;
    for (std::string w; words >> w;)
        out.insert(w);
    return out;
}

// zsh: the '--name[' and '-q[' specs of one function's _arguments.
Names zsh_specs(const std::string& text, const std::string& function) {
    auto at = text.find("\n" + function + "() {");
    BOOST_TEST_REQUIRE(at != std::string::npos, function);
    std::string body = text.substr(at, text.find("\n}\n", at) - at);
    Names out;
    for (std::size_t q = body.find('\''); q != std::string::npos; q = body.find('\'', q + 1)) {
        std::size_t s = q + 1;
        if (s < body.size() && body[s] == '*') ++s;
        if (s >= body.size() || body[s] != '-') continue;
        std::size_t e = body.find_first_of("[=+'", s);
        if (e != std::string::npos && body[e] == '[') out.insert(body.substr(s, e - s));
    }
    return out;
}

std::string shown(const Names& n) {
    std::string s;
    for (const auto& x : n)
        s += x + " ";
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(shell_completion)

BOOST_AUTO_TEST_CASE(bash_completion_lists_every_option_of_every_command) {
    auto bash = completion("preflight.bash");
    auto top = options_in_help({});
    BOOST_TEST(top.count("--version") == 1u);
    BOOST_TEST(bash_list(bash, "top_opts") == top, shown(bash_list(bash, "top_opts"))
                                                       << "vs " << shown(top));
    std::string names;
    for (const auto& c : commands) {
        auto help = options_in_help({c});
        BOOST_TEST(help.size() > 1u, c);
        auto listed = bash_list(bash, c + "_opts");
        BOOST_TEST(listed == help,
                   c << ": completion " << shown(listed) << "\n--help " << shown(help));
        names += c + " ";
    }
    names.pop_back();
    BOOST_TEST(bash.find("local commands=\"" + names + "\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(zsh_completion_lists_every_option_of_every_command) {
    auto zsh = completion("_preflight");
    BOOST_TEST(zsh.rfind("#compdef preflight\n", 0) == 0u);
    BOOST_TEST(zsh_specs(zsh, "_preflight") == options_in_help({}));
    for (const auto& c : commands) {
        auto help = options_in_help({c});
        auto listed = zsh_specs(zsh, "_preflight_" + c);
        BOOST_TEST(listed == help,
                   c << ": completion " << shown(listed) << "\n--help " << shown(help));
        BOOST_TEST(zsh.find(c + "\\:\"") != std::string::npos, c << " not offered as a command");
    }
}

BOOST_AUTO_TEST_CASE(bash_completion_is_valid_bash) {
    auto r = pft::run(
        {"bash", "-n", std::string(PREFLIGHT_SOURCE_DIR) + "/contrib/completion/preflight.bash"});
    BOOST_TEST(r.exit_code == 0, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
