#pragma once

#include "command.hpp"

#include <string>

namespace trialmatch::cli {

/// `trialmatch refresh`: pull new and changed trials from the registry.
class RefreshCommand final : public Command {
public:
    using Command::Command;

    const char* name() const noexcept override { return "refresh"; }

    const char* description() const noexcept override {
        return "pull new and changed trials from the registry (incremental by default)";
    }

    void setup(CLI::App& subcommand) override;

    Exit run() override;

private:
    std::string m_base_url;
    std::string m_condition;
    std::string m_term;
    std::string m_status;
    bool m_full = false;
    std::string m_since;
    bool m_reconcile = false;
    std::string m_report;
    std::string m_format = "text";
    double m_rate_limit = 50;
    double m_retry_for = 600;
    double m_backoff = 1.0;
    double m_timeout = 30;
    int m_page_size = 1000;
};

} // namespace trialmatch::cli
