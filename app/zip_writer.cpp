#include "app/zip_writer.hpp"
#include "base/catalog.hpp"
#include <ctime>
#include <memory>
#include <stdexcept>
// Linked statically on Windows: the declarations must not ask for a DLL.
#define ZIP_STATIC
#include <zip.h>

namespace pf {

namespace {

struct ArchiveCloser {
    void operator()(zip_t* z) const { zip_discard(z); }
};
struct SourceFreer {
    void operator()(zip_source_t* s) const { zip_source_free(s); }
};

[[noreturn]] void fail(const std::string& step, zip_error_t* e) {
    std::string why = e ? zip_error_strerror(e) : "unknown error";
    throw std::runtime_error(render(msg("cli.error.zip", {{"step", step}, {"detail", why}})));
}

// The length of the UTF-8 sequence at s[i], 0 when none starts there.
std::size_t utf8_length(const std::string& s, std::size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return 0;
    return n;
}

bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0, n = 0; i < s.size(); i += n)
        if ((n = utf8_length(s, i)) == 0) return false;
    return true;
}

// DOS timestamps start in 1980; a clock set earlier must not wrap around.
std::time_t dos_time(std::chrono::system_clock::time_point t) {
    constexpr std::time_t first_dos_day = 315964800; // 1980-01-06, any zone
    std::time_t v = std::chrono::system_clock::to_time_t(t);
    return v < first_dos_day ? first_dos_day : v;
}

} // namespace

std::string utf8_text(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = utf8_length(text, i);
        out += n ? text.substr(i, n) : "?";
        i += n ? n : 1;
    }
    return out;
}

bool plain_member_name(const std::string& name) {
    if (name.empty() || name.size() > 200 || name.front() == '/' || name.back() == '/')
        return false;
    for (char ch : name)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == '\\' || ch == ':') return false;
    std::size_t start = 0;
    while (start <= name.size()) {
        auto end = name.find('/', start);
        if (end == std::string::npos) end = name.size();
        auto part = name.substr(start, end - start);
        if (part.empty() || part == "." || part == "..") return false;
        start = end + 1;
    }
    return valid_utf8(name);
}

std::string make_zip(const std::vector<ZipMember>& members,
                     std::chrono::system_clock::time_point modified) {
    zip_error_t error;
    zip_error_init(&error);
    std::unique_ptr<zip_source_t, SourceFreer> buffer(
        zip_source_buffer_create(nullptr, 0, 0, &error));
    if (!buffer) fail(render(msg("cli.error.zip_buffer")), &error);
    std::unique_ptr<zip_t, ArchiveCloser> zip(
        zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &error));
    if (!zip) fail(render(msg("cli.error.zip_opening")), &error);
    // zip_close frees the source it was opened on; the bytes are read after.
    zip_source_keep(buffer.get());
    const std::time_t mtime = dos_time(modified);
    for (const auto& m : members) {
        if (!plain_member_name(m.name))
            throw std::runtime_error(render(msg("cli.error.zip_member_name", {{"name", m.name}})));
        zip_source_t* data = zip_source_buffer(zip.get(), m.content.data(), m.content.size(), 0);
        if (!data) fail(m.name, zip_get_error(zip.get()));
        // UTF-8 names get the language-encoding flag (bit 11), which
        // Explorer and unzip read instead of guessing a code page.
        zip_int64_t index = zip_file_add(zip.get(), m.name.c_str(), data, ZIP_FL_ENC_UTF_8);
        if (index < 0) {
            zip_source_free(data);
            fail(m.name, zip_get_error(zip.get()));
        }
        auto i = static_cast<zip_uint64_t>(index);
        if (zip_set_file_compression(zip.get(), i, ZIP_CM_DEFLATE, 0) < 0 ||
            zip_file_set_mtime(zip.get(), i, mtime, 0) < 0 ||
            zip_file_set_external_attributes(zip.get(), i, 0, ZIP_OPSYS_UNIX, 0100644u << 16) < 0)
            fail(m.name, zip_get_error(zip.get()));
    }
    if (zip_close(zip.get()) < 0)
        fail(render(msg("cli.error.zip_closing")), zip_get_error(zip.get()));
    zip.release();

    zip_source_t* src = buffer.get();
    zip_stat_t st;
    if (zip_source_stat(src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open(src) < 0)
        fail(render(msg("cli.error.zip_reading_back")), zip_source_error(src));
    std::string bytes(static_cast<std::size_t>(st.size), '\0');
    zip_int64_t got = zip_source_read(src, bytes.data(), bytes.size());
    zip_source_close(src);
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size)
        fail(render(msg("cli.error.zip_reading_back")), zip_source_error(src));
    return bytes;
}

} // namespace pf
