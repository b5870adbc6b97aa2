#include "base/read_file.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include <filesystem>
#include <fstream>
#ifndef _WIN32
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace pf {

namespace {

std::string limit_text(std::size_t limit) {
    return limit >= (1u << 20) ? std::to_string(limit >> 20) + " MB"
                               : std::to_string(limit >> 10) + " KB";
}

[[noreturn]] void refuse(const std::string& path, const std::string& what, const std::string& why) {
    throw InputError(path + ": " +
                     render(msg("input.file_refused", {{"what", what}, {"why", why}})));
}

#ifndef _WIN32
std::string kind_of(mode_t m) {
    if (S_ISDIR(m)) return render(msg("input.file_directory"));
    if (S_ISFIFO(m)) return render(msg("input.file_fifo"));
    if (S_ISCHR(m) || S_ISBLK(m)) return render(msg("input.file_device"));
    if (S_ISSOCK(m)) return render(msg("input.file_socket"));
    return render(msg("input.file_not_regular"));
}
#endif

} // namespace

std::string read_input_file(const std::string& path, std::size_t limit, const std::string& what) {
    std::string data;
#ifndef _WIN32
    // O_NONBLOCK: opening a FIFO with no writer must not hang; the type is
    // judged on the descriptor itself, so it cannot change after the check.
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) refuse(path, what, std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        ::close(fd);
        refuse(path, what, S_ISREG(st.st_mode) ? std::strerror(e) : kind_of(st.st_mode));
    }
    // Reading stops one byte past the limit whatever the size said: a file
    // that grows while it is read is still bounded.
    char buf[65536];
    while (data.size() <= limit) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            ::close(fd);
            refuse(path, what, std::strerror(e));
        }
        if (n == 0) break;
        data.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
#else
    std::error_code ec;
    auto st = std::filesystem::status(std::filesystem::path(path), ec);
    if (ec) refuse(path, what, ec.message());
    if (st.type() == std::filesystem::file_type::directory)
        refuse(path, what, render(msg("input.file_directory")));
    if (st.type() != std::filesystem::file_type::regular)
        refuse(path, what, render(msg("input.file_not_regular")));
    std::ifstream in(std::filesystem::path(path), std::ios::binary);
    if (!in) refuse(path, what, render(msg("input.file_cannot_open")));
    char buf[65536];
    while (data.size() <= limit && in) {
        in.read(buf, sizeof buf);
        data.append(buf, static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) refuse(path, what, render(msg("input.file_read_failed")));
#endif
    if (data.size() > limit)
        refuse(path, what,
               render(msg("input.file_too_large", {{"limit", limit_text(limit)}, {"what", what}})));
    return data;
}

} // namespace pf
