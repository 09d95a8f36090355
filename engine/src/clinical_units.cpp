#include "trialmatch/engine/clinical_units.hpp"

#include <array>
#include <cctype>
#include <cstddef>
#include <utility>

namespace trialmatch::engine {

namespace {

struct LabTest {
    std::string_view name;
    std::string_view unit;
    std::string_view aliases; // '|'-separated, lower case, spaces and '-' removed
};

constexpr std::array<LabTest, 20> lab_tests{{
    {"ANC", "/uL", "anc|neutrophils|neutrophilcount|absoluteneutrophilcount|neut"},
    {"WBC", "/uL", "wbc|leukocytes|whitebloodcells|whitebloodcellcount"},
    {"lymphocytes", "/uL", "lymphocytes|alc|absolutelymphocytecount"},
    {"platelets", "/uL", "platelets|plt|plateletcount"},
    {"haemoglobin", "g/dL", "haemoglobin|hemoglobin|hb|hgb"},
    {"creatinine", "mg/dL", "creatinine|serumcreatinine|scr|creat"},
    {"creatinine_clearance", "mL/min", "creatinine_clearance|creatinineclearance|crcl"},
    {"eGFR", "mL/min", "egfr|gfr"},
    {"bilirubin", "mg/dL", "bilirubin|totalbilirubin|tbili|bili"},
    {"direct_bilirubin", "mg/dL", "direct_bilirubin|directbilirubin|conjugatedbilirubin|dbili"},
    {"AST", "U/L", "ast|sgot|aspartateaminotransferase"},
    {"ALT", "U/L", "alt|sgpt|alanineaminotransferase"},
    {"ALP", "U/L", "alp|alkalinephosphatase"},
    {"LDH", "U/L", "ldh|lactatedehydrogenase"},
    {"albumin", "g/dL", "albumin|alb"},
    {"INR", "ratio", "inr"},
    {"aPTT", "s", "aptt|ptt"},
    {"PT", "s", "pt|prothrombintime"},
    {"LVEF", "%", "lvef|ejectionfraction"},
    {"lipase", "U/L", "lipase"},
}};

struct UnitFactor {
    std::string_view unit; // normalised spelling, see normalise_unit
    double factor;
};

struct UnitTable {
    std::string_view engine_unit;
    std::string_view accepted; // for messages
    std::array<UnitFactor, 12> units;
};

// Counts: per microlitre; 10^9/L = 10^3/uL = 1000 per uL.
constexpr UnitTable count_units{"/uL",
                                "/uL, /mcL, /mm3, cells/uL, 10^9/L, 10^3/uL, K/uL",
                                {{{"/ul", 1},
                                  {"cells/ul", 1},
                                  {"/mm3", 1},
                                  {"cells/mm3", 1},
                                  {"10^9/l", 1000},
                                  {"10^3/ul", 1000},
                                  {"10^3/mm3", 1000},
                                  {"k/ul", 1000},
                                  {"g/l", 1000}}}};
// Haemoglobin: 1 g/L = 0.1 g/dL; 1 mmol/L (monomer) = 1.611 g/dL.
constexpr UnitTable haemoglobin_units{
    "g/dL", "g/dL, g/L, mmol/L", {{{"g/dl", 1}, {"g/l", 0.1}, {"mmol/l", 1.611}}}};
// Creatinine: 88.4 umol/L = 1 mg/dL.
constexpr UnitTable creatinine_units{
    "mg/dL", "mg/dL, umol/L", {{{"mg/dl", 1}, {"umol/l", 1 / 88.4}}}};
// Bilirubin: 17.1 umol/L = 1 mg/dL.
constexpr UnitTable bilirubin_units{
    "mg/dL", "mg/dL, umol/L", {{{"mg/dl", 1}, {"umol/l", 1 / 17.1}}}};
constexpr UnitTable enzyme_units{"U/L", "U/L, IU/L", {{{"u/l", 1}, {"iu/l", 1}}}};
constexpr UnitTable albumin_units{"g/dL", "g/dL, g/L", {{{"g/dl", 1}, {"g/l", 0.1}}}};
constexpr UnitTable clearance_units{
    "mL/min", "mL/min, mL/min/1.73m2", {{{"ml/min", 1}, {"ml/min/1.73m2", 1}}}};
constexpr UnitTable ratio_units{"ratio", "ratio", {{{"ratio", 1}, {"1", 1}}}};
constexpr UnitTable seconds_units{"s", "s", {{{"s", 1}, {"sec", 1}, {"seconds", 1}}}};
constexpr UnitTable percent_units{"%", "%", {{{"%", 1}}}};

const UnitTable* units_of(std::string_view test) {
    if (test == "ANC" || test == "WBC" || test == "lymphocytes" || test == "platelets") {
        return &count_units;
    }
    if (test == "haemoglobin") {
        return &haemoglobin_units;
    }
    if (test == "creatinine") {
        return &creatinine_units;
    }
    if (test == "bilirubin" || test == "direct_bilirubin") {
        return &bilirubin_units;
    }
    if (test == "AST" || test == "ALT" || test == "ALP" || test == "LDH" || test == "lipase") {
        return &enzyme_units;
    }
    if (test == "albumin") {
        return &albumin_units;
    }
    if (test == "creatinine_clearance" || test == "eGFR") {
        return &clearance_units;
    }
    if (test == "INR") {
        return &ratio_units;
    }
    if (test == "aPTT" || test == "PT") {
        return &seconds_units;
    }
    if (test == "LVEF") {
        return &percent_units;
    }
    return nullptr;
}

// Lower case, no spaces; micro signs and "mc" become "u"; "x10^9", "10e9", "10*9", "×10⁹" become
// "10^9".
std::string normalise_unit(std::string_view unit) {
    std::string out;
    for (std::size_t i = 0; i < unit.size(); ++i) {
        const auto c = static_cast<unsigned char>(unit[i]);
        if (std::isspace(c) != 0) {
            continue;
        }
        // U+00B5 MICRO SIGN (C2 B5), U+03BC GREEK SMALL LETTER MU (CE BC)
        if ((c == 0xC2 || c == 0xCE) && i + 1 < unit.size() &&
            (static_cast<unsigned char>(unit[i + 1]) == 0xB5 ||
             static_cast<unsigned char>(unit[i + 1]) == 0xBC)) {
            out += 'u';
            ++i;
            continue;
        }
        // U+00D7 MULTIPLICATION SIGN (C3 97): dropped like a leading 'x'
        if (c == 0xC3 && i + 1 < unit.size() && static_cast<unsigned char>(unit[i + 1]) == 0x97) {
            ++i;
            continue;
        }
        // U+2079 SUPERSCRIPT NINE (E2 81 B9), U+00B3 SUPERSCRIPT THREE (C2 B3)
        if (c == 0xE2 && i + 2 < unit.size() && static_cast<unsigned char>(unit[i + 1]) == 0x81 &&
            static_cast<unsigned char>(unit[i + 2]) == 0xB9) {
            out += "^9";
            i += 2;
            continue;
        }
        if (c == 0xC2 && i + 1 < unit.size() && static_cast<unsigned char>(unit[i + 1]) == 0xB3) {
            out += out.ends_with("10") ? "^3" : "3";
            ++i;
            continue;
        }
        out += static_cast<char>(std::tolower(c));
    }
    if (out.starts_with("x10") || out.starts_with("*10")) {
        out.erase(0, 1);
    }
    // Grams spelled out: "gm/dL", "gms/dL", "gram/dL", "grams/dL".
    for (const std::string_view grams : {"grams/", "gram/", "gms/", "gm/"}) {
        if (out.starts_with(grams)) {
            out.replace(0, grams.size(), "g/");
            break;
        }
    }
    // Per 100 mL is per dL ("g/100 mL"); "mg%" is mg per 100 mL.
    if (out.ends_with("/100ml")) {
        out.replace(out.size() - 6, 6, "/dl");
    } else if (out == "mg%") {
        out = "mg/dl";
    }
    for (const auto& [from, to] : std::array<std::pair<std::string_view, std::string_view>, 8>{{
             {"10e9", "10^9"},
             {"10*9", "10^9"},
             {"10e3", "10^3"},
             {"10*3", "10^3"},
             {"/mcl", "/ul"},
             {"mcmol", "umol"},
             {"/cumm", "/mm3"},
             {"/mm^3", "/mm3"},
         }}) {
        if (const auto at = out.find(from); at != std::string::npos) {
            out.replace(at, from.size(), to);
        }
    }
    return out;
}

std::string squeeze(std::string_view name) {
    std::string out;
    for (const char c : name) {
        if (c == ' ' || c == '-') {
            continue;
        }
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

bool alias_matches(std::string_view aliases, std::string_view key) {
    std::size_t begin = 0;
    while (begin <= aliases.size()) {
        const std::size_t end = std::min(aliases.find('|', begin), aliases.size());
        if (aliases.substr(begin, end - begin) == key) {
            return true;
        }
        begin = end + 1;
    }
    return false;
}

} // namespace

std::optional<std::string> canonical_lab_test(std::string_view name) {
    const std::string key = squeeze(name);
    for (const auto& test : lab_tests) {
        if (alias_matches(test.aliases, key)) {
            return std::string{test.name};
        }
    }
    return std::nullopt;
}

std::string lab_engine_unit(std::string_view canonical_test) {
    const UnitTable* table = units_of(canonical_test);
    return table != nullptr ? std::string{table->engine_unit} : std::string{};
}

std::string lab_accepted_units(std::string_view canonical_test) {
    const UnitTable* table = units_of(canonical_test);
    return table != nullptr ? std::string{table->accepted} : std::string{};
}

std::optional<double> lab_unit_factor(std::string_view canonical_test, std::string_view unit) {
    const UnitTable* table = units_of(canonical_test);
    if (table == nullptr) {
        return std::nullopt;
    }
    const std::string key = normalise_unit(unit);
    for (const auto& entry : table->units) {
        if (!entry.unit.empty() && entry.unit == key) {
            return entry.factor;
        }
    }
    return std::nullopt;
}

std::optional<double> prednisone_equivalent(std::string_view drug, double mg_per_day) {
    // Prednisone 5 mg equals: prednisolone 5, methylprednisolone 4, triamcinolone 4,
    // hydrocortisone 20, cortisone 25, dexamethasone 0.75, betamethasone 0.6 (DOMAIN.md §5.13
    // gives the dexamethasone pair; the rest are the standard glucocorticoid equivalences).
    static constexpr std::array<std::pair<std::string_view, double>, 8> factors{{
        {"prednisone", 1.0},
        {"prednisolone", 1.0},
        {"methylprednisolone", 5.0 / 4.0},
        {"triamcinolone", 5.0 / 4.0},
        {"hydrocortisone", 5.0 / 20.0},
        {"cortisone", 5.0 / 25.0},
        {"dexamethasone", 5.0 / 0.75},
        {"betamethasone", 5.0 / 0.6},
    }};
    const std::string key = squeeze(drug);
    for (const auto& [name, factor] : factors) {
        if (key == name) {
            return mg_per_day * factor;
        }
    }
    return std::nullopt;
}

std::optional<std::string> normalise_hla_allele(std::string_view text) {
    std::string s;
    for (const char c : text) {
        if (c != ' ') {
            s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
    }
    if (s.starts_with("HLA-")) {
        s.erase(0, 4);
    }
    const std::size_t star = s.find('*');
    if (star == std::string::npos || star == 0 || star > 4) {
        return std::nullopt;
    }
    const std::string locus = s.substr(0, star);
    for (const char c : locus) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
            return std::nullopt;
        }
    }
    std::string fields = s.substr(star + 1);
    // Expression suffixes (N, L, S, Q, ...) are kept on the last field.
    std::string suffix;
    if (!fields.empty() && std::isalpha(static_cast<unsigned char>(fields.back())) != 0) {
        suffix = fields.back();
        fields.pop_back();
    }
    std::string out = locus + "*";
    if (fields.find(':') == std::string::npos) {
        // Old compact form: "0201" -> "02:01"; "02" stays one field.
        if ((fields.size() != 2 && fields.size() != 4) ||
            fields.find_first_not_of("0123456789") != std::string::npos) {
            return std::nullopt;
        }
        out += fields.substr(0, 2);
        if (fields.size() == 4) {
            out += ":" + fields.substr(2);
        }
        return out + suffix;
    }
    std::size_t begin = 0;
    int count = 0;
    while (begin <= fields.size()) {
        const std::size_t end = std::min(fields.find(':', begin), fields.size());
        const std::string field = fields.substr(begin, end - begin);
        if (field.size() < 2 || field.size() > 3 ||
            field.find_first_not_of("0123456789") != std::string::npos || ++count > 4) {
            return std::nullopt;
        }
        out += (begin == 0 ? "" : ":") + field;
        begin = end + 1;
    }
    return out + suffix;
}

} // namespace trialmatch::engine
