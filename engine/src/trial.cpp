#include "trialmatch/engine/trial.hpp"

namespace trialmatch::engine {

const char* to_string(DateType type) noexcept {
    switch (type) {
    case DateType::actual:
        return "ACTUAL";
    case DateType::estimated:
        return "ESTIMATED";
    case DateType::unspecified:
        break;
    }
    return "";
}

bool is_nct_id(std::string_view id) noexcept {
    if (id.size() != 11 || id.substr(0, 3) != "NCT") {
        return false;
    }
    for (const char c : id.substr(3)) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

} // namespace trialmatch::engine
