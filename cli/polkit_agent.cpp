#include "polkit_agent.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace mptcp::cli {
namespace {

// How long the agent may take to register with polkit before the command
// goes on without waiting for it any longer.
constexpr int kAgentStartTimeoutMs = 10'000;

}  // namespace

bool mayAskPassword(bool askPasswordOption)
{
    return askPasswordOption && isatty(STDIN_FILENO) == 1;
}

void PolkitAgent::startIfUseful()
{
    if (pid_ > 0 || geteuid() == 0 || isatty(STDIN_FILENO) != 1) {
        return;
    }
    int notify[2];
    if (pipe2(notify, O_CLOEXEC) != 0) {
        return;
    }
    const std::string fd = std::to_string(notify[1]);
    const pid_t pid = fork();
    if (pid < 0) {
        close(notify[0]);
        close(notify[1]);
        return;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlives the command
        // The agent prompts on the terminal even when our stdout is a pipe.
        if (isatty(STDOUT_FILENO) != 1) {
            const int tty = open("/dev/tty", O_WRONLY | O_CLOEXEC);
            if (tty >= 0) {
                dup2(tty, STDOUT_FILENO);
                dup2(tty, STDERR_FILENO);
            }
        }
        // The notify fd is the one descriptor the agent inherits besides stdio.
        const int kept = fcntl(notify[1], F_GETFD);
        fcntl(notify[1], F_SETFD, kept & ~FD_CLOEXEC);
        execlp("pkttyagent", "pkttyagent", "--notify-fd", fd.c_str(), "--fallback", static_cast<char*>(nullptr));
        _exit(127);
    }
    close(notify[1]);
    pid_ = pid;
    // Ready when the agent closes its end (or exits, e.g. not installed).
    pollfd wait{notify[0], POLLIN, 0};
    while (poll(&wait, 1, kAgentStartTimeoutMs) < 0 && errno == EINTR) {
    }
    close(notify[0]);
}

PolkitAgent::~PolkitAgent()
{
    if (pid_ <= 0) {
        return;
    }
    kill(pid_, SIGTERM);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace mptcp::cli
