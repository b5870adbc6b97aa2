// A facts file (run --facts) from a customer's server.
#include "base/errors.hpp"
#include "hardware/facts_json.hpp"

using namespace pf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        auto facts = facts_from_json(text, "facts.json");
        // What it reads, it writes back the same.
        auto again = facts_from_json(facts_to_json(facts), "again.json");
        if (facts_to_json(again) != facts_to_json(facts)) __builtin_trap();
    } catch (const InputError&) {
    }
    return 0;
}
