#pragma once

// Child processes for the end-to-end tests: the loopback registry server and background
// trialmatch runs that a test can kill at a chosen moment.

#include "test_paths.hpp"

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace trialmatch::test {

/// Starts `argv` with stdout and stderr sent to files; returns the pid.
inline pid_t spawn(const std::vector<std::string>& argv,
                   const std::filesystem::path& out,
                   const std::filesystem::path& err,
                   const std::vector<std::string>& environment = {}) {
    const pid_t pid = fork();
    if (pid == 0) {
        const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int null_fd = ::open("/dev/null", O_RDONLY);
        dup2(null_fd, 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        for (const auto& assignment : environment) {
            putenv(const_cast<char*>(assignment.c_str()));
        }
        std::vector<char*> args;
        for (const auto& arg : argv) {
            args.push_back(const_cast<char*>(arg.c_str()));
        }
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    return pid;
}

/// Waits for `pid` and returns its exit status (-signal if it was killed).
inline int wait_exit(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) {
        return -WTERMSIG(status);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// The loopback registry (tests/support/registry_server.py) for one test.
class RegistryServer {
public:
    explicit RegistryServer(const std::filesystem::path& dir) : m_dir(dir) {
        std::filesystem::create_directories(dir / "data");
        write_file(dir / "control.json", "{}");
        m_pid = spawn({"python3",
                       TRIALMATCH_REGISTRY_SERVER,
                       "--data",
                       (dir / "data").string(),
                       "--control",
                       (dir / "control.json").string(),
                       "--log",
                       (dir / "requests.log").string(),
                       "--port-file",
                       (dir / "port").string()},
                      dir / "server.out",
                      dir / "server.err");
        for (int i = 0; i < 200 && !std::filesystem::exists(dir / "port"); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds{25});
        }
        const std::string port = read_file(dir / "port");
        if (port.empty()) {
            throw std::runtime_error{"registry server did not start: " +
                                     read_file(dir / "server.err")};
        }
        m_url = "http://127.0.0.1:" + port;
    }

    RegistryServer(const RegistryServer&) = delete;
    RegistryServer& operator=(const RegistryServer&) = delete;
    RegistryServer(RegistryServer&&) = delete;
    RegistryServer& operator=(RegistryServer&&) = delete;

    ~RegistryServer() {
        kill(m_pid, SIGTERM);
        wait_exit(m_pid);
    }

    const std::string& url() const { return m_url; }

    std::filesystem::path data() const { return m_dir / "data"; }

    void control(const std::string& json) const { write_file(m_dir / "control.json", json); }

    /// Request lines logged so far ("GET /api/v2/studies?...").
    std::vector<std::string> requests() const {
        std::vector<std::string> lines;
        const std::string text = read_file(m_dir / "requests.log");
        std::size_t start = 0;
        while (start < text.size()) {
            const auto end = text.find('\n', start);
            lines.push_back(text.substr(start, end - start));
            if (end == std::string::npos) {
                break;
            }
            start = end + 1;
        }
        return lines;
    }

    void clear_log() const { write_file(m_dir / "requests.log", ""); }

private:
    std::filesystem::path m_dir;
    pid_t m_pid = -1;
    std::string m_url;
};

} // namespace trialmatch::test
