#include "core/secrets.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/read_file.hpp"
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <openssl/crypto.h>
#ifdef _WIN32
#include <conio.h>
#include <io.h>
#else
#include <csignal>
#include <termios.h>
#include <unistd.h>
#endif

namespace pf {

bool is_secret_source(const std::string& text) {
    return (text.rfind("env:", 0) == 0 && text.size() > 4) ||
           (text.rfind("file:", 0) == 0 && text.size() > 5) || text == "prompt";
}

void require_secret_source(const std::string& text, const std::string& origin,
                           const std::string& what) {
    if (!is_secret_source(text))
        throw InputError(origin + ": " +
                         render(msg("input.secret_source_needed", {{"what", what}})));
}

namespace {

#ifndef _WIN32
// The terminal's settings while echo is off, for the signal handler: a
// Ctrl-C at the prompt must not leave the shell without echo.
termios saved_terminal;
volatile std::sig_atomic_t echo_off = 0;
const int prompt_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void restore_terminal_and_die(int sig) {
    if (echo_off) tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

// Echo off for its lifetime; back on when it ends, whether by the return,
// an exception, or one of prompt_signals (whose previous handlers come back
// afterwards).
class EchoOff {
  public:
    EchoOff() {
        tcgetattr(STDIN_FILENO, &saved_terminal);
        struct sigaction sa {};
        sa.sa_handler = restore_terminal_and_die;
        sigemptyset(&sa.sa_mask);
        for (std::size_t i = 0; i < std::size(prompt_signals); ++i)
            sigaction(prompt_signals[i], &sa, &previous_[i]);
        termios quiet = saved_terminal;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        echo_off = 1;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    ~EchoOff() {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
        echo_off = 0;
        for (std::size_t i = 0; i < std::size(prompt_signals); ++i)
            sigaction(prompt_signals[i], &previous_[i], nullptr);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

  private:
    struct sigaction previous_[std::size(prompt_signals)]{};
};
#endif

std::string prompt_hidden(const std::string& what) {
#ifdef _WIN32
    // _getch reads without echo by itself: there is no terminal state to restore.
    if (!_isatty(_fileno(stdin)))
        throw InputError(what + ": " + render(msg("input.prompt_no_terminal")));
    std::cerr << what << ": " << std::flush;
    std::string s;
    for (int c = _getch(); c != '\r' && c != '\n' && c != EOF; c = _getch()) {
        // _getch hands Ctrl-C over as a character instead of raising it.
        if (c == 3) {
            OPENSSL_cleanse(s.data(), s.size());
            std::cerr << "\n";
            throw InputError(what + ": " + render(msg("input.prompt_interrupted")));
        }
        s += static_cast<char>(c);
    }
    std::cerr << "\n";
    return s;
#else
    if (!isatty(STDIN_FILENO))
        throw InputError(what + ": " + render(msg("input.prompt_no_terminal")));
    std::cerr << what << ": " << std::flush;
    std::string s;
    {
        EchoOff guard;
        std::getline(std::cin, s);
    }
    std::cerr << "\n";
    return s;
#endif
}

} // namespace

SecretRef read_secret(const std::string& source, const std::string& what) {
    if (source.rfind("env:", 0) == 0) {
        auto name = source.substr(4);
        const char* v = std::getenv(name.c_str());
        if (!v) throw InputError(what + ": " + render(msg("input.env_not_set", {{"name", name}})));
        return std::make_shared<const Secret>(v, source);
    }
    if (source.rfind("file:", 0) == 0) {
        auto path = source.substr(5);
        std::string data = read_input_file(path, secret_file_limit,
                                           render(msg("input.password_file", {{"what", what}})));
        auto end = data.find('\n');
        std::string line = data.substr(0, end);
        OPENSSL_cleanse(data.data(), data.size());
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return std::make_shared<const Secret>(std::move(line), source);
    }
    if (source == "prompt") return std::make_shared<const Secret>(prompt_hidden(what), source);
    throw InputError(what + ": " + render(msg("input.secret_source")));
}

} // namespace pf
