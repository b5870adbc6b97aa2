#include "base/write_file.hpp"
#include "base/errors.hpp"
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#ifdef _WIN32
#include <process.h>
#include <windows.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif

namespace pf {

namespace fs = std::filesystem;

namespace {

fs::path temp_beside(const fs::path& target) {
    static std::atomic<unsigned> n{0};
#ifdef _WIN32
    long pid = _getpid();
#else
    long pid = static_cast<long>(getpid());
#endif
    auto name = "." + target.filename().string() + ".tmp-" + std::to_string(pid) + "-" +
                std::to_string(n++);
    return target.parent_path() / fs::path(name);
}

void write_all(const fs::path& tmp, const std::string& content, const std::string& shown) {
#ifdef _WIN32
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
        throw std::runtime_error("cannot write " + shown + ": cannot create a file beside it");
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) throw std::runtime_error("cannot write " + shown);
#else
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot write " + shown + ": " + std::strerror(errno));
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t w = ::write(fd, content.data() + done, content.size() - done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
            int e = errno;
            ::close(fd);
            throw std::runtime_error("cannot write " + shown + ": " + std::strerror(e));
        }
        done += static_cast<std::size_t>(w);
    }
    // On disk before the rename makes it the report: a crash right after
    // must not leave an empty file under the report's name.
    bool ok = ::fsync(fd) == 0;
    int e = errno;
    if (::close(fd) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok) throw std::runtime_error("cannot write " + shown + ": " + std::strerror(e));
#endif
}

} // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
    fs::path target = fs::path(path);
    fs::path tmp = temp_beside(target);
    try {
        write_all(tmp, content, path);
#ifdef _WIN32
        if (!MoveFileExW(tmp.wstring().c_str(), target.wstring().c_str(),
                         MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
            throw std::runtime_error("cannot write " + path + ": replacing it failed (error " +
                                     std::to_string(GetLastError()) + ")");
#else
        if (std::rename(tmp.c_str(), target.c_str()) != 0)
            throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
#endif
    } catch (...) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw;
    }
}

// The same file however it is spelled ("r.json", "./r.json", a link).
static fs::path identity(const std::string& p) {
    std::error_code ec;
    auto absolute = fs::absolute(fs::path(p), ec);
    if (ec) return fs::path(p).lexically_normal();
    auto canonical = fs::weakly_canonical(absolute, ec);
    return ec ? absolute.lexically_normal() : canonical;
}

void refuse_shared_paths(const std::vector<std::pair<std::string, std::string>>& outputs) {
    for (std::size_t i = 0; i < outputs.size(); ++i)
        for (std::size_t k = 0; k < i; ++k)
            if (identity(outputs[i].second) == identity(outputs[k].second))
                throw InputError("--" + outputs[k].first + " and --" + outputs[i].first +
                                 " both name " + outputs[i].second +
                                 ": give each report its own file");
}

} // namespace pf
