#include "trialmatch/engine/clinical_units.hpp"
#include "trialmatch/engine/criteria_compiler.hpp"
#include "trialmatch/engine/criteria_segment.hpp"
#include "trialmatch/engine/criteria_text.hpp"

#include "text_scan.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>

namespace trialmatch::engine {

namespace {

using namespace criteria_detail;

/// What a recogniser sees and fills in.
struct Work {
    std::string_view text; // normalised
    const ConceptGraph& concepts;
    Criterion& criterion;
    mutable std::optional<std::vector<ConceptGraph::Mention>> found_mentions;

    mutable std::optional<std::vector<Number>> found_numbers;
    mutable std::optional<std::vector<Duration>> found_durations;

    const std::vector<Number>& numbers() const {
        if (!found_numbers) {
            found_numbers = criteria_detail::numbers(text);
        }
        return *found_numbers;
    }

    const std::vector<Duration>& durations() const {
        if (!found_durations) {
            found_durations = criteria_detail::durations(text);
        }
        return *found_durations;
    }

    /// The concepts named in the text, found once per criterion.
    const std::vector<ConceptGraph::Mention>& mentions() const {
        if (!found_mentions) {
            found_mentions = concepts.mentions(text);
        }
        return *found_mentions;
    }

    void set(CriterionType type) const { criterion.type = type; }

    void param(std::string name, ParamValue value) const {
        for (auto& p : criterion.params) {
            if (p.name == name) {
                p.value = std::move(value);
                return;
            }
        }
        criterion.params.push_back({std::move(name), std::move(value)});
    }

    void list_param(const std::string& name, const std::string& item) const {
        for (auto& p : criterion.params) {
            if (p.name == name) {
                auto& list = std::get<std::vector<std::string>>(p.value);
                if (std::find(list.begin(), list.end(), item) == list.end()) {
                    list.push_back(item);
                }
                return;
            }
        }
        criterion.params.push_back({name, std::vector<std::string>{item}});
    }
};

std::string trimmed_number(double value) {
    std::string text = std::to_string(value);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') {
        text.pop_back();
    }
    return text;
}

// --- DOMAIN.md §5.16: age -------------------------------------------------------------------
bool recognise_age(const Work& w) {
    const auto t = w.text;
    if (!has_any_word(t, {"age", "aged", "ages", "adult", "adults", "years old", "year old"}) &&
        !has_any(t, {"years of age", "year-old", "years-old"})) {
        return false;
    }
    bool found = false;
    for (const auto& number : w.numbers()) {
        const auto after = t.substr(number.end, 30);
        const auto before = t.substr(number.begin >= 30 ? number.begin - 30 : 0,
                                     std::min<std::size_t>(number.begin, 30));
        const bool years = has_any(after, {"year", "yrs", "yo "}) || has_word(before, "age") ||
                           has_word(before, "aged");
        if (!years || number.value > 130 || has(after.substr(0, 12), "month") ||
            has(after.substr(0, 12), "week") || has(after.substr(0, 12), "day")) {
            continue;
        }
        if (has_any(after.substr(0, 25), {"prior", "before", "since", "ago", "after"})) {
            continue; // "within 5 years prior" is a time span, not an age
        }
        const std::string comparator = comparator_at(t, number);
        // The first bound stated is the rule; a later one qualifies it ("ages >= 18;
        // participants >= 65 may need a cardiology evaluation").
        if (comparator == ">=" || comparator == ">") {
            if (!w.criterion.param("min_years")) {
                w.param("min_years", number.value + (comparator == ">" ? 1 : 0));
            }
            found = true;
        } else if (comparator == "<=" || comparator == "<") {
            if (!w.criterion.param("max_years")) {
                w.param("max_years", number.value - (comparator == "<" ? 1 : 0));
            }
            found = true;
        } else if (has(after.substr(0, 20), " to ") || has(after.substr(0, 4), "-") ||
                   has_word(before, "between")) {
            w.param(w.criterion.param("min_years") ? "max_years" : "min_years", number.value);
            found = true;
        }
    }
    if (!found && has_any_word(t, {"adult", "adults"}) &&
        !has_any(t, {"adult respiratory", "adult t-cell", "adult-onset"})) {
        w.param("min_years", 18.0);
        found = true;
    }
    if (found) {
        w.set(CriterionType::age);
    }
    return found;
}

// --- sex: "Male >= 18 years of age", "Female patients only"
// --------------------------------------- A line that opens with one sex and is not about
// contraception or pregnancy; any age bound on the same line is kept with it.
bool recognise_sex(const Work& w) {
    const auto t = w.text;
    std::string sex;
    for (const auto& [word, name] :
         std::initializer_list<std::pair<std::string_view, std::string_view>>{
             {"male ", "male"},
             {"males ", "male"},
             {"men ", "male"},
             {"female ", "female"},
             {"females ", "female"},
             {"women ", "female"}}) {
        if (t.starts_with(word)) {
            sex = name;
            break;
        }
    }
    // "Female patients are eligible ... if:" heads the conditions a woman must meet.
    if (sex.empty() || has_any(t.substr(0, 24), {" or ", " and ", "/"}) ||
        has_any(t, {" if:", " if ", "provided"}) || t.ends_with(" if") ||
        has_any(t,
                {"contracept",
                 "pregnan",
                 "childbearing",
                 "child-bearing",
                 "reproductive",
                 "sperm",
                 "partner",
                 "breast"})) {
        return false;
    }
    recognise_age(w);
    w.set(CriterionType::sex);
    w.param("sex", sex);
    return true;
}

// --- §5.8: ECOG / Karnofsky / Lansky ----------------------------------------------------------
bool recognise_performance(const Work& w) {
    const auto t = w.text;
    const bool ecog = has_any(t, {"ecog", "zubrod", "who performance", "who ps"});
    const bool karnofsky = has_any(t, {"karnofsky", "kps"});
    const bool lansky = has(t, "lansky");
    if (!ecog && !karnofsky && !lansky && !has(t, "performance status")) {
        return false;
    }
    w.set(CriterionType::performance_status);
    // The scale named first is the one the criterion is written in.
    const std::size_t at_ecog = find_any(t, {"ecog", "zubrod", "who performance", "who ps"});
    const std::size_t at_karnofsky = find_any(t, {"karnofsky", "kps"});
    const std::size_t at_lansky = t.find("lansky");
    std::string scale = "ECOG";
    if (at_lansky < at_ecog && at_lansky < at_karnofsky) {
        scale = "Lansky";
    } else if (at_karnofsky < at_ecog) {
        scale = "Karnofsky";
    }
    w.param("scale", scale);
    const std::size_t anchor =
        find_any(t, {"ecog", "zubrod", "who", "karnofsky", "kps", "lansky", "performance status"});
    double low = 1e9;
    double high = -1;
    std::size_t last_end = 0;
    std::string comparator;
    for (const auto& number : w.numbers()) {
        if (number.begin < anchor) {
            continue;
        }
        const bool is_ecog_value = scale == "ECOG" && number.value <= 5;
        const bool is_kps_value = scale != "ECOG" && number.value >= 10 && number.value <= 100;
        if (!is_ecog_value && !is_kps_value) {
            continue;
        }
        if (scale == "ECOG" && karnofsky && number.value > 5) {
            continue;
        }
        if (scale == "ECOG" && karnofsky && number.begin > find_any(t, {"karnofsky", "kps"})) {
            continue; // "ECOG 0 or 1, or Karnofsky >= 70": the rest is the conversion
        }
        if (duration_at(t, number)) {
            continue; // "no deterioration over the 2 weeks"
        }
        if (scale != "ECOG" && number.begin > at_ecog) {
            continue; // "Karnofsky >= 70 (ECOG 0-1)"
        }
        if (high >= 0 && number.begin > last_end + 8) {
            break; // "0-1 for Cohort A, 0-2 for Cohort B": the first range
        }
        if (comparator.empty()) {
            comparator = comparator_at(t, number);
        }
        low = std::min(low, number.value);
        high = std::max(high, number.value);
        last_end = number.end;
    }
    if (high < 0) {
        return true;
    }
    if (comparator == "<=" || comparator == "<") {
        w.param("max", comparator == "<" ? high - (scale == "ECOG" ? 1 : 10) : high);
    } else if (comparator == ">=" || comparator == ">") {
        w.param("min", comparator == ">" ? low + (scale == "ECOG" ? 1 : 10) : low);
    } else if (scale == "ECOG") {
        w.param("min", low);
        w.param("max", high);
    } else {
        w.param("min", low);
    }
    return true;
}

// --- §5.16: life expectancy -------------------------------------------------------------------
bool recognise_life_expectancy(const Work& w) {
    if (!has_any(w.text,
                 {"life expectancy",
                  "expected survival",
                  "expected to survive",
                  "survival expectancy"})) {
        return false;
    }
    w.set(CriterionType::life_expectancy);
    for (const auto& duration : w.durations()) {
        w.param("min_days", std::round(duration.days));
        w.param("min_text", duration.text);
        w.param("comparator", duration.comparator.empty() ? ">=" : duration.comparator);
        break;
    }
    return true;
}

// --- §5.16: pregnancy, contraception ----------------------------------------------------------
bool recognise_pregnancy(const Work& w) {
    const auto t = w.text;
    const bool pregnancy = has_any(t,
                                   {"pregnan",
                                    "breastfeed",
                                    "breast-feed",
                                    "breast feed",
                                    "lactating",
                                    "lactation",
                                    "nursing"});
    const bool test = has_any(t,
                              {"pregnancy test",
                               "serum hcg",
                               "urine hcg",
                               "beta-hcg",
                               "b-hcg",
                               "beta hcg",
                               "chorionic",
                               "hcg test"});
    const bool contraception = has_any(t,
                                       {"contracept",
                                        "birth control",
                                        "abstinen",
                                        "barrier method",
                                        "sterilis",
                                        "steriliz",
                                        "intrauterine",
                                        "condom",
                                        "hormonal method",
                                        "tubal ligation",
                                        "donate sperm",
                                        "sperm donation",
                                        "egg donation",
                                        "donate eggs",
                                        "donate ova",
                                        "vasectom"});
    const std::size_t pregnancy_at =
        find_any(t, {"pregnan", "breastfeed", "breast-feed", "lactating", "nursing"});
    const std::size_t contraception_at = find_any(t,
                                                  {"contracept",
                                                   "birth control",
                                                   "abstinen",
                                                   "barrier method",
                                                   "sterilis",
                                                   "steriliz",
                                                   "intrauterine",
                                                   "condom",
                                                   "hormonal method"});
    if (contraception && contraception_at < pregnancy_at &&
        contraception_at < find_any(t, {"pregnancy test", "hcg", "chorionic"})) {
        w.set(CriterionType::administrative);
        w.param("what", std::string{"contraception"});
        return true;
    }
    if (!pregnancy && !test) {
        if (has_any(t,
                    {"childbearing potential",
                     "child-bearing potential",
                     "postmenopausal",
                     "post-menopausal"})) {
            w.set(CriterionType::administrative);
            w.param("what", std::string{"contraception"});
            return true;
        }
        return false;
    }
    w.set(CriterionType::pregnancy);
    if (test) {
        w.param("test", std::string{"negative"});
        for (const auto& duration : w.durations()) {
            w.param("test_within_days", std::round(duration.days));
            break;
        }
    }
    return true;
}

// --- DOMAIN.md §5.5: HLA ---------------------------------------------------------------------
bool recognise_hla(const Work& w) {
    const auto t = w.text;
    if (!has(t, "hla")) {
        return false;
    }
    // An allele in the text: "a*02:01", "a*0201", "a2" is not enough (two fields required).
    std::string allele;
    for (std::size_t star = t.find('*'); star != std::string_view::npos;
         star = t.find('*', star + 1)) {
        std::size_t begin = star;
        while (begin > 0 && std::isalnum(static_cast<unsigned char>(t[begin - 1])) != 0) {
            --begin;
        }
        std::size_t end = star + 1;
        while (end < t.size() &&
               (std::isdigit(static_cast<unsigned char>(t[end])) != 0 || t[end] == ':')) {
            ++end;
        }
        if (const auto normalised = normalise_hla_allele(t.substr(begin, end - begin))) {
            allele = *normalised;
            break;
        }
    }
    if (allele.empty() &&
        !has_any(t, {"hla type", "hla-type", "hla typing", "hla genotype", "hla-a", "hla a"})) {
        return false;
    }
    w.set(CriterionType::hla);
    if (!allele.empty()) {
        w.param("allele", allele);
    }
    return true;
}

// --- §5.7: brain metastases ------------------------------------------------------------------
bool recognise_brain(const Work& w) {
    const auto t = w.text;
    const bool brain = has_any(t,
                               {"brain metast",
                                "brain lesion",
                                "cns metast",
                                "cns disease",
                                "central nervous system metast",
                                "central nervous system (cns) metast",
                                "central nervous system disease",
                                "intracranial",
                                "leptomeningeal",
                                "carcinomatous meningitis",
                                "brain mets",
                                "cns lesion",
                                "metastases to the brain",
                                "metastatic disease to the brain",
                                "cns involvement",
                                "cerebral metast",
                                "spinal cord compression"}) ||
                       (has_any_word(t, {"cns", "brain"}) && has_any(t, {"metasta", "malignan"}));
    if (!brain) {
        return false;
    }
    // "Radiotherapy within 2 weeks (1 week for brain lesions)" is a washout; "Histologically
    // confirmed melanoma with brain metastases" names the disease of a brain-metastasis trial.
    if (has_any(t.substr(0, 40),
                {"radiotherapy", "radiation", "any prior srt", "prior srt", "palliative radio"}) &&
        !w.durations().empty()) {
        return false;
    }
    if (has_any(t.substr(0, 40), {"histolog", "cytolog"}) && has(t, "melanoma")) {
        return false;
    }
    if (t.starts_with("age ") || t.starts_with("aged ")) {
        return false; // "Age >= 18 years at diagnosis of brain metastases"
    }
    w.set(CriterionType::brain_metastases);
    if (has_any(t, {"leptomeningeal", "meningitis", "meningeal"}) || has_word(t, "lmd")) {
        w.param("leptomeningeal", std::string{"excluded"});
    }
    // `allowed`: which brain metastases the trial accepts (docs/criteria.md).
    const bool inclusion = w.criterion.kind == CriterionKind::inclusion;
    // An inclusion that opens with the brain disease and grants nothing ("Newly diagnosed brain
    // metastases from melanoma", "Brain lesion at the location of former brain metastases")
    // asks for it; one that grants ("... are eligible if", "may be included", "must be
    // stable") is a permission.
    std::string_view opening =
        t.substr(std::min(t.size(), t.find_first_not_of(" -*\\.)0123456789")));
    for (const std::string_view lead : {"patients with ",
                                        "participants with ",
                                        "subjects with ",
                                        "presence of ",
                                        "documented ",
                                        "newly diagnosed ",
                                        "radiologically confirmed ",
                                        "confirmed ",
                                        "at least one "}) {
        if (opening.starts_with(lead)) {
            opening.remove_prefix(lead.size());
        }
    }
    bool opens_with_it = false;
    for (const std::string_view subject : {"brain metast",
                                           "brain lesion",
                                           "new brain metast",
                                           "cns metast",
                                           "intracranial metast",
                                           "melanoma brain metast"}) {
        if (opening.starts_with(subject)) {
            // "Brain metastases have been treated", "... are stable": a condition on them.
            std::string_view rest = opening.substr(subject.size());
            rest.remove_prefix(std::min(rest.size(), rest.find(' ')));
            rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(' ')));
            const std::string_view verb = rest.substr(0, rest.find(' '));
            opens_with_it = verb != "have" && verb != "has" && verb != "are" && verb != "is" &&
                            verb != "must" && verb != "should" && verb != "were" && verb != "was" &&
                            verb != "need" && verb != "will";
            break;
        }
    }
    const bool asks_for_it = inclusion && opens_with_it && !negated_statement(t) &&
                             !has_any(t,
                                      {"eligible",
                                       "allowed",
                                       "permitted",
                                       "may ",
                                       "can be",
                                       "acceptable",
                                       "accepted",
                                       "provided",
                                       "unless",
                                       "except",
                                       "as long as",
                                       "must be",
                                       "must have been",
                                       "should be",
                                       " if "});
    if (asks_for_it || (inclusion && has_any(t,
                                             {"at least one",
                                              "measurable",
                                              "untreated",
                                              "not previously treated",
                                              "previously untreated",
                                              "not treated"}))) {
        w.param("allowed", std::string{"active"}); // a trial for brain metastases
    } else if (inclusion && !negated_statement(t) &&
               has_any(t, {"new or progressive", "active brain", "active cns"})) {
        w.param("allowed", std::string{"active"});
    } else if (has_any(t,
                       {"free of neurologic",
                        "neurologically asymptomatic",
                        "without neurologic symptoms",
                        "no neurologic symptoms"}) ||
               (!inclusion && has_word(t, "symptomatic") &&
                !has_any(t.substr(0, t.find("defined as")),
                         {"untreated", "uncontrolled", "active", "progressive", "stable"}))) {
        // "Symptomatic brain metastases" excluded: asymptomatic ones, treated or not, are in.
        w.param("allowed", std::string{"asymptomatic"});
    } else if (has_any(t,
                       {"treated",
                        "stable",
                        "previously irradiated",
                        "exception",
                        "except",
                        "unless",
                        "allowed",
                        "eligible",
                        "permitted"})) {
        w.param("allowed",
                std::string{has(t, "asymptomatic") && !has(t, "treated") ? "asymptomatic"
                                                                         : "treated_stable"});
    } else if (has_any(t, {"asymptomatic"})) {
        w.param("allowed", std::string{"asymptomatic"});
    } else if (has_any(t, {"active", "untreated", "symptomatic", "progressive"})) {
        w.param("allowed", std::string{"treated_stable"});
    } else if (!inclusion) {
        w.param("allowed", std::string{"none"}); // "History of or current CNS metastases"
    }
    // A window belongs to the steroids or to the imaging, whichever was named last before it.
    for (const auto& duration : w.durations()) {
        if (duration.days > 3653) {
            continue; // years are ages or histories, not stability windows
        }
        const auto before = t.substr(0, duration.begin);
        const std::size_t steroid = std::max({before.rfind("steroid"),
                                              before.rfind("dexamethasone"),
                                              before.rfind("prednison"),
                                              before.rfind("glucocorticoid")},
                                             [](std::size_t a, std::size_t b) {
                                                 return (a == std::string_view::npos ? 0 : a + 1) <
                                                        (b == std::string_view::npos ? 0 : b + 1);
                                             });
        const std::size_t stable = std::max({before.rfind("stable"),
                                             before.rfind("stability"),
                                             before.rfind("progression"),
                                             before.rfind("mri"),
                                             before.rfind("imaging"),
                                             before.rfind("treated")},
                                            [](std::size_t a, std::size_t b) {
                                                return (a == std::string_view::npos ? 0 : a + 1) <
                                                       (b == std::string_view::npos ? 0 : b + 1);
                                            });
        const auto rank = [](std::size_t at) {
            return at == std::string_view::npos ? 0 : at + 1;
        };
        if (rank(steroid) > rank(stable)) {
            if (!w.criterion.param("steroid_free_days")) {
                w.param("steroid_free_days", std::round(duration.days));
            }
        } else if (!w.criterion.param("stable_days")) {
            w.param("stable_days", std::round(duration.days));
        }
    }
    return true;
}

