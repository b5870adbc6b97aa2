#include "base/write_file.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <streambuf>
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

#ifndef _WIN32
// e is taken before anything else runs: building the message may change errno.
[[noreturn]] void cannot_write(const std::string& shown, int e) {
    throw std::runtime_error(
        render(msg("input.cannot_write_because", {{"path", shown}, {"detail", std::strerror(e)}})));
}
#endif

#ifndef _WIN32
// Writes through a small buffer to the temporary file, so that a report of
// thousands of checks is never held whole in memory.
class FdBuf : public std::streambuf {
  public:
    FdBuf(int fd, const std::string& shown) : fd_(fd), shown_(shown) {
        setp(buf_, buf_ + sizeof buf_);
    }
    void flush_all() {
        if (!drain()) fail(errno);
    }

  private:
    int_type overflow(int_type ch) override {
        flush_all();
        if (ch != traits_type::eof()) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }
    int sync() override {
        flush_all();
        return 0;
    }
    bool drain() {
        const char* p = pbase();
        while (p < pptr()) {
            ssize_t w = ::write(fd_, p, static_cast<std::size_t>(pptr() - p));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) return false;
            p += w;
        }
        setp(buf_, buf_ + sizeof buf_);
        return true;
    }
    [[noreturn]] void fail(int e) { cannot_write(shown_, e); }
    int fd_;
    const std::string& shown_;
    char buf_[64 * 1024];
};
#endif

// stream: the target is a device or a pipe (/dev/null, /dev/stdout, a FIFO),
// written in place; renaming a file over it would replace the device itself.
void write_all(const fs::path& tmp, const std::function<void(std::ostream&)>& produce,
               const std::string& shown, bool stream = false) {
#ifdef _WIN32
    std::ofstream out(tmp, stream ? std::ios::binary : std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(render(msg("input.cannot_write_beside", {{"path", shown}})));
    try {
        out.exceptions(std::ios::badbit);
        produce(out);
        out.close();
    } catch (const std::ios::failure&) {
        throw std::runtime_error(render(msg("input.cannot_write", {{"path", shown}})));
    }
    if (!out) throw std::runtime_error(render(msg("input.cannot_write", {{"path", shown}})));
#else
    int fd = stream ? ::open(tmp.c_str(), O_WRONLY | O_CLOEXEC)
                    : ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) cannot_write(shown, errno);
    try {
        FdBuf buf(fd, shown);
        std::ostream out(&buf);
        // A write error thrown by the buffer must reach the caller, not be
        // swallowed into the stream's state.
        out.exceptions(std::ios::badbit);
        produce(out);
        buf.flush_all();
    } catch (const std::ios::failure&) {
        ::close(fd);
        throw std::runtime_error(render(msg("input.cannot_write", {{"path", shown}})));
    } catch (...) {
        ::close(fd);
        throw;
    }
    // A crash right after must not leave an empty file under the report's
    // name. Writeback starts here, before the rename, so the file system
    // (ext4's ordered mode) commits the data no later than the rename; not
    // fsync, which waits for the journal of every process writing to the
    // disk: 2-8 ms per file on a busy one, more than the checks of a run
    // take, and seven files per run with the last-run folder.
#ifdef __linux__
    if (!stream) ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
    if (::close(fd) != 0) cannot_write(shown, errno);
#endif
}

} // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
    write_file_atomically(path, [&](std::ostream& out) {
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
    });
}

void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& produce) {
    fs::path target = fs::path(path);
    std::error_code ec;
    auto st = fs::status(target, ec);
    if (!ec && fs::exists(st) && !fs::is_regular_file(st) && !fs::is_directory(st)) {
        write_all(target, produce, path, true);
        return;
    }
    fs::path tmp = temp_beside(target);
    try {
        write_all(tmp, produce, path);
#ifdef _WIN32
        if (!MoveFileExW(tmp.wstring().c_str(), target.wstring().c_str(),
                         MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
            throw std::runtime_error(
                render(msg("input.cannot_replace", {{"path", path}, {"code", GetLastError()}})));
#else
        if (std::rename(tmp.c_str(), target.c_str()) != 0) cannot_write(path, errno);
#endif
    } catch (...) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw;
    }
}

void write_new_file(const std::string& path, const std::string& content) {
    write_all(
        fs::path(path),
        [&](std::ostream& out) {
            out.write(content.data(), static_cast<std::streamsize>(content.size()));
        },
        path);
}

void write_new_file(const std::string& path, const std::function<void(std::ostream&)>& produce) {
    write_all(fs::path(path), produce, path);
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
                throw InputError(render(msg("input.same_output", {{"first", outputs[k].first},
                                                                  {"second", outputs[i].first},
                                                                  {"path", outputs[i].second}})));
}

} // namespace pf
