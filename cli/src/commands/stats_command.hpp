#pragma once

#include "command.hpp"

#include <string>

namespace trialmatch::cli {

/// `trialmatch stats`: what the store holds and when it was last filled.
class StatsCommand final : public Command {
public:
    using Command::Command;

    const char* name() const noexcept override { return "stats"; }

    const char* description() const noexcept override {
        return "what the store holds, when it was last imported or refreshed";
    }

    void setup(CLI::App& subcommand) override;

    Exit run() override;

private:
    std::string m_format = "text";
};

} // namespace trialmatch::cli
