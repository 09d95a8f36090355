#include "timeline_svg.hpp"

#include "trialmatch/engine/tumour_response.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace trialmatch::cli {

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

namespace {

constexpr double width = 720;
constexpr double left = 56; // room for the mm axis labels
constexpr double right = 16;
constexpr double chart_top = 16;
constexpr double chart_height = 120;
constexpr double bar_height = 16;
constexpr double bar_gap = 6;

std::string join_agents(const engine::LineReport& line) {
    std::string text;
    for (const auto& agent : line.agents) {
        text += (text.empty() ? "" : " + ") + agent;
    }
    return text.empty() ? line.treatment.regimen : text;
}

} // namespace

std::string timeline_svg(const engine::Patient& patient,
                         const engine::PatientAssessment& assessment) {
    struct Point {
        engine::Date date;
        double sum = 0;
    };

    std::vector<Point> points;
    std::vector<const engine::Scan*> unmeasured; ///< scans without a target sum: marked on the axis
    std::vector<engine::Date> dates{assessment.as_of};
    if (patient.scans) {
        for (const auto& scan : *patient.scans) {
            if (scan.measurement.date > assessment.as_of) {
                continue; // facts after the as-of day are not part of the assessment
            }
            dates.push_back(scan.measurement.date);
            if (scan.measurement.target_sum_mm) {
                points.push_back({scan.measurement.date, *scan.measurement.target_sum_mm});
            } else {
                unmeasured.push_back(&scan);
            }
        }
    }
    for (const auto& line : assessment.lines) {
        dates.push_back(line.treatment.start);
    }
    if (assessment.confirmation_to) {
        dates.push_back(*assessment.confirmation_to);
    }
    const auto [first_it, last_it] = std::minmax_element(dates.begin(), dates.end());
    const engine::Date first = *first_it + (-14);
    const engine::Date last = *last_it + 14;
    const double span = static_cast<double>(std::max<std::int64_t>(last - first, 1));
    const auto x_of = [&](engine::Date d) {
        return left + (width - left - right) * static_cast<double>(d - first) / span;
    };
    double max_sum = 10;
    for (const auto& p : points) {
        max_sum = std::max(max_sum, p.sum);
    }
    max_sum *= 1.15;
    const auto y_of = [&](double sum) {
        return chart_top + chart_height * (1.0 - sum / max_sum);
    };
    const double bars_top = chart_top + chart_height + 28;
    const double height = bars_top +
                          static_cast<double>(std::max<std::size_t>(assessment.lines.size(), 1)) *
                              (bar_height + bar_gap) +
                          8;

    std::string svg =
        fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" role=\"img\" "
                    "viewBox=\"0 0 {:.0f} {:.0f}\" width=\"{:.0f}\" height=\"{:.0f}\">\n",
                    width,
                    height,
                    width,
                    height);
    svg += "<title>" + xml_escape("Course of patient " + patient.id) + "</title>\n";
    svg += fmt::format("<desc>Sum of target lesions (mm) at {} measured scans from {} to {}; {} "
                       "line(s) of therapy; as of {}.</desc>\n",
                       points.size(),
                       first.to_string(),
                       last.to_string(),
                       assessment.lines.size(),
                       assessment.as_of.to_string());
    // Axes: the sum of diameters, and dates every quarter of the span.
    svg += fmt::format("<line class=\"axis\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" "
                       "y2=\"{2:.1f}\"/>\n",
                       left,
                       chart_top,
                       chart_top + chart_height);
    svg += fmt::format("<line class=\"axis\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" "
                       "y2=\"{1:.1f}\"/>\n",
                       left,
                       chart_top + chart_height,
                       width - right);
    for (const double fraction : {0.0, 0.5, 1.0}) {
        const double sum = max_sum / 1.15 * fraction;
        svg += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" "
                           "text-anchor=\"end\">{:.0f} mm</text>\n",
                           left - 4,
                           y_of(sum) + 4,
                           sum);
    }
    for (int tick = 0; tick <= 4; ++tick) {
        const engine::Date d = first + static_cast<std::int64_t>(span * tick / 4);
        svg += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" "
                           "text-anchor=\"middle\">{}</text>\n",
                           std::clamp(x_of(d), left + 24, width - right - 24),
                           chart_top + chart_height + 14,
                           d.to_string().substr(0, 7));
    }
    // The confirmation window of an unconfirmed progression.
    if (assessment.confirmation_from && assessment.confirmation_to) {
        const double x1 = x_of(*assessment.confirmation_from);
        const double x2 = x_of(*assessment.confirmation_to);
        svg += fmt::format("<rect class=\"window\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                           "height=\"{:.1f}\"><title>confirmation window {} to {}</title></rect>\n",
                           x1,
                           chart_top,
                           std::max(x2 - x1, 2.0),
                           chart_height,
                           assessment.confirmation_from->to_string(),
                           assessment.confirmation_to->to_string());
    }
    // The tumour burden, then the iRECIST time points of the current course.
    if (points.size() > 1) {
        std::string path;
        for (const auto& p : points) {
            path += fmt::format("{:.1f},{:.1f} ", x_of(p.date), y_of(p.sum));
        }
        path.pop_back();
        svg += "<polyline class=\"burden\" points=\"" + path + "\"/>\n";
    }
    for (const auto& p : points) {
        svg += fmt::format("<circle class=\"scan\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\">"
                           "<title>{}: {:g} mm</title></circle>\n",
                           x_of(p.date),
                           y_of(p.sum),
                           p.date.to_string(),
                           p.sum);
    }
    for (const auto* scan : unmeasured) {
        const double x = x_of(scan->measurement.date);
        const double y = chart_top + chart_height;
        std::string what =
            scan->recorded_category.empty() ? "no target measurements" : scan->recorded_category;
        if (scan->measurement.new_lesions && *scan->measurement.new_lesions > 0) {
            what += fmt::format(", {} new lesion(s)", *scan->measurement.new_lesions);
        }
        svg += fmt::format("<path class=\"scan\" d=\"M{:.1f} {:.1f} l4 -7 l4 7 z\">"
                           "<title>{}: {}</title></path>\n",
                           x - 4,
                           y,
                           scan->measurement.date.to_string(),
                           xml_escape(what));
    }
    if (points.empty()) {
        svg += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\">no target lesion "
                           "measurements recorded</text>\n",
                           left + 8,
                           chart_top + chart_height / 2);
    }
    for (const auto& point : assessment.current.time_points) {
        const bool iupd = point.irecist == engine::ImmuneResponse::iupd;
        const bool icpd = point.irecist == engine::ImmuneResponse::icpd;
        if (!iupd && !icpd) {
            continue;
        }
        const double x = x_of(point.date);
        svg += fmt::format("<g class=\"{0}\"><line x1=\"{1:.1f}\" y1=\"{2:.1f}\" x2=\"{1:.1f}\" "
                           "y2=\"{3:.1f}\"/><text x=\"{1:.1f}\" y=\"{4:.1f}\" "
                           "text-anchor=\"middle\">{5}</text><title>{5} {6}</title></g>\n",
                           icpd ? "icpd" : "iupd",
                           x,
                           chart_top + 10,
                           chart_top + chart_height,
                           chart_top + 8,
                           icpd ? "iCPD" : "iUPD",
                           point.date.to_string());
    }
    // Lines of therapy.
    double y = bars_top;
    for (const auto& line : assessment.lines) {
        // Facts after the as-of day are not part of the assessment, so no bar goes past it.
        const engine::Date end = line.treatment.last_dose && !line.treatment.ongoing.value_or(false)
                                     ? std::min(*line.treatment.last_dose, assessment.as_of)
                                     : assessment.as_of;
        const double x1 = x_of(line.treatment.start);
        const double x2 = std::max(x_of(end), x1 + 3);
        const std::string label = join_agents(line);
        svg += fmt::format("<g class=\"line{}\"><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                           "height=\"{:.0f}\"/><text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>"
                           "<title>{}: {} to {}</title></g>\n",
                           line.anti_pd1 ? " pd1" : "",
                           x1,
                           y,
                           x2 - x1,
                           bar_height,
                           std::min(x1 + 4, width - right - 120),
                           y + bar_height - 4,
                           xml_escape(label),
                           xml_escape(label),
                           line.treatment.start.to_string(),
                           end.to_string());
        y += bar_height + bar_gap;
    }
    if (assessment.lines.empty()) {
        svg += fmt::format(
            "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\">no treatment recorded</text>\n",
            left,
            bars_top + bar_height - 4);
    }
    const double now = x_of(assessment.as_of);
    svg += fmt::format("<line class=\"asof\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" "
                       "y2=\"{2:.1f}\"><title>as of {3}</title></line>\n",
                       now,
                       chart_top,
                       height - 4,
                       assessment.as_of.to_string());
    svg += "</svg>\n";
    return svg;
}

} // namespace trialmatch::cli
