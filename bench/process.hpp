// Child processes of the benchmark: started with fork+exec (the benchmark
// has threads, so the child makes only system calls before execve), pinned
// to a CPU or not, and ended by their pid only. A child gets SIGKILL when
// the benchmark dies, so nothing it started outlives it.
#pragma once

#include "find_executable.hpp"

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mptcp::bench {

struct SpawnOptions {
    std::vector<std::string> argv;      // argv[0]: a path, or a name looked up in PATH
    std::vector<std::string> extraEnv;  // NAME=value on top of the benchmark's environment
    std::string logPath;                // stdout and stderr; "" = /dev/null
    int stdoutFd = -1;                  // instead of logPath for stdout, when >= 0
    std::optional<int> cpu;             // pin to this CPU before execve
    bool newNetworkNamespace = false;   // unshare(CLONE_NEWNET) before execve
};

// Throws std::runtime_error naming the step that failed.
pid_t spawnProcess(const SpawnOptions& options);

// SIGTERM, up to `grace` for it to exit, then SIGKILL; always reaps.
// Returns "" when it exited with status 0 (or on SIGTERM), else what happened.
std::string stopProcess(pid_t pid, std::chrono::milliseconds grace = std::chrono::seconds(5));

struct RunResult {
    int exitCode = -1;   // 128 + signal for a killed child
    double seconds = 0;  // fork to reaped
    std::string output;  // stdout, when captured
};

// Runs a command to its end (killed after `timeout`); stdout captured when
// captureOutput, stderr to options.logPath.
RunResult runProcess(SpawnOptions options, std::chrono::milliseconds timeout, bool captureOutput = false);

// The path of an executable, or "" when there is none (tests/).
using ::mptcp::findExecutable;

// Pins every thread of pid to cpu, or lets it run anywhere (nullopt).
// Returns false if the process is gone.
bool pinProcess(pid_t pid, std::optional<int> cpu);

// The benchmark's own threads (call from the thread that measures).
void pinSelf(std::optional<int> cpu);

// Owns a long-running child: stops it when it goes out of scope.
class ChildProcess {
public:
    ChildProcess() = default;
    explicit ChildProcess(pid_t pid) : pid_(pid) {}
    ~ChildProcess() { stop(); }
    ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    bool running() const { return pid_ > 0; }
    // Whether it has exited by itself (then reaped, and pid() is -1).
    bool exited();
    std::string stop();

private:
    pid_t pid_ = -1;
};

}  // namespace mptcp::bench