// --- §5.9: laboratory values -----------------------------------------------------------------
struct Analyte {
    std::string_view name;
    std::vector<std::string_view> words;
};

const std::vector<Analyte>& analytes() {
    static const std::vector<Analyte> list{
        {"ANC",
         {"anc",
          "absolute neutrophil",
          "neutrophil count",
          "neutrophils",
          "agc",
          "absolute granulocyte"}},
        {"platelets", {"platelet", "plt"}},
        {"haemoglobin", {"hemoglobin", "haemoglobin", "hgb", "hb "}},
        {"WBC", {"wbc", "white blood cell", "leukocyte", "white cell count"}},
        {"lymphocytes", {"lymphocyte count", "absolute lymphocyte", "alc "}},
        {"creatinine_clearance",
         {"creatinine clearance", "crcl", "cr cl", "gfr", "glomerular filtration", "clearance"}},
        {"creatinine", {"creatinine", "serum cr", "scr"}},
        {"direct_bilirubin", {"direct bilirubin", "conjugated bilirubin"}},
        {"bilirubin", {"bilirubin", "tbili", "bili "}},
        {"AST", {"ast", "sgot", "aspartate", "transaminase", "aminotransferase"}},
        {"ALT", {"alt", "sgpt", "alanine"}},
        {"ALP", {"alkaline phosphatase", "alp"}},
        {"albumin", {"albumin"}},
        {"INR", {"inr", "international normalized ratio", "international normalised ratio"}},
        {"aPTT", {"aptt", "ptt", "partial thromboplastin"}},
        {"PT", {"prothrombin time", "pt"}},
        {"LDH", {"ldh", "lactate dehydrogenase"}},
        {"lipase", {"lipase", "amylase"}},
        {"TSH", {"tsh", "thyroid"}},
        {"potassium", {"potassium", "magnesium", "calcium", "electrolyte", "sodium"}},
        {"glucose", {"glucose", "hba1c"}},
        {"troponin", {"troponin"}},
    };
    return list;
}

std::string unit_after(std::string_view text, const Number& number) {
    std::string_view after = text.substr(number.end, 20);
    while (!after.empty() && after.front() == ' ') {
        after.remove_prefix(1);
    }
    std::size_t end = 0;
    while (end < after.size() && after[end] != ' ' && after[end] != ',' && after[end] != ';' &&
           after[end] != ')' && after[end] != '(') {
        ++end;
    }
    std::string unit{after.substr(0, end)};
    if (unit == "x" || unit == "×") {
        // "1.5 x 10^9/l", "100 x 10^3/ul"
        std::string_view rest = after.substr(end);
        while (!rest.empty() && rest.front() == ' ') {
            rest.remove_prefix(1);
        }
        std::size_t stop = 0;
        while (stop < rest.size() && rest[stop] != ' ' && rest[stop] != ',' && rest[stop] != ';' &&
               rest[stop] != ')') {
            ++stop;
        }
        unit = std::string{rest.substr(0, stop)};
    }
    while (!unit.empty() && (unit.back() == '.' || unit.back() == ':')) {
        unit.pop_back();
    }
    return unit;
}

bool recognise_lab(const Work& w) {
    const auto t = w.text;
    if (has_any(t, {"comply", "willing"})) {
        return false; // "comply with visits, laboratory tests" is about the schedule
    }
    std::vector<std::pair<std::size_t, std::string_view>> found; // position, analyte
    for (const auto& analyte : analytes()) {
        std::size_t best = std::string_view::npos;
        for (const auto word : analyte.words) {
            const bool short_word = word.size() <= 4;
            std::size_t at = t.find(word);
            while (at != std::string_view::npos && short_word &&
                   ((at > 0 && std::isalnum(static_cast<unsigned char>(t[at - 1])) != 0) ||
                    (at + word.size() < t.size() &&
                     std::isalpha(static_cast<unsigned char>(t[at + word.size()])) != 0))) {
                at = t.find(word, at + 1);
            }
            best = std::min(best, at);
        }
        if (best != std::string_view::npos) {
            found.emplace_back(best, analyte.name);
        }
    }
    // "creatinine clearance" names one analyte, not creatinine and a clearance.
    found.erase(std::remove_if(found.begin(),
                               found.end(),
                               [&](const auto& f) {
                                   return f.second == "creatinine" &&
                                          (t.substr(f.first).starts_with("creatinine clearance") ||
                                           t.substr(f.first).starts_with("creatinine cl"));
                               }),
                found.end());
    if (found.empty()) {
        return false;
    }
    const auto all_numbers = w.numbers();
    std::sort(found.begin(), found.end());
    // Analytes named together ("AST and ALT <= 2.5 x ULN") share the threshold that follows.
    std::vector<std::string> thresholds;
    std::vector<std::size_t> used;
    for (std::size_t i = 0; i < found.size(); ++i) {
        const std::size_t from = found[i].first;
        for (const auto& number : all_numbers) {
            if (number.begin < from) {
                continue;
            }
            const std::string comparator = comparator_at(t, number);
            if (comparator.empty() || comparator == "=") {
                continue;
            }
            const std::string analyte{found[i].second};
            std::string entry;
            if (is_uln_multiple(t, number)) {
                entry = analyte + " " + comparator + " " + trimmed_number(number.value) + " xULN";
                if (thresholds.empty()) {
                    w.param("analyte", analyte);
                    w.param("comparator", comparator);
                    w.param("uln_multiple", number.value);
                }
            } else {
                std::string unit = unit_after(t, number);
                if (analyte == "haemoglobin" && (unit == "g/d" || unit == "grams/ul")) {
                    unit = "g/dl"; // DOMAIN.md §5.9 typos
                }
                if ((analyte == "bilirubin" || analyte == "creatinine") && unit == "mg/ml") {
                    unit = "mg/dl"; // a serum value in mg/mL is a typo for mg/dL
                }
                double value = number.value;
                std::string engine_unit;
                const bool count = analyte == "ANC" || analyte == "platelets" || analyte == "WBC" ||
                                   analyte == "lymphocytes";
                if (const auto factor = lab_unit_factor(analyte, unit)) {
                    value *= *factor;
                    engine_unit = lab_engine_unit(analyte);
                    if (count && (value < 30 || (analyte == "platelets" && value < 1000))) {
                        value *= 1000; // §5.9 malformed "ANC >= 1.5/mm3", "platelets >= 100/mm3"
                    }
                } else if (analyte == "ANC" || analyte == "platelets" || analyte == "WBC" ||
                           analyte == "lymphocytes") {
                    // §5.9 unit repair: "ANC >= 1.5/mm3" and "platelets >= 100/mm3" mean 10^9/L.
                    if (value < 30 || (analyte == "platelets" && value < 1000)) {
                        value *= 1000;
                    }
                    engine_unit = "/uL";
                } else if (analyte == "INR") {
                    engine_unit = "ratio";
                } else if (!unit.empty() && unit.find_first_of("/%") != std::string::npos) {
                    engine_unit = unit;
                } else if (const auto canonical = lab_engine_unit(analyte); !canonical.empty()) {
                    engine_unit = canonical; // a bare number in the analyte's usual unit
                }
                entry = analyte + " " + comparator + " " + trimmed_number(value) +
                        (engine_unit.empty() ? "" : " " + engine_unit);
                if (thresholds.empty()) {
                    w.param("analyte", analyte);
                    w.param("comparator", comparator);
                    w.param("value", value);
                    if (!engine_unit.empty()) {
                        w.param("unit", engine_unit);
                    }
                }
            }
            thresholds.push_back(entry);
            used.push_back(number.begin);
            break;
        }
    }
    if (thresholds.empty()) {
        return false; // "adequate organ function" alone says nothing checkable
    }
    w.set(CriterionType::lab);
    if (thresholds.size() > 1) {
        w.param("thresholds", thresholds);
    }
    std::string alt;
    if (has_any(t,
                {"liver metast",
                 "hepatic metast",
                 "liver involvement",
                 "liver mets",
                 "hepatic involvement",
                 "metastases to the liver",
                 "liver lesion"})) {
        alt = "liver_metastases";
    }
    if (has(t, "gilbert") && (alt.empty() || found.front().second == "bilirubin")) {
        alt = "gilbert";
    }
    if (!alt.empty()) {
        w.param("alt_condition", alt);
        // The alternative threshold is the one nearest the condition: "(<= 5 x ULN if liver
        // metastases)" or "patients with liver metastasis <= 5 x ULN" or "Gilbert's syndrome,
        // who must have a total bilirubin < 3.0 mg/dL". Failing that, the first multiple of
        // ULN not used by an analyte above.
        const std::size_t alt_at = alt == "gilbert" ? t.find("gilbert")
                                                    : find_any(t,
                                                               {"liver metast",
                                                                "hepatic metast",
                                                                "liver involvement",
                                                                "liver mets",
                                                                "hepatic involvement",
                                                                "metastases to the liver",
                                                                "liver lesion"});
        const Number* nearest = nullptr;
        std::size_t nearest_distance = 0;
        for (const auto& number : all_numbers) {
            const bool uln = is_uln_multiple(t, number);
            const bool mg = has(t.substr(number.end, 8), "mg/dl");
            if (std::find(used.begin(), used.end(), number.begin) != used.end() || (!uln && !mg)) {
                continue;
            }
            std::size_t distance = 0;
            if (number.begin > alt_at) {
                distance = number.begin - alt_at;
                if (distance > 80) {
                    continue;
                }
            } else {
                distance = alt_at - number.end;
                if (distance > 40 || has(t.substr(number.end, distance), ";")) {
                    continue;
                }
            }
            if (nearest == nullptr || distance < nearest_distance) {
                nearest = &number;
                nearest_distance = distance;
            }
        }
        if (nearest != nullptr && !is_uln_multiple(t, *nearest)) {
            w.param("alt_value", nearest->value);
        } else if (nearest != nullptr) {
            w.param("alt_uln_multiple", nearest->value);
        } else {
            for (const auto& number : all_numbers) {
                if (std::find(used.begin(), used.end(), number.begin) == used.end() &&
                    is_uln_multiple(t, number)) {
                    w.param("alt_uln_multiple", number.value);
                    break;
                }
            }
        }
    }
    return true;
}

