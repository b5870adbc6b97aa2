#include "app/commands.hpp"
#include "net/open_files.hpp"
#ifdef _WIN32
#include <cstdlib>
#include <windows.h>

namespace {

// A Windows console shows bytes in its code page (932 on Japanese Windows,
// 437 or 1252 elsewhere), and preflight writes UTF-8: the console is switched
// to UTF-8 for the run and given its own code page back at exit. Output
// redirected to a file or a pipe is the same UTF-8 bytes either way.
UINT console_code_page = 0;

void restore_console_code_page() {
    if (console_code_page != 0) SetConsoleOutputCP(console_code_page);
}

void console_to_utf8() {
    console_code_page = GetConsoleOutputCP(); // 0 when there is no console
    if (console_code_page == 0 || console_code_page == CP_UTF8) return;
    if (SetConsoleOutputCP(CP_UTF8)) std::atexit(restore_console_code_page);
}

} // namespace
#endif

int main(int argc, char** argv) {
#ifdef _WIN32
    console_to_utf8();
#endif
    pf::raise_open_file_limit();
    return pf::cli_main(argc, argv);
}
