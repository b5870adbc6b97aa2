#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace pf {

// A file compiled into the binary (core/embed_files.cmake), so that a single
// preflight executable carries its checklists and data anywhere.
// Views of the binary's own data: a copy of every file on the heap was
// 0.4 MB of each run, most of it languages and checklists the run does not use.
struct EmbeddedFile {
    std::string_view name; // file name without its extension
    std::string_view text;
};

// The pki/data/ files, compiled in.
const std::vector<EmbeddedFile>& embedded_data_files();

// The message catalogs base/messages/<language>.txt, compiled in.
const std::vector<EmbeddedFile>& embedded_message_catalogs();

// The text of pki/data/<name>.*; throws std::logic_error when absent.
std::string_view embedded_data(std::string_view name);

} // namespace pf