// --- §5.14: infections ------------------------------------------------------------------------
bool recognise_infection(const Work& w) {
    const auto t = w.text;
    if (has_any(t, {"vaccin", "intercurrent illness"})) {
        return false;
    }
    const bool hiv = has_any_word(t, {"hiv", "aids"}) || has(t, "human immunodeficiency");
    const bool hbv = has_any(t, {"hepatitis b", "hbv", "hbsag", "hbcab", "hep b"});
    const bool hcv = has_any(t,
                             {"hepatitis c",
                              "hcv",
                              "hep c",
                              "hepatitis b or c",
                              "hepatitis b and c",
                              "hepatitis b/c",
                              "hepatitis (b or c)"});
    const bool tb = has_any_word(t, {"tb", "tuberculosis"});
    const bool active = has_any(t,
                                {"active infection",
                                 "uncontrolled infection",
                                 "infection requiring",
                                 "serious infection",
                                 "systemic infection",
                                 "ongoing infection",
                                 "bacterial, viral",
                                 "viral, bacterial",
                                 "infections requiring",
                                 "severe infection",
                                 "covid",
                                 "sars-cov-2",
                                 "herpe",
                                 "infection that",
                                 "infections that",
                                 "antibiotics",
                                 "antibiotic therapy",
                                 "antiviral",
                                 "fungal infection"});
    if (!hiv && !hbv && !hcv && !tb && !active && !has_word(t, "hepatitis")) {
        return false;
    }
    w.set(CriterionType::infection);
    if (hiv) {
        w.list_param("infections", "HIV");
    }
    if (hbv) {
        w.list_param("infections", "HBV");
    }
    if (hcv) {
        w.list_param("infections", "HCV");
    }
    if (tb) {
        w.list_param("infections", "TB");
    }
    const std::size_t except = find_any(t, {"except", "other than"});
    const std::size_t named = find_any(t, {"hiv", "hepatitis", "hbv", "hcv", "tuberculosis"});
    if (active && except != std::string_view::npos && except < named &&
        find_any(t, {"active infection", "infection requiring"}) < except) {
        // "active infection requiring systemic therapy (except HBV, HCV, HIV)": the exceptions
        // are not what the criterion is about.
        w.criterion.params.clear();
        w.list_param("infections", "active_infection");
        return true;
    }
    if (active && !hiv && !hbv && !hcv && !tb) {
        w.list_param("infections", "active_infection");
    }
    if (!hiv && !hbv && !hcv && !tb && !active) {
        w.list_param("infections", "hepatitis");
    }
    if (has_any(t,
                {"undetectable",
                 "antiretroviral",
                 "anti-retroviral",
                 "controlled",
                 "cd4",
                 "viral load",
                 "suppressed"})) {
        w.param("controlled_allowed", true);
    }
    return true;
}

// --- §5.16: transplant ------------------------------------------------------------------------
bool recognise_transplant(const Work& w) {
    const auto t = w.text;
    if (!has_any(t, {"transplant", "allograft", "allogeneic", "allogenic"})) {
        return false;
    }
    w.set(CriterionType::transplant);
    if (has_any(t, {"organ", "kidney", "renal", "liver", "heart", "lung", "corneal"})) {
        w.list_param("types", "solid_organ");
    }
    if (has_any(t,
                {"stem cell",
                 "bone marrow",
                 "hsct",
                 "hematopoietic",
                 "haematopoietic",
                 "allogeneic",
                 "allogenic"})) {
        w.list_param("types", "allogeneic_hsct");
    }
    return true;
}

// --- §5.12: autoimmune disease ----------------------------------------------------------------
bool recognise_autoimmune(const Work& w) {
    const auto t = w.text;
    if (!has_any(t,
                 {"autoimmune",
                  "auto-immune",
                  "inflammatory bowel",
                  "crohn",
                  "ulcerative colitis",
                  "systemic lupus",
                  "lupus erythematosus",
                  "rheumatoid arthritis",
                  "multiple sclerosis",
                  "myasthenia",
                  "vasculitis",
                  "sarcoidosis",
                  "autoimmun",
                  "guillain",
                  "immune-mediated disease",
                  "scleroderma"})) {
        return false;
    }
    // "A condition requiring systemic corticosteroids ... permitted in the absence of active
    // autoimmune disease" is the steroid rule (§5.13); autoimmune disease is its exception.
    const std::size_t steroid_at =
        find_any(t, {"corticosteroid", "steroid", "prednisone", "immunosuppress"});
    if (steroid_at < find_any(t, {"autoimmun", "auto-immune"}) &&
        steroid_at < find_any(t, {"inflammatory bowel", "crohn", "colitis", "lupus"})) {
        return false;
    }
    w.set(CriterionType::autoimmune_disease);
    if (has_any(t, {"active", "requiring", "required", "requires"})) {
        w.param("active", true);
    }
    // "requiring systemic treatment" or immunosuppression: a disease treated topically or not at
    // all does not count.
    if (has_any(t,
                {"requiring systemic",
                 "required systemic",
                 "requires systemic",
                 "needing systemic",
                 "needed systemic",
                 "systemic treatment",
                 "systemic therapy",
                 "immunosuppress", // "requiring management with immunosuppression"
                 "disease-modifying",
                 "disease modifying"})) {
        w.param("systemic_treatment", true);
    }
    for (const auto& duration : w.durations()) {
        w.param("window_days", std::round(duration.days));
        break;
    }
    return true;
}

// --- §5.13: corticosteroids / immunosuppression -----------------------------------------------
bool recognise_steroids(const Work& w) {
    const auto t = w.text;
    if (has_any(t, {"pneumonitis", "interstitial lung"})) {
        return false; // "pneumonitis that required steroids" is about the lung
    }
    int therapies = 0;
    for (const std::string_view other : {"surgery",
                                         "chemotherapy",
                                         "radiation",
                                         "radiotherapy",
                                         "investigational",
                                         "vaccin",
                                         "biologic"}) {
        therapies += has(t, other) ? 1 : 0;
    }
    if (therapies >= 2) {
        return false; // a list of washouts that mentions steroids among others
    }
    if (!has_any(t,
                 {"steroid",
                  "prednisone",
                  "prednisolone",
                  "dexamethasone",
                  "immunosuppress",
                  "immune-suppress",
                  "immune suppress",
                  "glucocorticoid"})) {
        return false;
    }
    w.set(CriterionType::corticosteroids);
    // A dose inside the exceptions ("adrenal replacement is permitted up to prednisone <= 10 mg")
    // is the allowance, not the rule's threshold.
    const std::size_t exception_at = std::min(
        find_any(t, {"exception", "except", "permitted", "allowed", "acceptable"}), t.size());
    for (const auto& number : w.numbers()) {
        const auto after = t.substr(number.end, 6);
        if (!has(after, "mg")) {
            continue;
        }
        const std::string comparator = comparator_at(t, number);
        if (number.begin > exception_at) {
            if (!w.criterion.param("exempt_max_mg_per_day") &&
                (comparator == "<=" || comparator == "<" || comparator.empty())) {
                w.param("exempt_max_mg_per_day", number.value);
            }
            continue;
        }
        if (!w.criterion.param("max_mg_per_day")) {
            w.param("max_mg_per_day", number.value);
            w.param("comparator", comparator.empty() ? std::string{">"} : comparator);
        }
    }
    for (const auto& duration : w.durations()) {
        w.param("window_days", std::round(duration.days));
        break;
    }
    return true;
}

// --- §5.11: immune-related adverse events -----------------------------------------------------
bool recognise_immune_ae(const Work& w) {
    const auto t = w.text;
    if (has(t, "autoimmune disease") ||
        (has_any(t, {"progression", "progressed", "progressive"}) &&
         find_any(t, {"progression", "progressed", "progressive"}) <
             find_any(t, {"toxicit", "adverse", "irae", "intoleran"}))) {
        return false; // autoimmune disease, or "progression (resistance, toxicity) on PD-1"
    }
    const bool immune = has_any(
        t, {"immune-related", "immune related", "irae", "immune-mediated", "immune mediated"});
    const bool adverse = has_any(t,
                                 {"adverse event",
                                  "adverse reaction",
                                  "toxicit",
                                  "irae",
                                  "life-threatening",
                                  "autoimmune manifestation",
                                  "side effect"}) ||
                         has_any_word(t, {"ae", "aes", "trae", "traes"});
    const bool checkpoint = has_any(t,
                                    {"immunotherapy",
                                     "immune therapy",
                                     "checkpoint",
                                     "anti-pd",
                                     "pd-1",
                                     "pd-l1",
                                     "ctla-4",
                                     "ctla4",
                                     "ipilimumab",
                                     "nivolumab",
                                     "pembrolizumab"}) ||
                            has_any_word(t, {"cpi", "ici", "icis", "cpis"});
    if (!(immune && adverse) && !(adverse && checkpoint)) {
        return false;
    }
    if (has_any(t, {"resolved to", "recovered to", "recovered from", "resolution to"}) && !immune &&
        !checkpoint && !has_any(t, {"grade 3", "grade 4", "grade >= 3", "life-threatening"})) {
        return false; // residual toxicity of any prior therapy
    }
    w.set(CriterionType::immune_adverse_event);
    if (has(t, "life-threatening")) {
        w.param("min_grade", 4.0);
    }
    // "Has ongoing immune-related AEs": only those not yet resolved count.
    if (has_any(t.substr(0, std::min<std::size_t>(t.size(), 40)),
                {"ongoing", "unresolved", "active", "current", "persistent"})) {
        w.param("ongoing", true);
    }
    for (const auto& number : w.numbers()) {
        const auto before = t.substr(number.begin >= 9 ? number.begin - 9 : 0,
                                     std::min<std::size_t>(number.begin, 9));
        if ((has(before, "grade") || has(before, "level")) && number.value >= 1 &&
            number.value <= 5) {
            w.param("min_grade", number.value);
            break;
        }
    }
    return true;
}

