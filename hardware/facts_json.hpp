#pragma once
#include "hardware/host_facts.hpp"
#include <string>

namespace pf {

// Host facts as a JSON file, so that a support engineer can run a checklist
// against a customer's server without being on it ("preflight facts --json"
// there, "preflight run --facts FILE" here).
//
// {"format": "preflight-facts/1", then every HostFacts member under its own
//  name: strings, numbers and booleans; null where the fact is unknown (an
//  empty string, or 0 cores, packages or RAM)}

inline constexpr const char* facts_format = "preflight-facts/1";

// Indented, without a final newline.
std::string facts_to_json(const HostFacts& f);

// Reads what facts_to_json writes. A missing field is unknown; anything else
// that does not fit (not JSON, another format, an unknown field, a wrong
// type) throws InputError naming origin and the field, e.g.
// "facts.json: field 'ram_bytes': expected a number".
HostFacts facts_from_json(const std::string& text, const std::string& origin);

} // namespace pf
