#pragma once
#include "base/status.hpp"
#include <string>
#include <vector>

namespace pf {

// Words many messages share, in the active catalog's language: what stands
// between the items of a list and between the clauses of one sentence
// ("a, b" and "a; b" in English, "a、b" and "a。b" in Japanese), and the
// name of a status inside a sentence. Machine outputs keep to_string.

std::string join_list(const std::vector<std::string>& items);
std::string join_clauses(const std::vector<std::string>& clauses);
// "a, b or c" / "a、b、または c".
std::string join_alternatives(const std::vector<std::string>& items);
std::string status_word(Status s);

} // namespace pf
