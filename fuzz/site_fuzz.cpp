// A site file (--site): read from disk as preflight reads it.
#include "base/errors.hpp"
#include "core/site.hpp"
#include "fuzz/temp_file.hpp"

using namespace pf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const fuzz::TempFile file("site.xml");
    file.write(data, size);
    try {
        load_site_file(file.path());
    } catch (const InputError&) {
    }
    return 0;
}
