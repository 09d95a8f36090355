#pragma once

#include "command.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace trialmatch::cli {

/// `trialmatch shortlist PATIENTS...`: every patient matched (in parallel), each with the top
/// trials, the reasons, the nearest site and what is new since their last shortlist or a date;
/// as an HTML report, Markdown, CSV or JSON (trialmatch-shortlist/1). A patient file that cannot
/// be used is reported and the others still get their shortlist; the exit status is then 1.
class ShortlistCommand final : public Command {
public:
    using Command::Command;

    const char* name() const noexcept override { return "shortlist"; }

    const char* description() const noexcept override {
        return "shortlists for many patients, for a coordinator";
    }

    void setup(CLI::App& subcommand) override;

    Exit run() override;

private:
    std::vector<std::string> m_inputs;
    std::string m_format = "html";
    std::string m_out;
    std::size_t m_top = 10;
    std::string m_since = "last";
    std::string m_as_of;
    std::string m_status = "RECRUITING,NOT_YET_RECRUITING";
    double m_within = 0;
    unsigned m_jobs = 0;
    bool m_no_save = false;
};

} // namespace trialmatch::cli
