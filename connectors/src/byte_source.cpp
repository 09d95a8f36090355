#include "byte_source.hpp"

#include "trialmatch/engine/error.hpp"

#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace trialmatch::connectors::detail {

FileSource::FileSource(const std::string& path) :
    m_file(std::fopen(path.c_str(), "rb")),
    m_path(path) {
    if (m_file == nullptr) {
        throw Error{ErrorCode::io, "cannot open: " + std::string{std::strerror(errno)}};
    }
}

FileSource::~FileSource() {
    std::fclose(m_file);
}

std::size_t FileSource::read(char* buffer, std::size_t size) {
    const std::size_t count = std::fread(buffer, 1, size, m_file);
    if (count < size && std::ferror(m_file) != 0) {
        throw Error{ErrorCode::io, "read error: " + std::string{std::strerror(errno)}};
    }
    return count;
}

std::size_t MemorySource::read(char* buffer, std::size_t size) {
    const std::size_t count = std::min(size, m_text.size());
    std::memcpy(buffer, m_text.data(), count);
    m_text.remove_prefix(count);
    return count;
}

ZipEntrySource::~ZipEntrySource() {
    zip_fclose(m_file);
}

std::size_t ZipEntrySource::read(char* buffer, std::size_t size) {
    const zip_int64_t count = zip_fread(m_file, buffer, size);
    if (count < 0) {
        throw Error{ErrorCode::io,
                    "cannot read archive entry: " +
                        std::string{zip_error_strerror(zip_file_get_error(m_file))}};
    }
    return static_cast<std::size_t>(count);
}

} // namespace trialmatch::connectors::detail
