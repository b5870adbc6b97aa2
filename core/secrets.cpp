#include "core/secrets.hpp"
#include "core/errors.hpp"
#include <cstdlib>
#include <fstream>
#include <iostream>
#ifdef _WIN32
#include <conio.h>
#include <io.h>
#else
#include <termios.h>
#include <unistd.h>
#endif

namespace pf {

bool is_secret_source(const std::string& text) {
    return text.rfind("env:", 0) == 0 || text.rfind("file:", 0) == 0 || text == "prompt";
}

static std::string prompt_hidden(const std::string& what) {
#ifdef _WIN32
    if (!_isatty(_fileno(stdin)))
        throw InputError(what + ": cannot prompt: standard input is not a terminal");
    std::cerr << what << ": " << std::flush;
    std::string s;
    for (int c = _getch(); c != '\r' && c != '\n' && c != EOF; c = _getch())
        s += static_cast<char>(c);
    std::cerr << "\n";
    return s;
#else
    if (!isatty(STDIN_FILENO))
        throw InputError(what + ": cannot prompt: standard input is not a terminal");
    std::cerr << what << ": " << std::flush;
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::string s;
    std::getline(std::cin, s);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
    return s;
#endif
}

std::string read_secret(const std::string& source, const std::string& what) {
    if (source.rfind("env:", 0) == 0) {
        auto name = source.substr(4);
        const char* v = std::getenv(name.c_str());
        if (!v) throw InputError(what + ": the environment variable " + name + " is not set");
        return v;
    }
    if (source.rfind("file:", 0) == 0) {
        auto path = source.substr(5);
        std::ifstream in(path, std::ios::binary);
        if (!in) throw InputError(what + ": cannot read " + path);
        std::string line;
        std::getline(in, line);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
    }
    if (source == "prompt") return prompt_hidden(what);
    throw InputError(
        what + ": expected env:NAME, file:PATH or prompt, so that the secret itself never appears "
               "on the command line");
}

} // namespace pf