// --- residual toxicity of prior therapy --------------------------------------------------------
// "Recovered from all prior anticancer therapy toxicities to grade <= 1 (except alopecia)". The
// parameter is the highest residual grade a patient may still have, whichever way the line is
// phrased: "<= grade 1" and "persistent toxicity grade >= 2" both give max_grade 1.
bool recognise_prior_toxicity(const Work& w) {
    const auto t = w.text;
    const std::size_t exception_at =
        std::min(find_any(t, {"except", "other than", "unless", "excluding"}), t.size());
    const auto rule = t.substr(0, exception_at);
    const bool toxicity = has_any(t,
                                  {"toxicit",
                                   "toxic effect",
                                   "adverse event",
                                   "adverse reaction",
                                   "side effect",
                                   "side-effect"}) ||
                          has_any_word(t, {"ae", "aes"});
    const bool recovery = has_any(t, {"recover", "resolved", "resolution", "resolve"});
    const bool residual = has_any(t,
                                  {"residual",
                                   "persistent",
                                   "persisting",
                                   "outstanding",
                                   "ongoing",
                                   "unresolved",
                                   "lingering",
                                   "acute or chronic toxicit"});
    const bool prior = has_any(t, {"prior", "previous", "anti-cancer", "anticancer", "earlier"}) ||
                       has_any(t, {"treatment", "therapy", "therapies"});
    if (!toxicity || !(recovery || residual) || !prior) {
        return false;
    }
    // A washout ("surgery within 14 days, and recovered from it") or an infection with its
    // damage is its own criterion that mentions recovery in passing.
    if (!w.durations().empty() || has_any(rule, {"hepatitis", "hiv", "surgery", "surgical"})) {
        return false;
    }
    // Toxicity of checkpoint inhibitors in particular is an immune AE criterion (§5.12).
    if (has_any(rule,
                {"immune-related",
                 "immune related",
                 "immune-mediated",
                 "irae",
                 "checkpoint",
                 "immunotherapy",
                 "immune therapy",
                 "anti-pd",
                 "pd-1",
                 "ctla"})) {
        return false;
    }
    w.set(CriterionType::prior_toxicity);
    for (const auto& number : w.numbers()) {
        if (number.value < 0 || number.value > 4 || number.value != std::floor(number.value)) {
            continue;
        }
        std::string_view before = t.substr(0, number.begin);
        while (!before.empty() && (before.back() == ' ' || before.back() == '(')) {
            before.remove_suffix(1);
        }
        std::string comparator;
        if (before.ends_with("grade")) {
            comparator = comparator_at(t, Number{number.value, before.size() - 5, number.end});
            if (comparator.empty()) {
                comparator = comparator_at(t, number);
            }
        } else if (has(before.substr(before.size() >= 12 ? before.size() - 12 : 0), "grade")) {
            comparator = comparator_at(t, number);
        } else {
            continue;
        }
        const auto after = t.substr(number.end, 16);
        if (has_any(after, {"or less", "or lower", "or better", "or below", "or baseline"})) {
            comparator = "<=";
        } else if (has_any(after, {"or greater", "or higher", "or more", "or above", "or worse"})) {
            comparator = ">=";
        }
        double max_grade = number.value;
        if (comparator == "<" || comparator == ">=") {
            max_grade = number.value - 1;
        } else if (comparator.empty() && residual && !recovery) {
            max_grade = number.value - 1; // "persistent grade 2 toxicity" excludes grade 2
        }
        w.param("max_grade", std::max(0.0, max_grade));
        break;
    }
    if (!w.criterion.param("max_grade") && has(rule, "baseline")) {
        w.param("max_grade", 0.0);
    }
    const auto exceptions = t.substr(exception_at);
    static const std::vector<std::pair<std::string_view, std::string_view>> exempt{
        {"alopecia", "alopecia"},
        {"vitiligo", "vitiligo"},
        {"neuropathy", "neuropathy"},
        {"endocrin", "endocrinopathy"},
        {"hypothyroid", "endocrinopathy"},
        {"hormone replacement", "endocrinopathy"},
        {"thyroid", "endocrinopathy"},
        {"hypophysitis", "endocrinopathy"},
        {"adrenal", "endocrinopathy"},
        {"fatigue", "fatigue"},
        {"ototoxic", "ototoxicity"},
        {"hearing", "ototoxicity"},
        {"laboratory", "laboratory"},
        {"lab abnormalit", "laboratory"},
        {"skin", "skin"},
        {"anemia", "anaemia"},
        {"anaemia", "anaemia"},
        {"lymphopenia", "lymphopenia"},
    };
    for (const auto& [needle, name] : exempt) {
        if (has(exceptions, needle)) {
            w.list_param("exceptions", std::string{name});
        }
    }
    return true;
}

// --- §5.16: cardiac ---------------------------------------------------------------------------
bool recognise_cardiac(const Work& w) {
    const auto t = w.text;

    struct Named {
        std::string_view condition;
        std::vector<std::string_view> words;
    };

    static const std::vector<Named> kinds{
        {"myocarditis", {"myocarditis"}},
        {"lvef", {"lvef", "ejection fraction"}},
        {"qtc", {"qtc", "qt interval", "qtcf", "long qt"}},
        {"heart_failure", {"heart failure", "nyha", "new york heart"}},
        {"infarction", {"myocardial infarction", "unstable angina", "acute coronary", "angina"}},
        {"arrhythmia", {"arrhythmia", "atrial fibrillation", "dysrhythm"}},
        {"cardiovascular",
         {"cardiovascular",
          "cardiac",
          "stroke",
          "cerebrovascular",
          "transient ischemic",
          "coronary",
          "cardiomyopathy",
          "pericard",
          "myocardial"}},
    };
    for (const auto& kind : kinds) {
        if (has_any(t, kind.words)) {
            w.set(CriterionType::cardiac);
            w.param("condition", std::string{kind.condition});
            if (kind.condition == "lvef" || kind.condition == "qtc") {
                for (const auto& number : w.numbers()) {
                    const std::string comparator = comparator_at(t, number);
                    if (!comparator.empty()) {
                        w.param("comparator", comparator);
                        w.param("value", number.value);
                        break;
                    }
                }
            }
            return true;
        }
    }
    return false;
}

// --- hypersensitivity -------------------------------------------------------------------------
bool recognise_hypersensitivity(const Work& w) {
    const auto t = w.text;
    if (!has_any(t,
                 {"hypersensitiv",
                  "allerg",
                  "anaphyla",
                  "intolerance to",
                  "contraindication to",
                  "contraindications to",
                  "contra-indication",
                  "intolerant to"})) {
        return false;
    }
    // "Unresponsive or intolerant to all standard of care" is about prior treatment failing, not
    // an allergy.
    if (!has_any(t, {"hypersensitiv", "allerg", "anaphyla"}) && has_any(t,
                                                                        {"standard of care",
                                                                         "standard therap",
                                                                         "standard treatment",
                                                                         "unresponsive",
                                                                         "refractory",
                                                                         "all available"})) {
        return false;
    }
    w.set(CriterionType::hypersensitivity);
    if (has_any(t, {"contrast", "iodine", "gadolinium", "latex", "food"})) {
        w.param("to", std::string{"other"});
    } else {
        w.param("to", std::string{"study_drug"});
    }
    return true;
}

// --- §5.15: other malignancies ----------------------------------------------------------------
bool recognise_other_malignancy(const Work& w) {
    const auto t = w.text;
    const bool other = has_any(
        t,
        {"other malignan",       "another malignan",    "additional malignan",   "second malignan",
         "prior malignan",       "concurrent malignan", "second primary",        "other primary",
         "other cancer",         "another cancer",      "other invasive",        "prior invasive",
         "previous malignan",    "history of malignan", "other active malignan", "another primary",
         "concomitant malignan", "other tumor",         "other tumour",          "second cancer",
         "synchronous",          "secondary malignan",  "additional primary",    "other neoplas",
         "history of cancer",    "prior cancer",        "previous cancer",       "active malignan",
         "concurrent active"});
    if (!other) {
        return false;
    }
    w.set(CriterionType::other_malignancy);
    for (const auto& duration : w.durations()) {
        w.param("window_days", std::round(duration.days));
        break;
    }
    std::vector<std::string> exceptions;
    if (has_any(t, {"basal cell", "basal-cell"})) {
        exceptions.emplace_back("basal_cell_skin");
    }
    if (has_any(t,
                {"squamous cell carcinoma of the skin",
                 "squamous cell skin",
                 "cutaneous squamous",
                 "squamous cell carcinoma of skin",
                 "skin cancer"})) {
        exceptions.emplace_back("squamous_cell_skin");
    }
    if (has_any(t, {"in situ", "in-situ"})) {
        exceptions.emplace_back("carcinoma_in_situ");
    }
    if (has(t, "prostate")) {
        exceptions.emplace_back("prostate_low_risk");
    }
    if (!exceptions.empty()) {
        w.param("exceptions", exceptions);
    }
    return true;
}

// --- §5.10: washouts --------------------------------------------------------------------------
bool recognise_washout(const Work& w) {
    const auto t = w.text;
    // No washout runs for years; "patients >= 18 years" is an age.
    std::vector<Duration> spans;
    for (const auto& span : w.durations()) {
        if (span.days <= 3653) {
            spans.push_back(span);
        }
    }
    if (spans.empty()) {
        return false;
    }
    const bool timing = has_any(t,
                                {"prior to",
                                 "before",
                                 "within",
                                 "since",
                                 "of the first dose",
                                 "of first dose",
                                 "from the last",
                                 "washout",
                                 "wash-out",
                                 "elapsed",
                                 "at least",
                                 "after",
                                 "preceding",
                                 "in the last",
                                 "in the past"});
    const bool compared = std::any_of(
        spans.begin(), spans.end(), [](const Duration& d) { return !d.comparator.empty(); });
    if (!timing && !compared) {
        return false;
    }
    // A window measured from the start of a therapy ("randomized within 16 weeks from initiation
    // of PD-1", "receiving immunotherapy for at least one month", "0-1 line of prior therapy")
    // is about the therapy itself, not a gap to wait out before the study.
    if (has_any(t,
                {"of starting",
                 "after starting",
                 "since starting",
                 "of initiation",
                 "from initiation",
                 "after initiation",
                 "since initiation",
                 "of initiating",
                 "of beginning",
                 "from the start of",
                 "plan to continue",
                 "planned to continue",
                 "for at least",
                 "for a minimum of",
                 "line of",
                 "lines of"}) &&
        !has_any(t,
                 {"prior to",
                  "before",
                  "of the first dose",
                  "of first dose",
                  "washout",
                  "wash-out",
                  "from the last",
                  "since the last",
                  "since last",
                  "last dose",
                  "elapsed",
                  // "within 14 days of initiating study drug" counts back from the study
                  "study drug",
                  "study treatment",
                  "study therapy",
                  "study intervention",
                  "investigational product",
                  "enrollment",
                  "enrolment",
                  "registration",
                  "randomization",
                  "randomisation",
                  "day 1",
                  "cycle 1"})) {
        return false;
    }

    // The therapy named first decides ("chemotherapy or other systemic therapy, or
    // investigational agents within 21 days" is a systemic washout).
    struct Kind {
        std::string_view therapy;
        std::vector<std::string_view> words;
    };

    static const std::vector<Kind> kinds{
        {"live_vaccine", {"live vaccine", "live attenuated", "live-attenuated", "vaccin"}},
        {"radiotherapy",
         {"radiation",
          "radiotherapy",
          "radiosurgery",
          "irradiation",
          "sbrt",
          "srs",
          "srt",
          "gamma knife"}},
        {"surgery", {"major surgery", "surgery", "surgical", "major operation"}},
        {"investigational",
         {"investigational",
          "study drug",
          "clinical trial",
          "experimental",
          "study device",
          "interventional study"}},
        {"systemic",
         {"chemotherapy",
          "anticancer",
          "anti-cancer",
          "systemic therapy",
          "systemic treatment",
          "immunotherapy",
          "targeted therapy",
          "biologic",
          "monoclonal",
          "antibod",
          "cancer therapy",
          "tumor therapy",
          "antineoplastic",
          "anti-neoplastic",
          "kinase inhibitor",
          "hormonal therapy",
          "treatment for cancer",
          "cancer treatment",
          "anti-tumor",
          "antitumor",
          "small molecule",
          "checkpoint",
          "prior therapy",
          "prior treatment",
          "cytotoxic",
          "interleukin",
          "interferon",
          "cytokine",
          "tki",
          "nitrosourea",
          "mitomycin",
          "endocrine therapy",
          "growth factor",
          "anti-pd",
          "pd-1",
          "ctla-4",
          "systemic"}},
        {"antibiotics", {"antibiotic"}},
        {"other",
         {"received", "use of", "treatment with", "therapy with", "administration of", "dose of"}},
    };
    std::string therapy;
    std::size_t first = std::string_view::npos;
    for (const auto& kind : kinds) {
        for (const auto word : kind.words) {
            std::size_t at = t.find(word);
            if (word.size() <= 3) {
                while (at != std::string_view::npos &&
                       ((at > 0 && std::isalnum(static_cast<unsigned char>(t[at - 1])) != 0) ||
                        (at + word.size() < t.size() &&
                         std::isalnum(static_cast<unsigned char>(t[at + word.size()])) != 0))) {
                    at = t.find(word, at + 1);
                }
            }
            // "except minor surgery" does not name the washout's therapy.
            if (at != std::string_view::npos && at < first &&
                !(kind.therapy == "surgery" &&
                  has(t.substr(at >= 12 ? at - 12 : 0, std::min<std::size_t>(at, 12)), "except"))) {
                if (kind.therapy != "other" || therapy.empty()) {
                    first = at;
                    therapy = kind.therapy;
                }
            }
        }
        if (kind.therapy == "antibiotics" && !therapy.empty()) {
            break; // "other" only when nothing more specific is named
        }
    }
    if (therapy.empty()) {
        return false;
    }
    if (has_any(t, {"clinical trial", "clinical study", "investigational"}) &&
        has_any(t, {"participated in", "participation in", "participating in", "enrolled in"})) {
        therapy = "investigational";
        first = 0;
    }
    if (const std::size_t pd1 = find_any(t, {"pd-1", "pd1", "anti-pd", "pd-(l)1"}); pd1 < first) {
        therapy = has_any(t, {"ctla-4", "ctla4", "cytotoxic t-lymphocyte"})
                      ? "immune_checkpoint_inhibitor"
                  : has_any(t, {"pd-l1", "pdl1", "pd-(l)1"}) ? "anti_pd_l1_pathway"
                                                             : "anti_pd1";
        first = pd1;
    }
    // A drug or class named before the generic word is the washout's subject (§5.10:
    // "last anti-PD-(L)1 >= 28 days").
    for (const auto& mention : w.mentions()) {
        if (mention.begin <= first) {
            therapy = w.concepts.id(mention.concept_id);
        }
        break;
    }
    w.set(CriterionType::washout);
    w.param("therapy", therapy);
    w.param("min_days", std::round(spans.front().days));
    w.param("min_text", spans.front().text);
    if (has(t, "half-li") || has(t, "half li")) {
        for (const auto& number : w.numbers()) {
            if (has(t.substr(number.end, 12), "half")) {
                w.param("half_lives", number.value);
            }
        }
        for (const auto& [word, value] :
             std::initializer_list<std::pair<std::string_view, double>>{{"two half", 2},
                                                                        {"three half", 3},
                                                                        {"four half", 4},
                                                                        {"five half", 5},
                                                                        {"seven half", 7},
                                                                        {"ten half", 10}}) {
            if (has(t, word)) {
                w.param("half_lives", value);
            }
        }
        if (has(t, "whichever is longer") || has(t, "whichever is greater")) {
            w.param("rule", std::string{"longer"});
        } else if (has(t, "whichever is shorter") || has(t, "whichever is less")) {
            w.param("rule", std::string{"shorter"});
        }
    }
    return true;
}

