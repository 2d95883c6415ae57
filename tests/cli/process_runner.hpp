// Runs a program the way a user's shell would, but inside a given network
// namespace and optionally as another user, and captures what the user
// sees: stdout, stderr and the exit status. For comparing mptcpctl with
// ip; no shell, so the words reach the program exactly as written.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace mptcp::test {

struct RunResult {
    std::string out;
    std::string err;
    int status = -1;  // exit status, or 128 + signal number
};

struct RunOptions {
    int netnsFd = -1;                   // -1: this process's namespace
    std::vector<std::string> extraEnv;  // NAME=VALUE, added to ours (replacing ours of that NAME)
    uid_t uid = 0;                      // non-zero: drop to this uid/gid first
    std::chrono::seconds timeout{20};   // then SIGKILL, and the test fails
    int stdinFd = -1;                   // >= 0: the program's stdin (e.g. a pseudo-terminal)
};

// argv[0] is looked up in PATH. Throws std::runtime_error when the program
// cannot be started or does not finish in time.
RunResult runProgram(const std::vector<std::string>& argv, const RunOptions& options = {});

// A program left running, its stdout and stderr going to a file, until
// stop() sends it a signal and reaps it.
class BackgroundProgram {
public:
    BackgroundProgram(const std::vector<std::string>& argv, const std::string& outputFile,
                      const RunOptions& options = {});
    ~BackgroundProgram();
    BackgroundProgram(const BackgroundProgram&) = delete;
    BackgroundProgram& operator=(const BackgroundProgram&) = delete;

    // Sends sig (by pid) and waits up to 5 s; returns the exit status, or
    // 128 + signal number; -1 if it had to be killed.
    int stop(int sig);

private:
    pid_t pid_ = -1;
};

// A fresh network namespace with lo up (as an fd; it lives while the fd
// is open), made without moving this process out of its own namespace.
int newNetworkNamespace();

}  // namespace mptcp::test
