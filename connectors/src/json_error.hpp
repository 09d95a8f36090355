#pragma once

#include "trialmatch/engine/error.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/error/error.h>

#include <algorithm>
#include <string>
#include <string_view>

namespace trialmatch::connectors::detail {

/// A ParseError for RapidJSON's error `code` at byte `offset` of `text`, with line and column.
inline engine::ParseError json_syntax_error(std::string_view text,
                                            std::size_t offset,
                                            rapidjson::ParseErrorCode code,
                                            std::size_t first_line = 1) {
    offset = std::min(offset, text.size());
    const auto before = text.substr(0, offset);
    const std::size_t line =
        first_line + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    const auto line_start = before.rfind('\n');
    const std::size_t column =
        line_start == std::string_view::npos ? offset + 1 : offset - line_start;
    return engine::ParseError{std::string{"invalid JSON: "} + rapidjson::GetParseError_En(code) +
                                  " (line " + std::to_string(line) + ", column " +
                                  std::to_string(column) + ")",
                              line,
                              column};
}

} // namespace trialmatch::connectors::detail
