#pragma once

#include "command.hpp"

#include <cstddef>
#include <string>

namespace trialmatch::cli {

/// `trialmatch match --patient FILE`: the trials one patient can (or may) enter, ranked, with
/// every criterion's outcome and evidence (DESIGN.md trialmatch-match/1).
class MatchCommand final : public Command {
public:
    using Command::Command;

    const char* name() const noexcept override { return "match"; }

    const char* description() const noexcept override {
        return "ranked trials for one patient (--explain NCT_ID for one trial in full)";
    }

    void setup(CLI::App& subcommand) override;

    Exit run() override;

private:
    std::string m_patient;
    std::size_t m_top = 10;
    bool m_all = false;
    std::string m_format = "table";
    std::string m_near;
    double m_within = 0;
    std::string m_status = "RECRUITING,NOT_YET_RECRUITING";
    std::string m_phase;
    std::string m_as_of;
    std::string m_explain;
    bool m_observational = false;
    bool m_no_index = false;
};

} // namespace trialmatch::cli
