#pragma once
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

namespace pf {

// The console's text for the support bundle, written as the run goes to a
// file beside the last-run folder rather than held in memory (0.7 MB at the
// end of a 3,000-check run); in memory only when no such file can be made.
// The file goes with this object.
class ConsoleLog {
  public:
    ConsoleLog();
    ~ConsoleLog();
    ConsoleLog(const ConsoleLog&) = delete;
    ConsoleLog& operator=(const ConsoleLog&) = delete;

    std::ostream& stream() { return file_.is_open() ? static_cast<std::ostream&>(file_) : memory_; }
    // Everything written so far, to out.
    void copy_to(std::ostream& out) const;

  private:
    std::filesystem::path path_;
    mutable std::fstream file_;
    std::ostringstream memory_;
};

} // namespace pf
