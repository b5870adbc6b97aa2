#pragma once
#include <string>
#include <vector>

namespace pf {

// A file compiled into the binary (core/embed_files.cmake), so that a single
// preflight executable carries its checklists and data anywhere.
struct EmbeddedFile {
    std::string name; // file name without its extension
    std::string text;
};

// The pki/data/ files, compiled in.
const std::vector<EmbeddedFile>& embedded_data_files();

// The message catalogs base/messages/<language>.txt, compiled in.
const std::vector<EmbeddedFile>& embedded_message_catalogs();

// The text of pki/data/<name>.*; throws std::logic_error when absent.
const std::string& embedded_data(const std::string& name);

} // namespace pf
