#pragma once

// The clinician-readable case files under tests/engine/cases/<folder>/, in name order.

#include <algorithm>
#include <filesystem>
#include <vector>

namespace trialmatch::test {

inline std::vector<std::filesystem::path> case_files(const char* folder) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator{
             std::filesystem::path{TRIALMATCH_ENGINE_CASES_DIR} / folder}) {
        if (entry.path().extension() == ".case") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace trialmatch::test
