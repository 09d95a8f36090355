#pragma once

#include "command.hpp"

namespace trialmatch::cli {

/// `trialmatch recompile`: compiles the eligibility criteria that this compiler version has not
/// compiled (import and refresh do it for what they bring); `--all` compiles every trial again.
class RecompileCommand final : public Command {
public:
    using Command::Command;

    const char* name() const noexcept override { return "recompile"; }

    const char* description() const noexcept override {
        return "compile the trials' eligibility criteria again";
    }

    void setup(CLI::App& subcommand) override;

    Exit run() override;

private:
    bool m_all = false;
};

} // namespace trialmatch::cli
