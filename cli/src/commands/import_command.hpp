#pragma once

#include "command.hpp"

#include <string>
#include <vector>

namespace trialmatch::cli {

/// `trialmatch import PATH...`: load study JSON into the store.
class ImportCommand final : public Command {
public:
    using Command::Command;

    const char* name() const noexcept override { return "import"; }

    const char* description() const noexcept override {
        return "load study JSON: API pages, single studies, NDJSON, directories, bulk ZIP";
    }

    void setup(CLI::App& subcommand) override;

    Exit run() override;

private:
    std::vector<std::string> m_inputs;
    std::string m_format = "text";
    unsigned m_batch_size = 500;
};

} // namespace trialmatch::cli
