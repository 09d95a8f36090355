#pragma once

// Where tests find their data: the shared real registry fixtures (../shared beside the checkout),
// the project's own hand-made fixtures, and a fresh temporary directory per test.

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace trialmatch::test {

inline std::filesystem::path shared_fixtures() {
    return std::filesystem::path{TRIALMATCH_SHARED_FIXTURES_DIR} / "ctgov";
}

inline std::filesystem::path own_fixtures() {
    return std::filesystem::path{TRIALMATCH_TEST_DATA_DIR};
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in{path, std::ios::binary};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out{path, std::ios::binary};
    out << text;
}

/// A directory that exists for the lifetime of the object and is removed afterwards.
class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        m_path =
            std::filesystem::temp_directory_path() /
            ("trialmatch-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(m_path);
        std::filesystem::create_directories(m_path);
    }

    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    TempDir(TempDir&&) = delete;
    TempDir& operator=(TempDir&&) = delete;

    ~TempDir() {
        std::error_code error;
        std::filesystem::remove_all(m_path, error);
    }

    const std::filesystem::path& path() const { return m_path; }

    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

} // namespace trialmatch::test
