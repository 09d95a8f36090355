#pragma once

#include <cstdint>
#include <string_view>

namespace trialmatch::engine {

/// How library code reports progress without printing: the CLI draws a bar on a TTY or writes
/// log lines; tests and batch callers pass NullProgress. Calls come from one thread.
class ProgressSink {
public:
    ProgressSink() = default;
    ProgressSink(const ProgressSink&) = default;
    ProgressSink(ProgressSink&&) = default;
    ProgressSink& operator=(const ProgressSink&) = default;
    ProgressSink& operator=(ProgressSink&&) = default;
    virtual ~ProgressSink() = default;

    /// A new unit of work begins (a file, a page); `total` is its size in bytes, 0 if unknown.
    virtual void begin(std::string_view what, std::uint64_t total) = 0;

    /// `done` bytes of the current unit are processed and `items` studies seen in all.
    virtual void update(std::uint64_t done, std::uint64_t items) = 0;

    /// A warning or note worth a line of its own.
    virtual void note(std::string_view message) = 0;
};

/// Discards everything.
class NullProgress final : public ProgressSink {
public:
    void begin(std::string_view /*what*/, std::uint64_t /*total*/) override {}

    void update(std::uint64_t /*done*/, std::uint64_t /*items*/) override {}

    void note(std::string_view /*message*/) override {}
};

} // namespace trialmatch::engine
