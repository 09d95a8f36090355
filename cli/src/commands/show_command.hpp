#pragma once

#include "command.hpp"

#include <string>

namespace trialmatch::cli {

/// `trialmatch show NCT_ID`: one trial from the store.
class ShowCommand final : public Command {
public:
    using Command::Command;

    const char* name() const noexcept override { return "show"; }

    const char* description() const noexcept override { return "one trial from the store"; }

    void setup(CLI::App& subcommand) override;

    Exit run() override;

private:
    std::string m_nct_id;
    std::string m_format = "text";
    bool m_raw = false;
    bool m_criteria = false;
};

} // namespace trialmatch::cli
