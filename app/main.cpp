#include "app/commands.hpp"
#include "net/open_files.hpp"

int main(int argc, char** argv) {
    pf::raise_open_file_limit();
    return pf::cli_main(argc, argv);
}
