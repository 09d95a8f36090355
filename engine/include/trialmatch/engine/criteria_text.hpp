#pragma once

#include <string>
#include <string_view>

namespace trialmatch::engine {

/// Stage 1 of the compiler: the text a recogniser reads. Lower case; the registry's markdown
/// escapes (`\>=`, `\[`), HTML entities (`&lt;`, `&ge;`, `&#8805;`) and Unicode comparators
/// (≥ ≤ ˃ ˂ ≧ ≦ ⩾ ⩽) become ASCII `>=` `<=` `>` `<`, as do `=<`, `=>`, `>/=`, `</=`; micro signs
/// become `u`, no-break and thin spaces a space, typographic dashes and quotes ASCII; whitespace
/// runs collapse to one space.
std::string normalise_criterion_text(std::string_view text);

} // namespace trialmatch::engine
