#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trialmatch::engine {

/// The items with `separator` between them; empty for no items.
std::string join(const std::vector<std::string>& items, std::string_view separator);

/// `text` with ASCII letters in lower case (other bytes, UTF-8 included, unchanged).
std::string lower(std::string_view text);

} // namespace trialmatch::engine
