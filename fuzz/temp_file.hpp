#pragma once
// A file of the fuzz input for the parsers that read from a path.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace pf::fuzz {

class TempFile {
  public:
    explicit TempFile(const std::string& name) {
        const char* tmp = std::getenv("TMPDIR");
        path_ = std::string(tmp && *tmp ? tmp : "/tmp") + "/preflight-fuzz-" +
                std::to_string(::getpid()) + "-" + name;
    }
    ~TempFile() { ::unlink(path_.c_str()); }
    const std::string& path() const { return path_; }
    void write(const std::uint8_t* data, std::size_t size) const {
        std::FILE* f = std::fopen(path_.c_str(), "wb");
        if (!f) std::abort();
        if (size && std::fwrite(data, 1, size, f) != size) std::abort();
        std::fclose(f);
    }

  private:
    std::string path_;
};

} // namespace pf::fuzz
