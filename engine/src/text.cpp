#include "trialmatch/engine/text.hpp"

#include <cctype>

namespace trialmatch::engine {

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string result;
    for (const auto& item : items) {
        if (!result.empty()) {
            result += separator;
        }
        result += item;
    }
    return result;
}

std::string lower(std::string_view text) {
    std::string out{text};
    for (auto& ch : out) {
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    return out;
}

} // namespace trialmatch::engine
