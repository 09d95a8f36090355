#include "trialmatch/connectors/patient_json.hpp"

#include "trialmatch/engine/clinical_units.hpp"

#include "json_access.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <sstream>
#include <utility>

namespace trialmatch::connectors {

namespace rj = rapidjson;
using namespace trialmatch::engine;

PatientRecordError::PatientRecordError(std::string source, std::vector<RecordProblem> problems) :
    Error(ErrorCode::schema,
          source + ": " + std::to_string(problems.size()) + " problem" +
              (problems.size() == 1 ? "" : "s") +
              (problems.empty()
                   ? std::string{}
                   : " (first: " +
                         (problems.front().pointer.empty() ? std::string{"document"}
                                                           : problems.front().pointer) +
                         ": " + problems.front().message + ")")),
    m_source(std::move(source)),
    m_problems(std::move(problems)) {}

namespace {

constexpr std::string_view format_name = "trialmatch-patient/1";

struct Problems {
    std::vector<RecordProblem> errors;
    std::vector<RecordProblem> warnings;

    void error(const std::string& pointer, std::string message) {
        errors.push_back({pointer, std::move(message)});
    }

    void warning(const std::string& pointer, std::string message) {
        warnings.push_back({pointer, std::move(message)});
    }
};

std::string escape_token(std::string_view token) {
    std::string out;
    for (const char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

// The value's type for messages, with a string quoted so the user sees what was written.
std::string kind_of(const rj::Value& value) {
    if (value.IsString()) {
        return "a string '" + std::string{value.GetString(), value.GetStringLength()} + "'";
    }
    return detail::Node::kind(value);
}

std::string number_text(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

template <typename E>
using EnumTable = std::initializer_list<std::pair<std::string_view, E>>;

// An object of the document with its pointer; reads members, reporting problems instead of
// throwing, so one pass finds every problem.
class Object {
public:
    Object(const rj::Value& value, std::string pointer, Problems& problems) :
        m_value(&value),
        m_pointer(std::move(pointer)),
        m_problems(&problems) {}

    const std::string& pointer() const noexcept { return m_pointer; }

    std::string at(std::string_view name) const { return m_pointer + "/" + escape_token(name); }

    Problems& problems() const noexcept { return *m_problems; }

    /// Warns about members the format does not define (typos stay visible).
    void known(std::initializer_list<std::string_view> names) const {
        for (const auto& member : m_value->GetObject()) {
            const std::string_view name{member.name.GetString(), member.name.GetStringLength()};
            if (std::find(names.begin(), names.end(), name) == names.end()) {
                m_problems->warning(at(name), "unknown field '" + std::string{name} + "', ignored");
            }
        }
    }

    /// The member, or nothing if absent or null; `required` reports its absence.
    const rj::Value* get(std::string_view name, bool required = false) const {
        const auto it = m_value->FindMember(
            rj::Value{rj::StringRef(name.data(), static_cast<rj::SizeType>(name.size()))});
        if (it == m_value->MemberEnd() || it->value.IsNull()) {
            if (required) {
                m_problems->error(at(name), "missing (required)");
            }
            return nullptr;
        }
        return &it->value;
    }

    std::optional<std::string> string(std::string_view name, bool required = false) const {
        const rj::Value* value = get(name, required);
        if (value == nullptr) {
            return std::nullopt;
        }
        if (!value->IsString()) {
            m_problems->error(at(name), "expected a string, found " + kind_of(*value));
            return std::nullopt;
        }
        std::string text{value->GetString(), value->GetStringLength()};
        if (has_surrogate(text)) {
            // A lone \uD800-\uDFFF escape decodes to bytes that are not UTF-8.
            m_problems->error(at(name), "invalid Unicode (a lone surrogate escape)");
            return std::nullopt;
        }
        if (text.empty() && required) {
            m_problems->error(at(name), "must not be empty");
            return std::nullopt;
        }
        return text;
    }

    std::string text(std::string_view name) const { return string(name).value_or(std::string{}); }

    std::optional<double>
    number(std::string_view name, double min, double max, bool required = false) const {
        const rj::Value* value = get(name, required);
        if (value == nullptr) {
            return std::nullopt;
        }
        if (!value->IsNumber()) {
            m_problems->error(at(name), "expected a number, found " + kind_of(*value));
            return std::nullopt;
        }
        const double number = value->GetDouble();
        if (number < min || number > max) {
            m_problems->error(at(name),
                              number_text(number) + " is out of range (" + number_text(min) +
                                  " to " + number_text(max) + ")");
            return std::nullopt;
        }
        return number;
    }

    std::optional<int> integer(std::string_view name, int min, int max) const {
        const rj::Value* value = get(name);
        if (value == nullptr) {
            return std::nullopt;
        }
        if (!value->IsInt()) {
            m_problems->error(at(name), "expected a whole number, found " + kind_of(*value));
            return std::nullopt;
        }
        const int number = value->GetInt();
        if (number < min || number > max) {
            m_problems->error(at(name),
                              std::to_string(number) + " is out of range (" + std::to_string(min) +
                                  " to " + std::to_string(max) + ")");
            return std::nullopt;
        }
        return number;
    }

    std::optional<bool> boolean(std::string_view name) const {
        const rj::Value* value = get(name);
        if (value == nullptr) {
            return std::nullopt;
        }
        if (!value->IsBool()) {
            m_problems->error(at(name), "expected true or false, found " + kind_of(*value));
            return std::nullopt;
        }
        return value->GetBool();
    }

    std::optional<Date> date(std::string_view name, bool required = false) const {
        const auto text = string(name, required);
        if (!text) {
            return std::nullopt;
        }
        if (auto parsed = Date::try_parse(*text)) {
            if (parsed->year() < 1900 || parsed->year() > 2199) {
                m_problems->error(at(name), "date '" + *text + "' is out of range (1900 to 2199)");
                return std::nullopt;
            }
            return parsed;
        }
        m_problems->error(at(name),
                          looks_like_date(*text)
                              ? "impossible date '" + *text + "'"
                              : "not a date '" + *text + "' (expected YYYY-MM-DD)");
        return std::nullopt;
    }

    std::optional<PartialDate> partial_date(std::string_view name) const {
        const auto text = string(name);
        if (!text) {
            return std::nullopt;
        }
        if (auto parsed = PartialDate::try_parse(*text)) {
            if (parsed->year < 1900 || parsed->year > 2199) {
                m_problems->error(at(name), "date '" + *text + "' is out of range (1900 to 2199)");
                return std::nullopt;
            }
            return parsed;
        }
        m_problems->error(at(name),
                          looks_like_date(*text) ? "impossible date '" + *text + "'"
                                                 : "not a date '" + *text +
                                                       "' (expected YYYY, YYYY-MM or "
                                                       "YYYY-MM-DD)");
        return std::nullopt;
    }

    template <typename E>
    std::optional<E> choice(std::string_view name, EnumTable<E> table) const {
        const auto text = string(name);
        if (!text) {
            return std::nullopt;
        }
        std::string expected;
        for (const auto& [key, value] : table) {
            if (key == *text) {
                return value;
            }
            expected += (expected.empty() ? "" : ", ") + std::string{key};
        }
        m_problems->error(at(name),
                          "unknown value '" + *text + "' (expected one of " + expected + ")");
        return std::nullopt;
    }

    std::optional<Object> object(std::string_view name) const {
        const rj::Value* value = get(name);
        if (value == nullptr) {
            return std::nullopt;
        }
        if (!value->IsObject()) {
            m_problems->error(at(name), "expected an object, found " + kind_of(*value));
            return std::nullopt;
        }
        return Object{*value, at(name), *m_problems};
    }

    /// The member array's objects; nothing if absent (unknown), empty if [] (known none).
    std::optional<std::vector<Object>> objects(std::string_view name) const {
        const rj::Value* value = get(name);
        if (value == nullptr) {
            return std::nullopt;
        }
        if (!value->IsArray()) {
            m_problems->error(at(name), "expected an array, found " + kind_of(*value));
            return std::nullopt;
        }
        std::vector<Object> items;
        rj::SizeType index = 0;
        for (const auto& element : value->GetArray()) {
            const std::string pointer = at(name) + "/" + std::to_string(index++);
            if (!element.IsObject()) {
                m_problems->error(pointer, "expected an object, found " + kind_of(element));
                continue;
            }
            items.emplace_back(element, pointer, *m_problems);
        }
        return items;
    }

    std::optional<std::vector<std::string>> strings(std::string_view name) const {
        const rj::Value* value = get(name);
        if (value == nullptr) {
            return std::nullopt;
        }
        if (!value->IsArray()) {
            m_problems->error(at(name), "expected an array of strings, found " + kind_of(*value));
            return std::nullopt;
        }
        std::vector<std::string> items;
        rj::SizeType index = 0;
        for (const auto& element : value->GetArray()) {
            const std::string pointer = at(name) + "/" + std::to_string(index++);
            if (element.IsString() &&
                has_surrogate(std::string{element.GetString(), element.GetStringLength()})) {
                m_problems->error(pointer, "invalid Unicode (a lone surrogate escape)");
                continue;
            }
            if (!element.IsString() || element.GetStringLength() == 0) {
                m_problems->error(pointer,
                                  element.IsString()
                                      ? std::string{"must not be empty"}
                                      : "expected a string, found " + kind_of(element));
                continue;
            }
            items.emplace_back(element.GetString(), element.GetStringLength());
        }
        return items;
    }

private:
    static bool has_surrogate(const std::string& text) {
        for (std::size_t i = 0; i + 1 < text.size(); ++i) {
            if (static_cast<unsigned char>(text[i]) == 0xED &&
                static_cast<unsigned char>(text[i + 1]) >= 0xA0) {
                return true;
            }
        }
        return false;
    }

    static bool looks_like_date(const std::string& text) {
        return !text.empty() && text.find_first_not_of("0123456789-") == std::string::npos &&
               text.size() <= 10 && text.size() >= 4;
    }

    const rj::Value* m_value;
    std::string m_pointer;
    Problems* m_problems;
};

void check_order(const Object& object,
                 std::string_view later_name,
                 const std::optional<Date>& earlier,
                 const std::optional<Date>& later,
                 std::string_view earlier_label,
                 std::string_view later_label) {
    if (earlier && later && *later < *earlier) {
        object.problems().error(object.at(later_name),
                                std::string{later_label} + " " + later->to_string() +
                                    " is before the " + std::string{earlier_label} + " " +
                                    earlier->to_string());
    }
}

constexpr double max_mm = 10000;

void read_demographics(const Object& root, Patient& patient) {
    patient.birth_date = root.date("birth_date");
    if (const auto age = root.object("age")) {
        age->known({"years", "on"});
        patient.age_years = age->integer("years", 0, 130);
        patient.age_on = age->date("on");
    }
    patient.sex = root.choice<Sex>(
        "sex", {{"female", Sex::female}, {"male", Sex::male}, {"other", Sex::other}});
    if (const auto place = root.object("location")) {
        place->known({"lat", "lon", "postal_code", "country", "travel_limit_km"});
        PatientLocation location;
        location.lat = place->number("lat", -90, 90);
        location.lon = place->number("lon", -180, 180);
        location.postal_code = place->text("postal_code");
        location.country = place->text("country");
        location.travel_limit_km = place->number("travel_limit_km", 0, 40000);
        if ((place->get("lat") != nullptr) != (place->get("lon") != nullptr)) {
            root.problems().error(place->pointer(), "lat and lon must be given together");
        }
        patient.location = location;
    }
}

void read_diagnosis(const Object& root, Patient& patient) {
    const auto object = root.object("diagnosis");
    if (!object) {
        return;
    }
    object->known({"cancer",
                   "subtype",
                   "stage",
                   "m_category",
                   "unresectable",
                   "metastatic",
                   "diagnosed_on",
                   "advanced_since"});
    Diagnosis diagnosis;
    diagnosis.cancer = object->text("cancer");
    // DOMAIN.md §5.4 subtype hierarchy.
    diagnosis.subtype =
        object->choice<MelanomaSubtype>("subtype",
                                        {{"cutaneous", MelanomaSubtype::cutaneous},
                                         {"acral", MelanomaSubtype::acral},
                                         {"mucosal", MelanomaSubtype::mucosal},
                                         {"uveal", MelanomaSubtype::uveal},
                                         {"conjunctival", MelanomaSubtype::conjunctival},
                                         {"unknown_primary", MelanomaSubtype::unknown_primary}});
    diagnosis.stage = object->text("stage");
    diagnosis.m_category = object->text("m_category");
    diagnosis.unresectable = object->boolean("unresectable");
    diagnosis.metastatic = object->boolean("metastatic");
    diagnosis.diagnosed_on = object->partial_date("diagnosed_on");
    diagnosis.advanced_since = object->partial_date("advanced_since");
    if (diagnosis.diagnosed_on && diagnosis.advanced_since &&
        diagnosis.advanced_since->latest() < diagnosis.diagnosed_on->earliest()) {
        root.problems().error(object->at("advanced_since"),
                              "advanced disease " + diagnosis.advanced_since->to_string() +
                                  " is before the diagnosis " +
                                  diagnosis.diagnosed_on->to_string());
    }
    if (patient.birth_date && diagnosis.diagnosed_on &&
        diagnosis.diagnosed_on->latest() < *patient.birth_date) {
        root.problems().error(object->at("diagnosed_on"),
                              "diagnosis " + diagnosis.diagnosed_on->to_string() +
                                  " is before the birth date " + patient.birth_date->to_string());
    }
    patient.diagnosis = diagnosis;
}

void read_markers(const Object& root, Patient& patient) {
    if (auto items = root.objects("biomarkers")) {
        patient.biomarkers.emplace();
        for (const auto& item : *items) {
            item.known({"marker", "result", "variant", "value", "unit", "date", "method"});
            Biomarker marker;
            marker.marker = item.string("marker", true).value_or("");
            marker.result = item.text("result");
            marker.variant = item.text("variant");
            marker.value = item.number("value", -1e12, 1e12);
            marker.unit = item.text("unit");
            marker.date = item.date("date");
            marker.method = item.text("method");
            if (marker.result.empty() && !marker.value) {
                root.problems().error(item.pointer(), "a biomarker needs a result or a value");
            }
            static constexpr std::array<std::string_view, 5> braf_results{
                "V600E", "V600K", "V600_other", "non_V600", "wild_type"};
            if (marker.marker == "BRAF" && !marker.result.empty() &&
                std::find(braf_results.begin(), braf_results.end(), marker.result) ==
                    braf_results.end()) {
                root.problems().error(item.at("result"),
                                      "unknown BRAF result '" + marker.result +
                                          "' (expected one of V600E, V600K, V600_other, non_V600, "
                                          "wild_type)");
            }
            patient.biomarkers->push_back(std::move(marker));
        }
    }
    if (const auto hla = root.object("hla")) {
        hla->known({"typed_on", "alleles"});
        HlaTyping typing;
        typing.typed_on = hla->date("typed_on");
        if (const auto alleles = hla->strings("alleles")) {
            for (std::size_t i = 0; i < alleles->size(); ++i) {
                // DOMAIN.md §5.5: A*0201 is A*02:01.
                if (auto allele = normalise_hla_allele((*alleles)[i])) {
                    typing.alleles.push_back(std::move(*allele));
                } else {
                    root.problems().error(hla->at("alleles") + "/" + std::to_string(i),
                                          "'" + (*alleles)[i] +
                                              "' is not an HLA allele (expected e.g. A*02:01)");
                }
            }
        }
        patient.hla = typing;
    }
}

void read_disease_sites(const Object& root, Patient& patient) {
    if (const auto object = root.object("metastases")) {
        object->known({"assessed_on", "sites"});
        Metastases metastases;
        metastases.assessed_on = object->date("assessed_on");
        metastases.sites = object->strings("sites").value_or(std::vector<std::string>{});
        patient.metastases = metastases;
    }
    if (const auto object = root.object("brain_metastases")) {
        object->known({"status", "assessed_on", "modality", "stable_since", "treatment"});
        BrainMetastases brain;
        const auto status = object->choice<BrainMetastasisStatus>(
            "status",
            {{"none", BrainMetastasisStatus::none},
             {"untreated_active", BrainMetastasisStatus::untreated_active},
             {"treated_stable", BrainMetastasisStatus::treated_stable},
             {"leptomeningeal", BrainMetastasisStatus::leptomeningeal}});
        if (!object->get("status")) {
            root.problems().error(object->at("status"), "missing (required)");
        }
        brain.assessed_on = object->date("assessed_on");
        brain.modality = object->text("modality");
        brain.stable_since = object->date("stable_since");
        brain.treatment = object->text("treatment");
        if (status) {
            brain.status = *status;
            patient.brain_metastases = brain;
        }
    }
}

void read_performance(const Object& root, Patient& patient) {
    const auto items = root.objects("performance_status");
    if (!items) {
        return;
    }
    patient.performance_status.emplace();
    for (const auto& item : *items) {
        item.known({"scale", "value", "date"});
        PerformanceStatus status;
        const auto scale = item.choice<std::string>(
            "scale", {{"ECOG", "ECOG"}, {"Karnofsky", "Karnofsky"}, {"Lansky", "Lansky"}});
        if (!item.get("scale")) {
            root.problems().error(item.at("scale"), "missing (required)");
        }
        const bool ecog = scale && *scale == "ECOG";
        const auto value = item.integer("value", 0, ecog ? 5 : 100);
        if (!item.get("value")) {
            root.problems().error(item.at("value"), "missing (required)");
        }
        if (scale && !ecog && value && *value % 10 != 0) {
            root.problems().error(item.at("value"),
                                  *scale + " is scored in steps of 10, not " +
                                      std::to_string(*value));
        }
        status.date = item.date("date");
        if (scale && value) {
            status.scale = *scale;
            status.value = *value;
            patient.performance_status->push_back(status);
        }
    }
}

void read_labs(const Object& root, Patient& patient) {
    const auto items = root.objects("labs");
    if (!items) {
        return;
    }
    patient.labs.emplace();
    for (const auto& item : *items) {
        item.known({"test", "value", "unit", "date", "uln", "lln"});
        const auto test = item.string("test", true);
        const auto value = item.number("value", -1e12, 1e12, true);
        const auto date = item.date("date", true);
        const auto unit = item.string("unit");
        const auto uln = item.number("uln", 0, 1e12);
        const auto lln = item.number("lln", 0, 1e12);
        if (!unit || unit->empty()) {
            if (!item.get("unit") || unit) {
                root.problems().error(item.at("unit"),
                                      "missing unit" + (test ? " for " + *test : std::string{}) +
                                          " (a value without a unit cannot be compared)");
            }
        }
        if (!test || !value || !date || !unit || unit->empty()) {
            continue;
        }
        LabResult lab;
        lab.original_test = *test;
        lab.original_value = *value;
        lab.original_unit = *unit;
        lab.date = *date;
        lab.test = *test;
        lab.value = *value;
        lab.unit = *unit;
        lab.uln = uln;
        lab.lln = lln;
        if (const auto canonical = canonical_lab_test(*test)) {
            const auto factor = lab_unit_factor(*canonical, *unit);
            if (!factor) {
                root.problems().error(item.at("unit"),
                                      "'" + *unit + "' is not a unit of " + *test + " (expected " +
                                          lab_accepted_units(*canonical) + ")");
                continue;
            }
            lab.test = *canonical;
            lab.unit = lab_engine_unit(*canonical);
            lab.value = *value * *factor;
            if (uln) {
                lab.uln = *uln * *factor;
            }
            if (lln) {
                lab.lln = *lln * *factor;
            }
            lab.normalised = true;
        } else {
            root.problems().warning(item.at("test"),
                                    "lab test '" + *test +
                                        "' is not one the engine normalises; "
                                        "kept as given");
        }
        patient.labs->push_back(std::move(lab));
    }
}

void read_treatments(const Object& root, Patient& patient) {
    const auto items = root.objects("treatments");
    if (!items) {
        return;
    }
    patient.treatments.emplace();
    for (const auto& item : *items) {
        item.known({"agents",
                    "regimen",
                    "setting",
                    "start",
                    "last_dose",
                    "doses",
                    "ongoing",
                    "stop_reason",
                    "rapid_clinical_progression"});
        Treatment treatment;
        treatment.pointer = item.pointer();
        treatment.agents = item.strings("agents").value_or(std::vector<std::string>{});
        treatment.regimen = item.text("regimen");
        if (!item.get("agents") && !item.get("regimen")) {
            root.problems().error(item.pointer(), "a line of therapy needs agents or a regimen");
        }
        if (item.get("agents") && item.get("agents")->IsArray() && item.get("agents")->Empty()) {
            root.problems().error(item.at("agents"), "must name at least one agent");
        }
        if (item.get("regimen") && item.get("regimen")->IsString() && treatment.regimen.empty()) {
            root.problems().error(item.at("regimen"), "must not be empty");
        }
        treatment.setting =
            item.choice<TherapySetting>("setting",
                                        {{"advanced", TherapySetting::advanced},
                                         {"adjuvant", TherapySetting::adjuvant},
                                         {"neoadjuvant", TherapySetting::neoadjuvant}})
                .value_or(TherapySetting::advanced);
        const auto start = item.date("start", true);
        treatment.last_dose = item.date("last_dose");
        treatment.doses = item.integer("doses", 0, 10000);
        treatment.ongoing = item.boolean("ongoing");
        treatment.stop_reason =
            item.choice<StopReason>("stop_reason",
                                    {{"progression", StopReason::progression},
                                     {"toxicity", StopReason::toxicity},
                                     {"completed", StopReason::completed},
                                     {"patient_choice", StopReason::patient_choice},
                                     {"other", StopReason::other}});
        treatment.rapid_clinical_progression =
            item.boolean("rapid_clinical_progression").value_or(false);
        check_order(item, "last_dose", start, treatment.last_dose, "start", "last dose");
        if (treatment.ongoing.value_or(false) && treatment.stop_reason) {
            root.problems().error(item.at("stop_reason"), "an ongoing line has no stop reason");
        }
        if (patient.birth_date && start && *start < *patient.birth_date) {
            root.problems().error(item.at("start"),
                                  "start " + start->to_string() + " is before the birth date " +
                                      patient.birth_date->to_string());
        }
        if (start) {
            treatment.start = *start;
            patient.treatments->push_back(std::move(treatment));
        }
    }
}

void read_local_therapy(const Object& root, Patient& patient) {
    if (const auto items = root.objects("radiotherapy")) {
        patient.radiotherapy.emplace();
        for (const auto& item : *items) {
            item.known({"site", "technique", "start", "end", "dose_gy"});
            Radiotherapy course;
            course.site = item.text("site");
            course.technique = item.text("technique");
            course.start = item.date("start");
            course.end = item.date("end");
            course.dose_gy = item.number("dose_gy", 0, 1000);
            check_order(item, "end", course.start, course.end, "start", "end");
            patient.radiotherapy->push_back(std::move(course));
        }
    }
    if (const auto items = root.objects("surgery")) {
        patient.surgery.emplace();
        for (const auto& item : *items) {
            item.known({"procedure", "site", "date"});
            Surgery surgery;
            surgery.procedure = item.text("procedure");
            surgery.site = item.text("site");
            surgery.date = item.date("date");
            patient.surgery->push_back(std::move(surgery));
        }
    }
}

void read_scans(const Object& root, Patient& patient) {
    const auto items = root.objects("scans");
    if (!items) {
        return;
    }
    patient.scans.emplace();
    std::optional<Date> diagnosed;
    if (patient.diagnosis && patient.diagnosis->diagnosed_on) {
        diagnosed = patient.diagnosis->diagnosed_on->earliest();
    }
    for (const auto& item : *items) {
        item.known({"date",
                    "modality",
                    "target_sum_mm",
                    "target_lesions",
                    "targets_complete",
                    "non_target",
                    "non_target_increase",
                    "new_lesions",
                    "new_lesion_target_sum_mm",
                    "new_lesion_non_target_increase",
                    "unscheduled_for_symptoms",
                    "response"});
        Scan scan;
        scan.pointer = item.pointer();
        ScanMeasurement& m = scan.measurement;
        const auto date = item.date("date", true);
        scan.modality = item.text("modality");
        m.target_sum_mm = item.number("target_sum_mm", 0, max_mm);
        const auto complete = item.boolean("targets_complete");
        if (const auto lesions = item.objects("target_lesions")) {
            // RECIST 1.1 §1.1: the sum of long axes (short axes for nodes); complete when every
            // non-nodal target has gone and every target node is below 10 mm.
            double sum = 0;
            bool all_gone = true;
            bool valid = !lesions->empty();
            if (lesions->empty()) {
                root.problems().error(item.at("target_lesions"), "must list at least one lesion");
            }
            for (const auto& lesion : *lesions) {
                lesion.known({"site", "nodal", "diameter_mm"});
                const auto diameter = lesion.number("diameter_mm", 0, max_mm, true);
                const bool nodal = lesion.boolean("nodal").value_or(false);
                if (!diameter) {
                    valid = false;
                    continue;
                }
                sum += *diameter;
                all_gone = all_gone && (nodal ? *diameter < 10 : *diameter == 0);
            }
            if (lesions->size() > 5) {
                root.problems().warning(item.at("target_lesions"),
                                        "more than 5 target lesions (RECIST 1.1 allows 5)");
            }
            if (valid) {
                if (m.target_sum_mm && std::fabs(*m.target_sum_mm - sum) > 0.5) {
                    root.problems().error(item.at("target_sum_mm"),
                                          "target_sum_mm " + number_text(*m.target_sum_mm) +
                                              " does not match the lesions' sum " +
                                              number_text(sum));
                }
                m.target_sum_mm = sum;
                m.targets_complete = all_gone;
            }
        }
        if (complete && *complete && m.target_sum_mm && *m.target_sum_mm >= 50) {
            // Complete leaves at most 5 target nodes, each below 10 mm (RECIST 1.1 §1.2 TR 1).
            root.problems().error(item.at("targets_complete"),
                                  "a complete response cannot leave a target sum of " +
                                      number_text(*m.target_sum_mm) +
                                      " mm (at most 5 nodes below 10 mm)");
        }
        if (complete) {
            m.targets_complete = *complete;
        } else if (m.target_sum_mm && *m.target_sum_mm == 0) {
            m.targets_complete = true; // every target measures 0 mm
        }
        m.non_target = item.choice<NonTarget>("non_target",
                                              {{"none", NonTarget::none},
                                               {"non_cr_non_pd", NonTarget::non_cr_non_pd},
                                               {"complete", NonTarget::complete},
                                               {"progression", NonTarget::progression},
                                               {"not_evaluable", NonTarget::not_evaluable}})
                           // Not recorded is not "none": the table's NE rows apply (§1.2).
                           .value_or(NonTarget::not_evaluable);
        m.non_target_increase = item.boolean("non_target_increase").value_or(false);
        m.new_lesions = item.integer("new_lesions", 0, 1000);
        m.new_lesion_target_sum_mm = item.number("new_lesion_target_sum_mm", 0, max_mm);
        m.new_lesion_non_target_increase =
            item.boolean("new_lesion_non_target_increase").value_or(false);
        m.unscheduled_for_symptoms = item.boolean("unscheduled_for_symptoms").value_or(false);

        struct Category {
            Response response;
            bool confirms;
        };

        if (const auto category =
                item.choice<Category>("response",
                                      {{"CR", {Response::complete, false}},
                                       {"PR", {Response::partial, false}},
                                       {"SD", {Response::stable, false}},
                                       {"PD", {Response::progression, false}},
                                       {"NE", {Response::not_evaluable, false}},
                                       {"non_CR_non_PD", {Response::non_cr_non_pd, false}},
                                       {"iCR", {Response::complete, false}},
                                       {"iPR", {Response::partial, false}},
                                       {"iSD", {Response::stable, false}},
                                       {"iUPD", {Response::progression, false}},
                                       {"iCPD", {Response::progression, true}}})) {
            m.recorded = category->response;
            m.recorded_confirmation = category->confirms;
            scan.recorded_category = item.text("response");
        }
        if (!m.recorded && !m.target_sum_mm && !item.get("non_target") && !m.new_lesions) {
            root.problems().error(item.pointer(),
                                  "a scan needs measurements (target_sum_mm, target_lesions, "
                                  "non_target, new_lesions) or a recorded response");
        }
        if (date && diagnosed && *date < *diagnosed) {
            root.problems().error(item.at("date"),
                                  "scan on " + date->to_string() + " is before the diagnosis on " +
                                      patient.diagnosis->diagnosed_on->to_string());
        }
        if (date) {
            m.date = *date;
            patient.scans->push_back(std::move(scan));
        }
    }
}

void read_events(const Object& root, Patient& patient) {
    const auto items = root.objects("adverse_events");
    if (!items) {
        return;
    }
    patient.adverse_events.emplace();
    for (const auto& item : *items) {
        item.known({"term",
                    "grade",
                    "immune_related",
                    "agents",
                    "start",
                    "end",
                    "resolved",
                    "led_to_discontinuation"});
        AdverseEvent event;
        event.term = item.string("term", true).value_or("");
        event.grade = item.integer("grade", 1, 5);
        event.immune_related = item.boolean("immune_related");
        event.agents = item.strings("agents").value_or(std::vector<std::string>{});
        event.start = item.date("start");
        event.end = item.date("end");
        event.resolved = item.boolean("resolved");
        event.led_to_discontinuation = item.boolean("led_to_discontinuation");
        check_order(item, "end", event.start, event.end, "start", "end");
        patient.adverse_events->push_back(std::move(event));
    }
}

std::optional<Infection> read_infection(const Object& parent, std::string_view name) {
    const auto object = parent.object(name);
    if (!object) {
        return std::nullopt;
    }
    object->known({"status", "tested_on"});
    Infection infection;
    const auto status =
        object->choice<InfectionStatus>("status",
                                        {{"negative", InfectionStatus::negative},
                                         {"controlled", InfectionStatus::controlled},
                                         {"active", InfectionStatus::active}});
    if (!object->get("status")) {
        parent.problems().error(object->at("status"), "missing (required)");
    }
    infection.tested_on = object->date("tested_on");
    if (!status) {
        return std::nullopt;
    }
    infection.status = *status;
    return infection;
}

std::optional<std::vector<Condition>> read_conditions(const Object& parent, std::string_view name) {
    const auto items = parent.objects(name);
    if (!items) {
        return std::nullopt;
    }
    std::vector<Condition> conditions;
    for (const auto& item : *items) {
        item.known({"condition",
                    "active",
                    "systemic_treatment",
                    "last_treated",
                    "diagnosed_on",
                    "treatment_ended",
                    "type",
                    "organ",
                    "date"});
        Condition condition;
        condition.name = item.text("condition");
        condition.active = item.boolean("active");
        condition.systemic_treatment = item.boolean("systemic_treatment");
        condition.last_treated = item.date("last_treated");
        condition.diagnosed_on = item.partial_date("diagnosed_on");
        condition.treatment_ended = item.partial_date("treatment_ended");
        condition.type = item.choice<std::string>("type",
                                                  {{"solid_organ", "solid_organ"},
                                                   {"allogeneic_hsct", "allogeneic_hsct"}})
                             .value_or("");
        condition.organ = item.text("organ");
        condition.date = item.date("date");
        if (condition.diagnosed_on && condition.treatment_ended &&
            condition.treatment_ended->latest() < condition.diagnosed_on->earliest()) {
            parent.problems().error(item.at("treatment_ended"),
                                    "treatment ended " + condition.treatment_ended->to_string() +
                                        " before the diagnosis " +
                                        condition.diagnosed_on->to_string());
        }
        conditions.push_back(std::move(condition));
    }
    return conditions;
}

void read_comorbidities(const Object& root, Patient& patient) {
    const auto object = root.object("comorbidities");
    if (!object) {
        return;
    }
    object->known({"hiv", "hbv", "hcv", "autoimmune", "other_malignancies", "transplant", "other"});
    Comorbidities comorbidities;
    comorbidities.hiv = read_infection(*object, "hiv");
    comorbidities.hbv = read_infection(*object, "hbv");
    comorbidities.hcv = read_infection(*object, "hcv");
    comorbidities.autoimmune = read_conditions(*object, "autoimmune");
    comorbidities.other_malignancies = read_conditions(*object, "other_malignancies");
    comorbidities.transplant = read_conditions(*object, "transplant");
    comorbidities.other = read_conditions(*object, "other");
    patient.comorbidities = std::move(comorbidities);
}

void read_allergies(const Object& root, Patient& patient) {
    const auto items = root.objects("allergies");
    if (!items) {
        return;
    }
    std::vector<Allergy> allergies;
    for (const auto& item : *items) {
        item.known({"substance", "reaction"});
        Allergy allergy;
        allergy.substance = item.string("substance", true).value_or("");
        allergy.reaction = item.text("reaction");
        allergies.push_back(std::move(allergy));
    }
    patient.allergies = std::move(allergies);
}

void read_medications(const Object& root, Patient& patient) {
    const auto items = root.objects("medications");
    if (!items) {
        return;
    }
    patient.medications.emplace();
    for (const auto& item : *items) {
        item.known({"name", "dose_mg_per_day", "route", "start", "end"});
        Medication medication;
        medication.name = item.string("name", true).value_or("");
        medication.dose_mg_per_day = item.number("dose_mg_per_day", 0, 100000);
        medication.route = item.choice<std::string>("route",
                                                    {{"oral", "oral"},
                                                     {"iv", "iv"},
                                                     {"inhaled", "inhaled"},
                                                     {"topical", "topical"},
                                                     {"intranasal", "intranasal"},
                                                     {"ophthalmic", "ophthalmic"},
                                                     {"other", "other"}})
                               .value_or("");
        medication.start = item.date("start");
        medication.end = item.date("end");
        check_order(item, "end", medication.start, medication.end, "start", "end");
        // §5.13: inhaled, topical, ophthalmic and intranasal steroids are exempt; only systemic
        // doses are converted.
        const bool systemic = medication.route.empty() || medication.route == "oral" ||
                              medication.route == "iv" || medication.route == "other";
        if (systemic && medication.dose_mg_per_day) {
            medication.prednisone_equivalent_mg_per_day =
                prednisone_equivalent(medication.name, *medication.dose_mg_per_day);
        }
        patient.medications->push_back(std::move(medication));
    }
}

void read_other(const Object& root, Patient& patient) {
    if (const auto object = root.object("pregnancy")) {
        object->known({"status", "breastfeeding", "tested_on"});
        Pregnancy pregnancy;
        const auto status =
            object->choice<PregnancyStatus>("status",
                                            {{"pregnant", PregnancyStatus::pregnant},
                                             {"not_pregnant", PregnancyStatus::not_pregnant},
                                             {"not_applicable", PregnancyStatus::not_applicable}});
        pregnancy.breastfeeding = object->boolean("breastfeeding");
        pregnancy.tested_on = object->date("tested_on");
        if (status) {
            pregnancy.status = *status;
            patient.pregnancy = pregnancy;
        } else if (!object->get("status")) {
            root.problems().error(object->at("status"), "missing (required)");
        }
    }
    if (const auto object = root.object("life_expectancy")) {
        object->known({"months", "assessed_on"});
        LifeExpectancy expectancy;
        const auto months = object->number("months", 0, 1200, true);
        expectancy.assessed_on = object->date("assessed_on");
        if (months) {
            expectancy.months = *months;
            patient.life_expectancy = expectancy;
        }
    }
}

// RapidJSON keeps every duplicate and lookups see the first; other tools take the last. Either
// way one of the values would be silently lost, so a duplicate is an error.
bool find_duplicate_keys(const rj::Value& value,
                         const std::string& pointer,
                         Problems& problems,
                         int depth = 0) {
    // The format nests a few levels; anything far deeper is not a patient record, and walking
    // it recursively would exhaust the stack.
    constexpr int max_depth = 32;
    if (depth > max_depth) {
        problems.error(pointer, "nested more than " + std::to_string(max_depth) + " levels deep");
        return false;
    }
    if (value.IsObject()) {
        std::vector<std::string_view> names;
        for (const auto& member : value.GetObject()) {
            const std::string_view name{member.name.GetString(), member.name.GetStringLength()};
            const std::string at = pointer + "/" + escape_token(name);
            if (std::find(names.begin(), names.end(), name) != names.end()) {
                problems.error(at, "duplicate key '" + std::string{name} + "'");
            } else {
                names.push_back(name);
            }
            if (!find_duplicate_keys(member.value, at, problems, depth + 1)) {
                return false;
            }
        }
    } else if (value.IsArray()) {
        rj::SizeType index = 0;
        for (const auto& element : value.GetArray()) {
            if (!find_duplicate_keys(
                    element, pointer + "/" + std::to_string(index++), problems, depth + 1)) {
                return false;
            }
        }
    }
    return true;
}

std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

} // namespace

PatientDocument read_patient_json(std::string_view text, const std::string& source) {
    rj::Document document;
    // Iterative: a hostile nesting depth cannot exhaust the stack; invalid UTF-8 is refused.
    document.Parse<rj::kParseIterativeFlag | rj::kParseValidateEncodingFlag>(text.data(),
                                                                             text.size());
    if (document.HasParseError()) {
        const auto [line, column] = line_and_column(text, document.GetErrorOffset());
        throw PatientRecordError(
            source,
            {{"",
              "malformed JSON at line " + std::to_string(line) + ", column " +
                  std::to_string(column) + ": " + rj::GetParseError_En(document.GetParseError())}});
    }
    if (!document.IsObject()) {
        throw PatientRecordError(source,
                                 {{"", "expected a JSON object, found " + kind_of(document)}});
    }
    Problems problems;
    if (!find_duplicate_keys(document, "", problems)) {
        throw PatientRecordError(source, std::move(problems.errors));
    }
    const Object root{document, "", problems};
    root.known({"format",
                "id",
                "birth_date",
                "age",
                "sex",
                "location",
                "diagnosis",
                "biomarkers",
                "hla",
                "metastases",
                "brain_metastases",
                "performance_status",
                "labs",
                "treatments",
                "radiotherapy",
                "surgery",
                "scans",
                "adverse_events",
                "comorbidities",
                "allergies",
                "medications",
                "pregnancy",
                "life_expectancy"});
    const auto format = root.string("format");
    if (!root.get("format")) {
        problems.error("/format", "missing (expected \"" + std::string{format_name} + "\")");
    } else if (format && *format != format_name) {
        problems.error("/format",
                       "unsupported format '" + *format + "' (expected \"" +
                           std::string{format_name} + "\")");
    }
    PatientDocument result;
    Patient& patient = result.patient;
    patient.id = root.string("id", true).value_or("");
    read_demographics(root, patient);
    read_diagnosis(root, patient);
    read_markers(root, patient);
    read_disease_sites(root, patient);
    read_performance(root, patient);
    read_labs(root, patient);
    read_treatments(root, patient);
    read_local_therapy(root, patient);
    read_scans(root, patient);
    read_events(root, patient);
    read_comorbidities(root, patient);
    read_allergies(root, patient);
    read_medications(root, patient);
    read_other(root, patient);
    if (!problems.errors.empty()) {
        throw PatientRecordError(source, std::move(problems.errors));
    }
    result.warnings = std::move(problems.warnings);
    return result;
}

PatientDocument read_patient_file(const std::filesystem::path& path) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
        throw Error(ErrorCode::io, path.string() + ": is a directory, not a patient record");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCode::io, path.string() + ": cannot open the patient record");
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        throw Error(ErrorCode::io, path.string() + ": cannot read the patient record");
    }
    return read_patient_json(buffer.str(), path.string());
}

} // namespace trialmatch::connectors
