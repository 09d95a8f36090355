#include "terminal_progress.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <unistd.h>

namespace trialmatch::cli {

TerminalProgress::TerminalProgress(bool enabled, bool log_lines) :
    m_active(enabled && isatty(STDERR_FILENO) != 0),
    m_log_lines(log_lines && isatty(STDERR_FILENO) == 0),
    m_start(std::chrono::steady_clock::now()) {}

TerminalProgress::~TerminalProgress() {
    clear();
}

void TerminalProgress::begin(std::string_view what, std::uint64_t total) {
    m_what = std::string{what};
    m_total = total;
    if (m_log_lines) {
        fmt::print(stderr, "trialmatch: {}\n", what);
    }
    draw(false);
}

void TerminalProgress::update(std::uint64_t done, std::uint64_t items) {
    m_done = done;
    m_items = items;
    draw(false);
}

void TerminalProgress::note(std::string_view message) {
    clear();
    fmt::print(stderr, "trialmatch: {}\n", message);
}

void TerminalProgress::clear() {
    if (m_active && m_drawn) {
        std::fputs("\r\033[K", stderr);
        m_drawn = false;
    }
}

void TerminalProgress::draw(bool force) {
    if (!m_active) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!force && m_drawn && now - m_last_draw < std::chrono::milliseconds{100}) {
        return;
    }
    m_last_draw = now;
    const double seconds = std::chrono::duration<double>(now - m_start).count();
    const double rate = seconds > 0 ? static_cast<double>(m_items) / seconds : 0.0;
    std::string what = m_what;
    if (what.size() > 50) {
        what = "..." + what.substr(what.size() - 47);
    }
    std::string eta;
    if (m_total > 0 && m_done > 0 && m_done < m_total && seconds > 0) {
        const double done_rate = static_cast<double>(m_done) / seconds;
        eta = fmt::format("  ETA {:.0f}s", static_cast<double>(m_total - m_done) / done_rate);
    }
    fmt::print(stderr,
               "\r\033[K{:>9} studies  {:>7.0f}/s  {:>5.1f}s{}  {}",
               m_items,
               rate,
               seconds,
               eta,
               what);
    std::fflush(stderr);
    m_drawn = true;
}

} // namespace trialmatch::cli
