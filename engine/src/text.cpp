#include "trialmatch/engine/text.hpp"

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

} // namespace trialmatch::engine
