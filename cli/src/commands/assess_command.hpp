#pragma once

#include "command.hpp"

#include <string>

namespace trialmatch::cli {

/// `trialmatch assess --patient FILE`: progression and resistance status from the patient's
/// treatment and scan timeline (DOMAIN.md §1-§3), as text or trialmatch-assess/1.
class AssessCommand final : public Command {
public:
    using Command::Command;

    const char* name() const noexcept override { return "assess"; }

    const char* description() const noexcept override {
        return "the patient's progression and resistance status";
    }

    void setup(CLI::App& subcommand) override;

    Exit run() override;

private:
    std::string m_patient;
    std::string m_format = "text";
    std::string m_as_of;
};

} // namespace trialmatch::cli