// --- concept mentions: drug classes and drugs -------------------------------------------------
std::vector<std::string> therapy_concepts(const Work& w) {
    std::vector<std::string> ids;
    for (const auto& mention : w.mentions()) {
        const std::string& id = w.concepts.id(mention.concept_id);
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
            ids.push_back(id);
        }
    }
    // Pattern-only class phrases the vocabulary does not hold as names.
    const auto t = w.text;
    // "BRAF or MEK inhibitor", "BRAF and/or MEK inhibitors": both classes.
    if (has_any(t,
                {"braf or mek inhibitor",
                 "braf and/or mek inhibitor",
                 "braf and mek inhibitor",
                 "braf/mek inhibitor",
                 "braf and/or a mek inhibitor",
                 "braf or a mek inhibitor"})) {
        for (const char* id : {"braf_inhibitor", "mek_inhibitor"}) {
            if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
                ids.emplace_back(id);
            }
        }
        ids.erase(std::remove(ids.begin(), ids.end(), "mapk_pathway_inhibitor"), ids.end());
    }
    // "anti-PD-1/ PD-L1inhibitor" and the like escape the lexicon's word boundaries; they are
    // the subject of the sentence when written, so they come first.
    const auto put_first = [&](const char* id) {
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
            ids.insert(ids.begin(), id);
        }
    };
    const bool pd1 =
        has_any(t,
                {"anti-pd-1", "anti-pd1", "pd-1 inhibitor", "pd-1 blocking", "anti-programmed"}) ||
        has_any_word(t, {"pd-1", "pd1"});
    const bool pdl1 = has_any(t, {"pd-l1", "pdl1", "pd-(l)1", "pd(l)1"});
    if (pd1 && pdl1) {
        put_first("anti_pd_l1_pathway");
    } else if (pd1) {
        put_first("anti_pd1");
    }
    return ids;
}

bool is_pd1_family(const ConceptGraph& graph, const std::string& id) {
    return graph.is_a(id, "anti_pd_l1_pathway") || id == "immune_checkpoint_inhibitor" ||
           id == "immunotherapy";
}

// --- §5.1: progression on prior anti-PD-(L)1 --------------------------------------------------
bool recognise_progression(const Work& w) {
    const auto t = w.text;
    if (!has_any(t,
                 {"continued for",
                  "progress",
                  "refractory",
                  "resistan",
                  "relapse",
                  "recur",
                  "failure",
                  "failed",
                  "pd on",
                  "pd after",
                  "pd while",
                  "disease progression"})) {
        return false;
    }
    const auto ids = therapy_concepts(w);
    // The most specific checkpoint class named: anti-PD-1 / anti-PD-L1 / anti-PD-(L)1 over
    // "checkpoint inhibitor" over "immunotherapy"; a drug names its class.
    std::string agent_class;
    int best = 0;
    for (const auto& id : ids) {
        if (!is_pd1_family(w.concepts, id)) {
            continue;
        }
        const int rank = id == "immunotherapy"                 ? 1
                         : id == "immune_checkpoint_inhibitor" ? 2
                         : id == "anti_pd_l1_pathway"          ? 4
                                                               : 3;
        std::string named = id;
        if (w.concepts.is_a(id, "anti_pd1") && id != "anti_pd1") {
            named = "anti_pd1";
        } else if (w.concepts.is_a(id, "anti_pdl1") && id != "anti_pdl1") {
            named = "anti_pdl1";
        }
        if (rank > best) {
            best = rank;
            agent_class = named;
        }
    }
    if (agent_class.empty()) {
        // "RECIST 1.1 defined progression on single-agent tebentafusp": progression on one
        // named drug of another family is the same kind of rule, judged on that drug's lines.
        const auto only = ids.size() == 1 ? w.concepts.find(ids.front()) : std::nullopt;
        // Not when the progression is an exception to a rule about other treatment ("no
        // previous treatment, except patients with progression on tebentafusp").
        if (only && w.concepts.kind(*only) == ConceptKind::drug && !negated_statement(t) &&
            !has_any(t, {"except", "unless", "other than"}) &&
            has_any(t,
                    {"progression on",
                     "progressed on",
                     "progressing on",
                     "progression while on",
                     "progression during"})) {
            agent_class = ids.front();
        } else {
            return false;
        }
    }
    if ((agent_class == "anti_pd1" || agent_class == "immune_checkpoint_inhibitor") &&
        has_any(t, {"pd-l1", "pdl1", "pd-(l)1", "pd(l)1"}) && has_any(t, {"pd-1", "pd1"})) {
        agent_class = "anti_pd_l1_pathway"; // "PD-1 or PD-L1", "anti-PD1/PDL1"
    }
    w.set(CriterionType::prior_therapy_progression);
    w.param("agent_class", agent_class);
    for (const auto& duration : w.durations()) {
        const auto before = t.substr(0, duration.begin);
        const auto near = before.substr(before.size() >= 45 ? before.size() - 45 : 0);
        const auto after = t.substr(duration.end, 40);
        if (has_any(near, {"within", "no more than", "no later than", "up to"}) &&
            has_any(after,
                    {"last dose",
                     "last administration",
                     "discontinu",
                     "completion",
                     "stopping",
                     "final dose",
                     "of the last",
                     "after the last",
                     "cessation",
                     "end of"})) {
            if (has_any(after, {"adjuvant"}) || has(near, "adjuvant")) {
                w.param("adjuvant_window_days", std::round(duration.days));
            } else {
                w.param("max_gap_days", std::round(duration.days));
            }
        } else if (has_any(near, {"more than", "longer than"}) &&
                   has_any(after.substr(0, 25), {"initiation", "start of", "first dose"}) &&
                   !w.criterion.param("min_exposure_days")) {
            // "first progression more than (>) 84 days following initiation"
            w.param("min_exposure_days", std::round(duration.days));
        } else if (has_any(near, {"at least", "minimum", ">=", "for >", "of >"}) &&
                   !w.criterion.param("min_exposure_days") &&
                   !has_any(after,
                            {"apart",
                             "later",
                             "after the first",
                             "from the date",
                             "after initial",
                             "after the initial"})) {
            w.param("min_exposure_days", std::round(duration.days));
        } else if (has_any(after,
                           {"apart",
                            "later",
                            "after the first",
                            "from the date",
                            "after initial",
                            "after the initial",
                            "after first"}) ||
                   has_any(near, {"confirm", "second"})) {
            w.param("confirmation_min_days", std::round(duration.days));
        } else if (has_any(near, {"within"})) {
            w.param("max_gap_days", std::round(duration.days));
        }
    }
    for (const auto& number : w.numbers()) {
        const auto after = t.substr(number.end, 12);
        if (has_any(after, {" dose", " infusion", " administration"})) {
            w.param("min_doses", number.value);
        } else if (has(after, " cycle")) {
            w.param("min_cycles", number.value);
        }
    }
    for (const auto& [word, value] : std::initializer_list<std::pair<std::string_view, double>>{
             {"one", 1}, {"two", 2}, {"three", 3}, {"four", 4}, {"five", 5}, {"six", 6}}) {
        const std::string phrase{word};
        if (!w.criterion.param("min_doses") &&
            (has(t, phrase + " dose") || has(t, phrase + " infusion"))) {
            w.param("min_doses", value);
        }
        if (!w.criterion.param("min_cycles") && has(t, phrase + " cycle")) {
            w.param("min_cycles", value);
        }
    }
    // "at least 12 weeks or a minimum of 2 doses": either exposure suffices (DOMAIN.md §5.1).
    if (w.criterion.param("min_exposure_days") &&
        (w.criterion.param("min_doses") || w.criterion.param("min_cycles")) &&
        has_any(t,
                {"weeks or",
                 "weeks, or",
                 "doses or",
                 "doses, or",
                 "cycles or",
                 "cycles, or",
                 "or a minimum of",
                 "or at least",
                 "or minimum of",
                 "or >="})) {
        w.param("exposure_either", true);
    }
    if (has_any(t, {"confirm"})) {
        w.param("confirmation_required", true);
    }
    if (has_any(t,
                {"most recent",
                 "last line",
                 "immediately prior",
                 "immediate prior",
                 "immediately preceding",
                 "latest line",
                 "last prior",
                 "last treatment"})) {
        w.param("most_recent_line", true);
    }
    if (has(t, "adjuvant")) {
        w.param("setting",
                std::string{has_any(t, {"metastatic", "advanced", "unresectable"}) ? "any"
                                                                                   : "adjuvant"});
    }
    return true;
}

// --- §5.2: prior lines ------------------------------------------------------------------------
bool recognise_prior_lines(const Work& w) {
    const auto t = w.text;
    if (!has_any(t,
                 {"line of",
                  "lines of",
                  "prior regimen",
                  "previous regimen",
                  "prior systemic regimen",
                  "lines of therapy",
                  "line therapy",
                  "prior therapies",
                  "regimens"})) {
        return false;
    }
    if (!has_any(t, {"line", "regimen"})) {
        return false;
    }
    for (const auto& id : therapy_concepts(w)) {
        if (id != "chemotherapy" && id != "immunotherapy") {
            return false; // "at least 1 line of BRAF inhibitor": a prior-therapy requirement
        }
    }
    if (has(t, "immunotherapy")) {
        return false;
    }
    static constexpr std::pair<std::string_view, double> word_numbers[] = {
        {"one", 1}, {"two", 2}, {"three", 3}, {"four", 4}, {"five", 5}};
    std::optional<double> count;
    std::string comparator;
    for (const auto& number : w.numbers()) {
        if (number.value <= 10 && has_any(t.substr(number.end, 30), {"line", "regimen", "prior"})) {
            count = number.value;
            comparator = comparator_at(t, number);
            break;
        }
    }
    if (!count) {
        for (const auto& [word, value] : word_numbers) {
            const std::size_t at = t.find(std::string{word} + " ");
            if (at != std::string_view::npos && has_any(t.substr(at, 40), {"line", "regimen"})) {
                count = value;
                comparator = comparator_at(t, Number{value, at, at + word.size()});
                break;
            }
        }
    }
    if (!count &&
        has_any(t, {"prior lines", "previous lines", "prior line of", "line of therapy"}) &&
        (w.criterion.kind == CriterionKind::exclusion ||
         has_any(t, {"not eligible", "no prior"}))) {
        w.set(CriterionType::prior_lines);
        w.param("max_lines", 0.0);
        return true;
    }
    if (!count) {
        return false;
    }
    w.set(CriterionType::prior_lines);
    if (comparator == ">=" || comparator == ">" || has_any(t, {"or more", "at least"})) {
        w.param("min_lines", comparator == ">" ? *count + 1 : *count);
    } else {
        w.param("max_lines", comparator == "<" ? *count - 1 : *count);
    }
    return true;
}

