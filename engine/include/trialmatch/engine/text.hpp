#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trialmatch::engine {

/// The items with `separator` between them; empty for no items.
std::string join(const std::vector<std::string>& items, std::string_view separator);

} // namespace trialmatch::engine
