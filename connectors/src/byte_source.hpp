#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

struct zip_file;

namespace trialmatch::connectors::detail {

/// A sequential source of bytes. read() returns 0 at the end; it throws Error(io) on failure.
class ByteSource {
public:
    ByteSource() = default;
    ByteSource(const ByteSource&) = delete;
    ByteSource(ByteSource&&) = delete;
    ByteSource& operator=(const ByteSource&) = delete;
    ByteSource& operator=(ByteSource&&) = delete;
    virtual ~ByteSource() = default;

    virtual std::size_t read(char* buffer, std::size_t size) = 0;
};

class FileSource final : public ByteSource {
public:
    /// \throws Error(io) naming the file if it cannot be opened.
    explicit FileSource(const std::string& path);
    FileSource(const FileSource&) = delete;
    FileSource(FileSource&&) = delete;
    FileSource& operator=(const FileSource&) = delete;
    FileSource& operator=(FileSource&&) = delete;
    ~FileSource() override;

    std::size_t read(char* buffer, std::size_t size) override;

private:
    std::FILE* m_file;
    std::string m_path;
};

class MemorySource final : public ByteSource {
public:
    explicit MemorySource(std::string_view text) : m_text(text) {}

    std::size_t read(char* buffer, std::size_t size) override;

private:
    std::string_view m_text;
};

/// One entry of an open libzip archive; the entry is closed on destruction.
class ZipEntrySource final : public ByteSource {
public:
    ZipEntrySource(zip_file* file, std::string label) : m_file(file), m_label(std::move(label)) {}

    ZipEntrySource(const ZipEntrySource&) = delete;
    ZipEntrySource(ZipEntrySource&&) = delete;
    ZipEntrySource& operator=(const ZipEntrySource&) = delete;
    ZipEntrySource& operator=(ZipEntrySource&&) = delete;
    ~ZipEntrySource() override;

    std::size_t read(char* buffer, std::size_t size) override;

private:
    zip_file* m_file;
    std::string m_label;
};

} // namespace trialmatch::connectors::detail