// --- §5.2/§5.3: prior therapy required / excluded ---------------------------------------------
bool recognise_prior_therapy(const Work& w) {
    const auto t = w.text;
    const bool treated = has_any(t,
                                 {"prior",
                                  "previous",
                                  "previously",
                                  "received",
                                  "treated with",
                                  "treatment with",
                                  "therapy with",
                                  "exposure to",
                                  "naive",
                                  "naïve",
                                  "pretreated",
                                  "pre-treated",
                                  "history of",
                                  "completed",
                                  "course of",
                                  "exposed to",
                                  "receiving"});
    if (!treated) {
        return false;
    }
    // "At least 1 measurable lesion that has not received prior irradiation" is about the lesion.
    if (has_any(t, {"measurable lesion", "measurable disease"})) {
        return false;
    }
    // A reaction to a drug is a hypersensitivity or an adverse event; antivirals and the like are
    // not cancer therapy.
    if (has_any(t,
                {"reaction to",
                 "hypersensitivity",
                 "allerg",
                 "anti-hsv",
                 "antiviral",
                 "antibiotic",
                 "anticoagul",
                 "antiretroviral"})) {
        return false;
    }
    // "be eligible for standard therapy with pembrolizumab" is about the future.
    if (!has_any(t, {"prior", "previous", "received", "receiving", "exposure", "exposed"}) &&
        has_any(t, {"eligible for", "candidate for", "candidates for", "eligible to receive"})) {
        return false;
    }
    auto ids = therapy_concepts(w);
    // "investigational product ... with the exception of anti-PD-1/PD-L1 agents": the excepted
    // drugs are not the rule's drugs.
    const std::size_t exception_at =
        std::min(find_any(t, {"exception of", "except ", "other than "}), t.size());
    if (exception_at < t.size()) {
        std::vector<std::string> before;
        for (const auto& mention : w.mentions()) {
            if (mention.begin < exception_at) {
                before.push_back(w.concepts.id(mention.concept_id));
            }
        }
        const auto excepted = [&](const std::string& id) {
            return std::find(before.begin(), before.end(), id) == before.end() &&
                   w.concepts.find(id).has_value() &&
                   std::any_of(w.mentions().begin(), w.mentions().end(), [&](const auto& m) {
                       return w.concepts.id(m.concept_id) == id;
                   });
        };
        ids.erase(std::remove_if(ids.begin(), ids.end(), excepted), ids.end());
    }
    const bool generic = has_any(t,
                                 {"systemic therapy",
                                  "systemic treatment",
                                  "chemotherapy",
                                  "anticancer therapy",
                                  "anti-cancer therapy",
                                  "immunotherapy",
                                  "targeted therapy",
                                  "systemic anticancer",
                                  "treatment for metastatic",
                                  "therapy for metastatic",
                                  "treatment for advanced",
                                  "therapy for advanced",
                                  "treatment-naive",
                                  "treatment naive",
                                  "radiotherapy",
                                  "radiation"});
    if (ids.empty() && !generic) {
        return false;
    }
    const bool advanced =
        has_any(t, {"metastatic", "advanced", "unresectable"}) && !has(t, "adjuvant");
    const bool generic_only = std::all_of(ids.begin(), ids.end(), [](const std::string& id) {
        return id == "chemotherapy" || id == "immunotherapy" || id == "targeted_therapy" ||
               id == "immune_checkpoint_inhibitor";
    });
    if (generic_only && advanced && has_any(t, {"systemic", "anticancer", "anti-cancer"}) &&
        (w.criterion.kind == CriterionKind::exclusion || negated_statement(t))) {
        // "No prior systemic therapy for metastatic disease": a first-line trial (§5.2).
        w.set(CriterionType::prior_lines);
        w.param("max_lines", 0.0);
        w.param("setting", std::string{"advanced"});
        return true;
    }
    w.set(CriterionType::prior_therapy);
    if (ids.empty()) {
        ids.emplace_back(has_any(t, {"radiotherapy", "radiation"}) ? "radiotherapy"
                         : has(t, "chemotherapy")                  ? "chemotherapy"
                         : has(t, "immunotherapy")                 ? "immunotherapy"
                                                                   : "systemic");
    }
    w.param("agents", ids);
    const bool either_way =
        has_any(t, {"or have received", "or received", "or previously treated", "or pretreated"});
    if (either_way || has_any(t, {"can also be", "may also be", "also eligible"})) {
        w.param("mode", std::string{"allowed"}); // "treatment naive or have received prior ..."
    } else if (has_any(t,
                       {"naive",
                        "naïve",
                        "no prior",
                        "not received",
                        "not have received",
                        "no previous"})) {
        w.param("mode", std::string{"excluded"});
    } else if (w.criterion.kind == CriterionKind::exclusion) {
        w.param("mode", std::string{"excluded"});
    } else if (has_any(t, {"allowed", "permitted", "eligible", "acceptable", "may have"})) {
        w.param("mode", std::string{"allowed"});
    } else {
        w.param("mode", std::string{"required"});
    }
    if (has(t, "adjuvant") && !has_any(t, {"metastatic", "advanced", "unresectable"})) {
        w.param("setting", std::string{"adjuvant"});
    } else if (has_any(t, {"metastatic", "advanced", "unresectable"})) {
        w.param("setting", std::string{"advanced"});
    }
    return true;
}

// --- §5.3: biomarkers -------------------------------------------------------------------------
bool recognise_biomarker(const Work& w) {
    const auto t = w.text;

    struct Marker {
        std::string_view name;
        std::vector<std::string_view> words;
    };

    static const std::vector<Marker> markers{
        {"BRAF", {"braf", "v600"}},
        {"NRAS", {"nras"}},
        {"KIT", {"c-kit", "kit mut", "kit-mut"}},
        {"NF1", {"nf1"}},
        {"PD-L1",
         {"pd-l1 expression",
          "pd-l1 tps",
          "pd-l1 positive",
          "pd-l1 status",
          "pd-l1 cps",
          "pd-l1 negative",
          "tumor proportion score",
          "combined positive score"}},
        {"GNAQ", {"gnaq", "gna11"}},
        {"TMB", {"tumor mutational burden", "tmb"}},
        {"MSI", {"msi-h", "microsatellite", "dmmr", "mismatch repair"}},
        {"HER2", {"her2", "erbb2"}},
        {"EGFR", {"egfr"}},
        {"ALK", {"alk rearrang", "alk-positive", "alk fusion", "alk positive"}},
        {"KRAS", {"kras"}},
        {"NTRK", {"ntrk"}},
        {"PRAME", {"prame"}},
        {"MAGE", {"mage-a4", "mage a4"}},
        {"NY-ESO-1", {"ny-eso"}},
        {"ROS1", {"ros1"}},
        {"BRCA", {"brca"}},
        {"IDH", {"idh1", "idh2"}},
        {"FGFR", {"fgfr"}},
        {"MET", {"met exon", "met amplification"}},
        {"RET", {"ret fusion", "ret mutation", "ret-"}},
        {"PIK3CA", {"pik3ca"}},
        {"gp100", {"gp100"}},
        {"CLDN", {"claudin"}},
    };
    for (const auto& marker : markers) {
        if (!has_any(t, marker.words)) {
            continue;
        }
        w.set(CriterionType::biomarker);
        w.param("marker", std::string{marker.name});
        std::string status;
        if (marker.name == "BRAF") {
            if (has(t, "v600e") && !has(t, "v600k")) {
                status = "V600E";
            } else if (has_any(t, {"wild-type", "wild type", "wildtype", "negative", "without"})) {
                status = "wild_type";
            } else if (has_any(t, {"status", "known", "testing", "tested"}) &&
                       !has_any(t,
                                {"mutant",
                                 "mutated",
                                 "mutation-positive",
                                 "positive",
                                 "harbor",
                                 "harbour"}) &&
                       // "known activating BRAF mutation" names a mutation, not a test result
                       (has_any(t, {"status", "testing", "tested"}) ||
                        !has_any(t, {"mutation", "activating", "alteration"}))) {
                status = "known";
            } else {
                status = "V600";
            }
        } else if (has_any(t, {"wild-type", "wild type", "wildtype"})) {
            status = "wild_type";
        } else if (has_any(t, {"negative"})) {
            status = "negative";
        } else if (has_any(t,
                           {"mutation",
                            "mutant",
                            "mutated",
                            "altered",
                            "alteration",
                            "amplif",
                            "fusion",
                            "rearrang"})) {
            status = "mutant";
        } else if (has_any(t, {"positive", "expression", ">="})) {
            status = "positive";
        } else if (has_any(t, {"status", "known", "test"})) {
            status = "known";
        }
        if (!status.empty()) {
            w.param("status", status);
        }
        return true;
    }
    return false;
}

// --- §5.6: measurable disease -----------------------------------------------------------------
bool recognise_measurable(const Work& w) {
    const auto t = w.text;
    if (!has_any(t,
                 {"measurable",
                  "recist",
                  "evaluable disease",
                  "irecist",
                  "irrc",
                  "rano",
                  "lugano",
                  "target lesion",
                  "injectable lesion",
                  "measurable lesion",
                  "biopsiable",
                  "accessible lesion",
                  "amenable to biopsy",
                  "tumor lesion"})) {
        return false;
    }
    if (has_any(t, {"biopsy", "biopsiable", "tissue"}) && !has_any(t, {"measurable", "recist"})) {
        w.set(CriterionType::administrative);
        w.param("what", std::string{"tissue"});
        return true;
    }
    w.set(CriterionType::measurable_disease);
    if (has(t, "irecist")) {
        w.param("standard", std::string{"iRECIST"});
    } else if (has(t, "recist")) {
        w.param("standard", std::string{"RECIST 1.1"});
    } else if (has(t, "irrc")) {
        w.param("standard", std::string{"irRC"});
    } else if (has(t, "rano")) {
        w.param("standard", std::string{"RANO"});
    }
    for (const auto& number : w.numbers()) {
        const auto after = t.substr(number.end, 4);
        if (has(after, "mm") || has(after, "cm")) {
            w.param("min_size_mm", has(after, "cm") ? number.value * 10 : number.value);
            break;
        }
    }
    return true;
}

// AJCC stage groups after the word "stage": roman or arabic numerals with a sub-group letter,
// in lists joined by commas, "or", "and", "to", "-".
struct AjccStages {
    std::string_view text;

    template <typename Add>
    bool read(Add&& add) const {
        bool any = false;
        for (std::size_t at = text.find("stage "); at != std::string_view::npos;
             at = text.find("stage ", at + 6)) {
            std::size_t i = at + 6;
            while (i < text.size()) {
                std::size_t end = i;
                while (end < text.size() &&
                       std::isalnum(static_cast<unsigned char>(text[end])) != 0) {
                    ++end;
                }
                const std::string_view word = text.substr(i, end - i);
                std::string group;
                std::string_view numeral = word;
                std::string_view letter;
                if (!word.empty() && word.back() >= 'a' && word.back() <= 'd' && word.size() > 1) {
                    numeral = word.substr(0, word.size() - 1);
                    letter = word.substr(word.size() - 1);
                }
                if (numeral == "i" || numeral == "1") {
                    group = "I";
                } else if (numeral == "ii" || numeral == "2") {
                    group = "II";
                } else if (numeral == "iii" || numeral == "3") {
                    group = "III";
                } else if (numeral == "iv" || numeral == "4") {
                    group = "IV";
                } else if (numeral == "0") {
                    group = "0";
                } else {
                    break;
                }
                for (const char c : letter) {
                    group += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                }
                add(group);
                any = true;
                // Skip the joiner to the next group, if any.
                std::size_t next = end;
                while (next < text.size() && (text[next] == ' ' || text[next] == ',' ||
                                              text[next] == '/' || text[next] == '-')) {
                    ++next;
                }
                for (const std::string_view joiner : {"or ", "and ", "to ", "through "}) {
                    if (text.substr(next).starts_with(joiner)) {
                        next += joiner.size();
                    }
                }
                if (next == end) {
                    break;
                }
                i = next;
            }
        }
        return any;
    }
};

