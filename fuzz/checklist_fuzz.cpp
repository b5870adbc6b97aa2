// A checklist file as an admin (or anyone) hands it to preflight: loaded,
// then planned with a service and a parameter set as on the command line.
#include "app/registries.hpp"
#include "base/errors.hpp"
#include "core/builtin_checklists.hpp"
#include "core/loader.hpp"
#include "core/plan.hpp"

using namespace pf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& probes = builtin_probes();
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        Checklist c = load_checklist_text(text, "fuzz.xml", probes);
        RunSettings settings;
        for (const auto& s : c.services)
            settings.services.insert(s.id);
        for (const auto& p : c.params)
            settings.values[p.name] = {"127.0.0.1", "--set " + p.name};
        plan_run(c, probes, RunSettings{});
        plan_run(c, probes, settings);
        effective_settings(c, settings);
    } catch (const InputError&) {
    }
    return 0;
}
