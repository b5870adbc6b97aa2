#include "core/commands.hpp"

int main(int argc, char** argv) {
    return pf::cli_main(argc, argv);
}