// --- §5.4: condition and stage ----------------------------------------------------------------
bool recognise_condition(const Work& w) {
    const auto t = w.text;
    // "metastatic UM": the usual abbreviation of uveal melanoma, as a word of its own.
    bool uveal_abbreviation = false;
    for (std::size_t at = t.find("um"); at != std::string_view::npos; at = t.find("um", at + 1)) {
        const bool starts = at == 0 || std::isalpha(static_cast<unsigned char>(t[at - 1])) == 0;
        const bool ends =
            at + 2 == t.size() || std::isalpha(static_cast<unsigned char>(t[at + 2])) == 0;
        uveal_abbreviation = uveal_abbreviation || (starts && ends);
    }
    const bool disease =
        uveal_abbreviation ||
        has_any(t, {"melanoma",  "carcinoma", "cancer",  "tumor",        "tumour",
                    "neoplasm",  "malignan",  "sarcoma", "lymphoma",     "leukemia",
                    "leukaemia", "myeloma",   "glioma",  "glioblastoma", "mesothelioma",
                    "nsclc",     "sclc",      "hcc",     "rcc",          "disease"});
    const bool stage = has_any(t,
                               {"stage ",
                                "unresectable",
                                "metastatic",
                                "advanced",
                                "locally advanced",
                                "inoperable",
                                "recurrent",
                                "m1",
                                "m0"});
    if (!disease && !stage) {
        return false;
    }
    const bool confirmed = has_any(t,
                                   {"histolog",
                                    "cytolog",
                                    "patholog",
                                    "biopsy-proven",
                                    "biopsy proven",
                                    "confirmed",
                                    "documented",
                                    "diagnosis"});
    std::vector<std::string> concepts;
    if (uveal_abbreviation && !has(t, "melanoma")) {
        concepts.emplace_back("uveal");
    } else if (has(t, "melanoma")) {
        struct Sub {
            std::string_view concept_name;
            std::vector<std::string_view> words;
        };

        static const std::vector<Sub> subtypes{
            {"non_uveal", {"non-uveal", "non uveal", "nonuveal"}},
            {"non_ocular", {"non-ocular", "non ocular", "nonocular"}},
            {"uveal", {"uveal", "choroid", "ciliary body", "iris melanoma"}},
            {"ocular", {"ocular", "eye melanoma"}},
            {"mucosal", {"mucosal", "mucous membrane"}},
            {"acral", {"acral"}},
            {"conjunctival", {"conjunctiva"}},
            {"cutaneous", {"cutaneous", "skin melanoma", "melanoma of the skin"}},
            {"unknown_primary", {"unknown primary", "occult primary"}},
        };
        for (const auto& sub : subtypes) {
            if (has_any(t, sub.words)) {
                if (sub.concept_name == "uveal" &&
                    has_any(t, {"non-uveal", "non uveal", "nonuveal"})) {
                    continue;
                }
                if (sub.concept_name == "ocular" &&
                    has_any(t, {"non-ocular", "non ocular", "nonocular"})) {
                    continue;
                }
                concepts.emplace_back(sub.concept_name);
            }
        }
        if (concepts.empty()) {
            concepts.emplace_back("melanoma");
        }
    } else if (has_any(t, {"solid tumor", "solid tumour", "solid malignan", "solid cancer"})) {
        concepts.emplace_back("solid_tumor");
    }
    std::vector<std::string> stages;
    const auto add_stage = [&](std::string name) {
        if (std::find(stages.begin(), stages.end(), name) == stages.end()) {
            stages.push_back(std::move(name));
        }
    };
    for (const auto& [word, name] :
         std::initializer_list<std::pair<std::string_view, std::string_view>>{
             {"unresectable", "unresectable"},
             {"inoperable", "unresectable"},
             {"not amenable to surgery", "unresectable"},
             {"not amenable to curative", "unresectable"},
             {"metastatic", "metastatic"},
             {"locally advanced", "locally_advanced"},
             {"recurrent", "recurrent"}}) {
        if (has(t, word)) {
            add_stage(std::string{name});
        }
    }
    if (has(t, "advanced") && t.find("advanced") != t.find("locally advanced") + 8) {
        add_stage("advanced");
    }
    // AJCC stage groups: "stage iiib, iiic and iiid", "stage iii or iv", "stage 4".
    const bool ajcc = AjccStages{t}.read([&](std::string group) { add_stage(std::move(group)); });
    const bool named_disease =
        disease && !has(t, "disease") && t.size() <= 80 &&
        !has_any(t, {"history", "prior", "previous", "received", "treated", "therapy"});
    if (ajcc) {
        // A line naming an AJCC stage group is about the stage (with the disease as context).
        w.set(CriterionType::disease_stage);
        w.param("stages", stages);
        if (!concepts.empty()) {
            w.param("concepts", concepts);
        }
        if (confirmed) {
            w.param("histology_confirmed", true);
        }
        return true;
    }
    // "Metastatic disease as documented ...", "Unresectable melanoma": the stage is the subject
    // of the line, with no cancer named or the cancer only as its noun.
    const bool cancer_named = has_any(t,
                                      {"melanoma",
                                       "carcinoma",
                                       "cancer",
                                       "tumor",
                                       "tumour",
                                       "neoplasm",
                                       "malignan",
                                       "sarcoma",
                                       "lymphoma",
                                       "myeloma",
                                       "glioma"});
    const bool stage_leads = !stages.empty() && has_any(t.substr(0, 14),
                                                        {"unresectable",
                                                         "metastatic",
                                                         "advanced",
                                                         "locally advanced",
                                                         "inoperable",
                                                         "recurrent"});
    // Without a cancer named, only a line that opens with "metastatic / advanced / unresectable
    // disease" is about the stage ("Visceral metastatic disease that is not stable", "kidney
    // disease with advanced stages" are not).
    const bool stage_disease =
        has_any(t.substr(0, 45),
                {"metastatic disease",
                 "advanced disease",
                 "unresectable disease",
                 "recurrent disease",
                 "locally advanced or metastatic disease",
                 "unresectable or metastatic disease"}) &&
        !has_any(t, {"visceral", "invad", "stable", "site", "kidney", "renal", "hospital"});
    if (!stages.empty() &&
        ((!cancer_named && stage_disease) || (stage_leads && !confirmed && t.size() <= 40 &&
                                              concepts.size() == 1 && concepts[0] == "melanoma"))) {
        w.set(CriterionType::disease_stage);
        w.param("stages", stages);
        return true;
    }
    if (concepts.empty()) {
        if (stages.empty() && !named_disease) {
            // A disease word alone ("Known disease ...") is too vague to call.
            if (!confirmed || !disease) {
                return false;
            }
        }
        if (!disease) {
            w.set(CriterionType::disease_stage);
            w.param("stages", stages);
            return true;
        }
    }
    w.set(CriterionType::condition);
    if (!concepts.empty()) {
        w.param("concepts", concepts);
    } else {
        w.param("concepts", std::vector<std::string>{"other"});
    }
    if (!stages.empty()) {
        w.param("stages", stages);
    }
    if (confirmed) {
        w.param("histology_confirmed", true);
    }
    // "... solid tumours that are unresponsive or intolerant to all standard of care, or have
    // no standard of care available": the disease and a requirement that standard treatment is
    // exhausted, which the record's lines alone do not settle.
    if (w.criterion.kind == CriterionKind::inclusion &&
        has_any(t,
                {"standard of care",
                 "standard therap",
                 "standard treatment",
                 "standard-of-care",
                 "available therap",
                 "available treatment"}) &&
        has_any(t,
                {"refractory",
                 "unresponsive",
                 "intolerant",
                 "intolerance",
                 "failed",
                 "progressed",
                 "exhausted",
                 "no standard",
                 "not available",
                 "unavailable",
                 "not a candidate",
                 "not eligible for",
                 "ineligible for",
                 "declined"})) {
        w.param("standard_exhausted", true);
    }
    return true;
}

/// A named list of keywords; words of three letters or fewer must stand as whole words.
struct KeywordKind {
    std::string_view name;
    std::vector<std::string_view> words;
};

/// The first kind, in list order, one of whose words the text contains; nullptr if none.
const KeywordKind* first_kind(std::string_view t, const std::vector<KeywordKind>& kinds) {
    for (const auto& kind : kinds) {
        for (const auto word : kind.words) {
            if (word.size() <= 3 ? has_word(t, word) : has(t, word)) {
                return &kind;
            }
        }
    }
    return nullptr;
}

// --- comorbidities and residual toxicity ------------------------------------------------------
bool recognise_comorbidity(const Work& w) {
    const auto t = w.text;
    static const std::vector<KeywordKind> kinds{
        {"pneumonitis", {"pneumonitis", "interstitial lung", "pulmonary fibrosis", "ild"}},
        {"uncontrolled_illness",
         {"intercurrent illness",
          "uncontrolled",
          "serious illness",
          "medical condition",
          "concurrent illness",
          "significant disease",
          "comorbid",
          "serious medical",
          "medical or psychiatric",
          "condition that",
          "conditions that"}},
        {"psychiatric",
         {"psychiatric",
          "substance abuse",
          "drug abuse",
          "alcohol abuse",
          "mental",
          "dementia",
          "cognitive"}},
        {"gastrointestinal",
         {"gastrointestinal",
          "bowel obstruction",
          "malabsorption",
          "perforation",
          "fistula",
          "swallow",
          "bleeding",
          "hemorrhage",
          "haemorrhage",
          "hemoptysis",
          "ulcer"}},
        {"thromboembolism",
         {"thrombo", "embolism", "embolus", "anticoagula", "coagulopathy", "bleeding diathesis"}},
        {"hypertension", {"hypertension", "blood pressure"}},
        {"diabetes", {"diabetes", "hyperglycemia"}},
        {"seizures", {"seizure", "epilepsy"}},
        {"neuropathy", {"neuropathy"}},
        {"renal", {"dialysis", "renal failure", "kidney disease"}},
        {"hepatic", {"cirrhosis", "hepatic impairment", "liver disease", "child-pugh"}},
        {"immunodeficiency", {"immunodeficiency", "immunocompromised"}},
        {"ocular", {"retinal", "retinopathy", "eye disease", "uveitis"}},
        {"wound", {"wound", "non-healing"}},
        {"skin", {"skin disorder", "skin disease", "dermatolog", "skin condition"}},
        {"endocrine",
         {"thyroid",
          "hypothyroid",
          "hyperthyroid",
          "adrenal insufficiency",
          "hypophysitis",
          "pituitary"}},
        {"neuromuscular",
         {"neuromuscular", "myopath", "muscular dystrophy", "creatine kinase", "myositis"}},
        {"pulmonary", {"copd", "pulmonary", "oxygen", "respiratory", "asthma", "dyspnea"}},
        {"surgery_recovery", {"recovered from surgery", "major surgery", "surgical procedure"}},
    };
    if (has_any(t, {"incarcerat", "prisoner"})) {
        return false; // legal status, administrative
    }
    const KeywordKind* kind = first_kind(t, kinds);
    if (kind == nullptr) {
        return false;
    }
    w.set(CriterionType::comorbidity);
    w.param("condition", std::string{kind->name});
    return true;
}

// --- administrative ---------------------------------------------------------------------------
bool recognise_administrative(const Work& w) {
    const auto t = w.text;
    static const std::vector<KeywordKind> kinds{
        {"consent", {"consent", "sign", "legally authorized", "legally acceptable"}},
        {"tissue",
         {"tissue",
          "biopsy",
          "biopsies",
          "archival",
          "tumor sample",
          "tumour sample",
          "specimen",
          "paraffin",
          "ffpe",
          "blocks",
          "slides"}},
        {"compliance",
         {"willing",
          "able to comply",
          "comply",
          "compliance",
          "follow-up",
          "follow up",
          "adhere",
          "understand",
          "cooperat",
          "schedule",
          "visits",
          "reachable",
          "geographic",
          "travel",
          "swallow"}},
        {"participation",
         {"participating in",
          "participation in",
          "enrolled in",
          "another clinical",
          "other clinical study",
          "other clinical trial",
          "concurrent clinical",
          "employee",
          "staff",
          "investigator",
          "sponsor",
          "previously enrolled",
          "previously randomized",
          "previously treated in this study",
          "prior participation",
          "investigational agent",
          "investigational drug",
          "investigational product",
          "investigational therapy",
          "investigational device",
          "other study"}},
        {"other",
         {"following criteria",
          "following criterion",
          "criteria include",
          "all of the following",
          "any of the following",
          "following conditions",
          "protocol-defined",
          "protocol defined",
          "per protocol",
          "other criteria",
          "criteria apply",
          "in the opinion of",
          "judgment of the investigator",
          "judgement of the investigator",
          "investigator's opinion",
          "investigator judgment",
          "weight",
          "body mass",
          "bmi",
          "venous access",
          "leukapheresis",
          "apheresis",
          "insurance",
          "language",
          "english",
          "randomiz",
          "randomis",
          "grapefruit",
          "incarcerat",
          "prisoner",
          "detained",
          "tobacco",
          "smok",
          "questionnaire",
          "justice",
          "guardianship",
          "legal protection",
          "under tutorship",
          "curatorship"}},
    };
    // Organ function "per protocol" is a clinical requirement whose thresholds are not given.
    if (has_any(t, {"organ function", "marrow function", "soft tissue"})) {
        return false;
    }
    const KeywordKind* kind = first_kind(t, kinds);
    if (kind == nullptr) {
        return false;
    }
    w.set(CriterionType::administrative);
    w.param("what", std::string{kind->name});
    return true;
}

