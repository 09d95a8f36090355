#pragma once

#include "trialmatch/engine/progress.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace trialmatch::cli {

/// Draws a one-line progress display on stderr when stderr is a terminal (and `enabled`);
/// otherwise stays silent so cron mail and pipes get only results and errors.
class TerminalProgress final : public engine::ProgressSink {
public:
    /// `log_lines`: when stderr is not a terminal, write each begin() as a plain line instead
    /// (refresh logs its pages for cron mail; import stays silent).
    explicit TerminalProgress(bool enabled, bool log_lines = false);
    TerminalProgress(const TerminalProgress&) = delete;
    TerminalProgress(TerminalProgress&&) = delete;
    TerminalProgress& operator=(const TerminalProgress&) = delete;
    TerminalProgress& operator=(TerminalProgress&&) = delete;
    ~TerminalProgress() override;

    void begin(std::string_view what, std::uint64_t total) override;

    void update(std::uint64_t done, std::uint64_t items) override;

    void note(std::string_view message) override;

    /// Clears the progress line, so the next output starts on a clean line.
    void clear();

private:
    void draw(bool force);

    bool m_active;
    bool m_log_lines;
    bool m_drawn = false;
    std::string m_what;
    std::uint64_t m_items = 0;
    std::uint64_t m_total = 0; ///< size of the current unit, 0 when unknown
    std::uint64_t m_done = 0;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_last_draw;
};

} // namespace trialmatch::cli
