#pragma once
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace pf {

// Replaces path with content in one step: written to a temporary file in the
// same folder, then renamed over path (MoveFileExW on Windows). A run killed
// mid-write leaves yesterday's report whole, never a truncated one.
// Throws std::runtime_error naming the path when it cannot.
void write_file_atomically(const std::string& path, const std::string& content);
// The same with the content written by produce as it goes: a large report
// is never held whole in memory.
void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& produce);

// Creates path, which must not exist, with content: for a file in a folder
// of its own that becomes visible whole by a rename of the folder (the
// last-run folder), where a temporary file and a rename per file would
// only add work. Throws std::runtime_error naming the path.
void write_new_file(const std::string& path, const std::string& content);
void write_new_file(const std::string& path, const std::function<void(std::ostream&)>& produce);

// Throws InputError when two outputs name the same file ("--json r.json
// --junit r.json"): the second would silently replace the first.
void refuse_shared_paths(const std::vector<std::pair<std::string, std::string>>& outputs);

} // namespace pf