// --- tissue for research (administrative) -----------------------------------------------------
bool recognise_tissue(const Work& w) {
    const auto t = w.text;
    if (!has_any(t,
                 {"tissue sample",
                  "tumor tissue",
                  "tumour tissue",
                  "tissue specimen",
                  "archival",
                  "ffpe",
                  "paraffin",
                  "tissue block",
                  "fresh biopsy",
                  "tumor specimen",
                  "tumour specimen",
                  "biopsy specimen",
                  "fresh tumor biopsy",
                  "tumor biopsy",
                  "tumour biopsy",
                  "new biopsy",
                  "tissue for"})) {
        return false;
    }
    if (!has_any(t,
                 {"provide",
                  "available",
                  "submit",
                  "provision",
                  "adequate",
                  "willing",
                  "consent to",
                  "agree",
                  "obtain",
                  "must have",
                  "required",
                  "sufficient",
                  "representative",
                  "accessible",
                  "mandatory",
                  "undergo"}) ||
        (has_any(t, {"expression", "positive", "mutation", "status"}) && !has_any(t,
                                                                                  {"provide",
                                                                                   "available",
                                                                                   "submit",
                                                                                   "provision",
                                                                                   "willing",
                                                                                   "representative",
                                                                                   "blocks",
                                                                                   "slides"}))) {
        return false; // a mention of tissue, or a biomarker measured on it
    }
    w.set(CriterionType::administrative);
    w.param("what", std::string{"tissue"});
    return true;
}

// --- pneumonitis / interstitial lung disease (comorbidity), before the steroid and therapy
// recognisers that its "required steroids" would otherwise attract ---------------------------
bool recognise_pneumonitis(const Work& w) {
    const auto t = w.text;
    if (!has_any(t, {"pneumonitis", "interstitial lung", "pulmonary fibrosis"}) &&
        !has_word(t, "ild")) {
        return false;
    }
    // "Radiotherapy within 2 weeks ... Subjects who have had radiation pneumonitis are not
    // allowed": a washout first, with the lung as an afterthought.
    const auto first_sentence = t.substr(0, t.find(". "));
    if (!has_any(first_sentence, {"pneumonitis", "interstitial lung", "pulmonary fibrosis"}) &&
        has_any(first_sentence, {"radiotherapy", "radiation"}) && has(first_sentence, "within")) {
        return false;
    }
    w.set(CriterionType::comorbidity);
    w.param("condition",
            std::string{has_any(t, {"interstitial lung"}) || has_word(t, "ild")
                            ? "interstitial_lung_disease"
                            : "pneumonitis"});
    return true;
}

using Recogniser = bool (*)(const Work&);

/// A criterion about someone other than the patient ("Donor must be at least 18 years of age",
/// "Caregiver willing to ..."): never judged on the patient's facts.
bool recognise_other_person(const Work& w) {
    const auto t = w.text;
    for (const std::string_view lead : {"donor",
                                        "the donor",
                                        "related donor",
                                        "stem cell donor",
                                        "caregiver",
                                        "the caregiver",
                                        "study partner"}) {
        if (t.substr(0, lead.size()) == lead && t.size() > lead.size() &&
            (t[lead.size()] == ' ' || t[lead.size()] == 's' || t[lead.size()] == ':')) {
            w.set(CriterionType::administrative);
            w.param("about", std::string{"another person"});
            return true;
        }
    }
    return false;
}

// Order: specific before general, so a criterion is claimed by the recogniser that names it best.
constexpr Recogniser recognisers[] = {
    recognise_other_person,
    recognise_hla,
    recognise_pregnancy,
    recognise_tissue,
    recognise_prior_toxicity,
    recognise_immune_ae,
    recognise_prior_lines,
    recognise_progression,
    recognise_brain,
    recognise_performance,
    recognise_life_expectancy,
    recognise_pneumonitis,
    recognise_autoimmune,
    recognise_transplant,
    recognise_infection,
    recognise_other_malignancy,
    recognise_steroids,
    recognise_lab,
    recognise_sex,
    recognise_age,
    recognise_cardiac,
    recognise_hypersensitivity,
    recognise_washout,
    recognise_prior_therapy,
    recognise_biomarker,
    recognise_measurable,
    recognise_condition,
    recognise_comorbidity,
    recognise_administrative,
};

/// The first sentence of a criterion that goes on to notes and exceptions; the whole text when
/// it is one sentence. Abbreviations ("e.g.", "i.e.", "vs.") and numbers do not end a sentence.
std::string_view first_sentence(std::string_view t) {
    for (std::size_t at = t.find(". "); at != std::string_view::npos; at = t.find(". ", at + 1)) {
        std::size_t word = at;
        while (word > 0 && std::isalpha(static_cast<unsigned char>(t[word - 1])) != 0) {
            --word;
        }
        const auto last_word = t.substr(word, at - word);
        if (last_word.size() < 3 || last_word == "etc" || last_word == "approx" ||
            last_word == "incl" || (word > 0 && t[word - 1] == '.')) {
            continue;
        }
        if (at + 2 < t.size() && (std::isalpha(static_cast<unsigned char>(t[at + 2])) == 0)) {
            continue;
        }
        return t.substr(0, at + 1);
    }
    return t;
}

/// Runs the recognisers in order; the first that claims the text wins.
Recogniser recognise(const Work& work) {
    for (const Recogniser recogniser : recognisers) {
        if (recogniser(work)) {
            return recogniser;
        }
    }
    return nullptr;
}

/// The type comes from the first sentence, which states the rule ("Prior lines of treatment
/// are not eligible. All tumour types: ..."), and so do the parameters it gives; the later
/// sentences add the parameters it does not (windows, exceptions).
void recognise_criterion(const Work& work) {
    const auto sentence = first_sentence(work.text);
    if (sentence.size() == work.text.size()) {
        recognise(work);
        return;
    }
    Criterion first = work.criterion;
    const Work first_work{sentence, work.concepts, first, std::nullopt, std::nullopt, std::nullopt};
    index_text(sentence);
    const Recogniser chosen = recognise(first_work);
    index_text(work.text);
    if (chosen == nullptr) {
        recognise(work);
        return;
    }
    const bool whole = chosen(work) && work.criterion.type == first.type;
    std::vector<Param> params = std::move(first.params);
    if (whole) {
        for (auto& param : work.criterion.params) {
            if (std::none_of(params.begin(), params.end(), [&](const Param& p) {
                    return p.name == param.name;
                })) {
                params.push_back(std::move(param));
            }
        }
    }
    work.criterion.type = first.type;
    work.criterion.params = std::move(params);
}

/// "Part B", "Cohort 2 (NSCLC)", "Arm A and C", "Module 1, Cohort 1" when the criterion opens
/// with such a label and a colon; empty otherwise.
std::string cohort_prefix(std::string_view text) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon < 4 || colon > 60) {
        return {};
    }
    const auto label = text.substr(0, colon);
    std::string lower_label;
    for (const char c : label) {
        lower_label += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (const std::string_view opener :
         {"cohort", "part ", "parts ", "arm ", "arms ", "module", "group "}) {
        if (lower_label.starts_with(opener)) {
            return std::string{label};
        }
    }
    return {};
}

bool is_group_text(std::string_view t) {
    return !t.empty() && (t.back() == ':' || has_any(t,
                                                     {"following",
                                                      "below",
                                                      "one of",
                                                      "any of",
                                                      "all of",
                                                      "as defined by",
                                                      "defined as"}));
}

} // namespace

namespace {

/// A list head that states a rule of its own before leading into its list ("at least one
/// measurable brain metastasis AND meet one of the following criteria:") becomes two criteria:
/// the rule, and the head of the list (which keeps the children). Both keep exact source text.
void split_rule_heads(std::string_view text, std::vector<Criterion>& criteria) {
    std::vector<bool> has_children(criteria.size(), false);
    for (const auto& criterion : criteria) {
        if (criterion.parent) {
            has_children[*criterion.parent] = true;
        }
    }
    std::vector<Criterion> result;
    std::vector<std::size_t> new_index(criteria.size());
    for (std::size_t i = 0; i < criteria.size(); ++i) {
        Criterion criterion = std::move(criteria[i]);
        if (criterion.parent) {
            criterion.parent = new_index[*criterion.parent];
        }
        std::size_t split = std::string::npos;
        if (has_children[i]) {
            std::string lowered;
            for (const char c : criterion.text) {
                lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            for (const std::string_view lead : {" and meet one of the following",
                                                " and meet at least one of the following",
                                                " and meet any of the following",
                                                " and meet all of the following",
                                                " and have one of the following",
                                                " and one of the following",
                                                " and at least one of the following"}) {
                const std::size_t at = lowered.find(lead);
                if (at != std::string::npos && at >= 30) {
                    split = at + 1; // the lead-in starts at "and"
                    break;
                }
            }
        }
        if (split == std::string::npos) {
            result.push_back(std::move(criterion));
            new_index[i] = result.size() - 1;
            continue;
        }
        Criterion rule = criterion;
        rule.end = criterion.begin + split - 1;
        while (rule.end > rule.begin && (text[rule.end - 1] == ' ' || text[rule.end - 1] == ',')) {
            --rule.end;
        }
        rule.text = std::string{text.substr(rule.begin, rule.end - rule.begin)};
        rule.last_line =
            rule.first_line + static_cast<std::size_t>(
                                  std::count(text.begin() + static_cast<std::ptrdiff_t>(rule.begin),
                                             text.begin() + static_cast<std::ptrdiff_t>(rule.end),
                                             '\n'));
        result.push_back(std::move(rule));
        criterion.begin += split;
        criterion.first_line = result.back().last_line;
        criterion.text = std::string{text.substr(criterion.begin, criterion.end - criterion.begin)};
        result.push_back(std::move(criterion));
        new_index[i] = result.size() - 1; // children belong to the list head
    }
    criteria = std::move(result);
}

} // namespace

CompiledCriteria compile_criteria(std::string_view text, const ConceptGraph& concepts) {
    CompiledCriteria compiled = segment_criteria(text);
    split_rule_heads(text, compiled.criteria);
    std::vector<bool> has_children(compiled.criteria.size(), false);
    for (const auto& criterion : compiled.criteria) {
        if (criterion.parent) {
            has_children[*criterion.parent] = true;
        }
    }
    for (std::size_t i = 0; i < compiled.criteria.size(); ++i) {
        Criterion& criterion = compiled.criteria[i];
        const std::string normalised = normalise_criterion_text(criterion.text);
        // An inline cohort prefix ("Part 3 (Cohort 4): ...", "Module 1, Cohort 2: ...") scopes
        // the criterion like a cohort heading does.
        if (const auto prefix = cohort_prefix(criterion.text); !prefix.empty()) {
            criterion.scope = criterion.scope.empty() ? prefix : criterion.scope + " / " + prefix;
        }
        index_text(normalised);
        const Work work{normalised, concepts, criterion, std::nullopt, std::nullopt, std::nullopt};
        // A parent line that only leads into its sub-criteria ("Adequate organ function as
        // defined below:") is a group; one that states a rule ("cardiovascular disease
        // including any of the following:", "CNS metastases, with the following exceptions:")
        // keeps its own type. Either becomes a group when it is left unclaimed and reads as the
        // head of a list.
        // A line that ends in a colon after "as described below" heads the list that follows
        // even when the list is not indented under it.
        const bool heads_list =
            (has_children[i] ||
             (!normalised.empty() && normalised.back() == ':' && normalised.size() < 80)) &&
            !has_any(normalised, {"exception", "except", "unless", "including"}) &&
            (has_any(normalised,
                     {"below",
                      "as follows",
                      "defined by",
                      "determined by",
                      "defined as",
                      "described",
                      "following criteria",
                      "the following"}) ||
             (!normalised.empty() && normalised.back() == ':' && normalised.size() < 60));
        if (!heads_list) {
            recognise_criterion(work);
        }
        if (criterion.type == CriterionType::unparsed && (has_children[i] || heads_list) &&
            is_group_text(normalised)) {
            criterion.type = CriterionType::group;
            criterion.params.push_back({"mode",
                                        std::string{(has_any(normalised,
                                                             {"one of",
                                                              "any of",
                                                              "either",
                                                              " or ",
                                                              "defined as",
                                                              "minimum of one",
                                                              "at least one"}) &&
                                                     !has(normalised, "defined as follows"))
                                                        ? "any"
                                                        : "all"}});
        }
        // Negation belongs to the rule the type came from, the first sentence or clause: "X with
        // an NF1 mutation; variants of unknown significance will not be eligible" is not "no NF1".
        auto rule = first_sentence(normalised);
        rule = rule.substr(0, std::min(rule.size(), rule.find("; ")));
        criterion.negated = criterion.type != CriterionType::unparsed && negated_statement(rule);
    }
    index_text({}); // the text indexed above is gone
    return compiled;
}

CriteriaCoverage coverage_of(const CompiledCriteria& compiled) {
    CriteriaCoverage coverage;
    for (const auto& criterion : compiled.criteria) {
        if (criterion.type == CriterionType::group) {
            continue;
        }
        ++coverage.lines;
        if (criterion.type != CriterionType::unparsed) {
            ++coverage.typed;
        }
    }
    return coverage;
}

} // namespace trialmatch::engine
