#include "process_runner.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

extern char** environ;

namespace mptcp::test {
namespace {

[[noreturn]] void fail(const std::string& what)
{
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

// Everything a child needs, prepared before fork(): the test may have
// threads, so the child only makes system calls.
class Exec {
public:
    Exec(const std::vector<std::string>& argv, const RunOptions& options) : options_(options)
    {
        for (const auto& a : argv) {
            argv_.push_back(const_cast<char*>(a.c_str()));
        }
        argv_.push_back(nullptr);
        for (char** e = environ; *e != nullptr; ++e) {
            const std::string_view entry(*e);
            const bool replaced =
                std::any_of(options.extraEnv.begin(), options.extraEnv.end(), [&](const std::string& x) {
                    return x.substr(0, x.find('=') + 1) == entry.substr(0, entry.find('=') + 1);
                });
            if (!replaced) {
                envStrings_.emplace_back(*e);
            }
        }
        envStrings_.insert(envStrings_.end(), options.extraEnv.begin(), options.extraEnv.end());
        for (auto& e : envStrings_) {
            env_.push_back(e.data());
        }
        env_.push_back(nullptr);
    }

    // In the child: namespace, user, stdout/stderr, then the program.
    [[noreturn]] void run(int outFd, int errFd) const
    {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (options_.netnsFd >= 0 && setns(options_.netnsFd, CLONE_NEWNET) != 0) {
            _exit(126);
        }
        if (options_.uid != 0 &&
            (setgroups(0, nullptr) != 0 || setgid(options_.uid) != 0 || setuid(options_.uid) != 0)) {
            _exit(126);
        }
        if (options_.stdinFd >= 0) {
            dup2(options_.stdinFd, 0);
        }
        dup2(outFd, 1);
        dup2(errFd, 2);
        execvpe(argv_[0], argv_.data(), env_.data());
        _exit(127);
    }

private:
    const RunOptions& options_;
    std::vector<char*> argv_;
    std::vector<std::string> envStrings_;
    std::vector<char*> env_;
};

}  // namespace

RunResult runProgram(const std::vector<std::string>& argv, const RunOptions& options)
{
    const Exec exec(argv, options);

    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
        fail("pipe2");
    }
    const pid_t pid = fork();
    if (pid < 0) {
        fail("fork");
    }
    if (pid == 0) {
        exec.run(out[1], err[1]);
    }
    close(out[1]);
    close(err[1]);

    RunResult result;
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open = 2;
    bool late = false;
    while (open > 0) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            late = true;
            break;
        }
        if (poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) {
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                char buffer[4096];
                const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
                if (n > 0) {
                    sinks[i]->append(buffer, static_cast<std::size_t>(n));
                } else {
                    close(fds[i].fd);
                    fds[i].fd = -1;
                    --open;
                }
            }
        }
    }
    for (auto& f : fds) {
        if (f.fd >= 0) {
            close(f.fd);
        }
    }
    if (late) {
        kill(pid, SIGKILL);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (late) {
        throw std::runtime_error("`" + argv[0] + "` did not finish in time");
    }
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (result.status == 126 || result.status == 127) {
        throw std::runtime_error("could not start `" + argv[0] + "` (status " + std::to_string(result.status) + ")");
    }
    return result;
}

BackgroundProgram::BackgroundProgram(const std::vector<std::string>& argv, const std::string& outputFile,
                                     const RunOptions& options)
{
    const Exec exec(argv, options);
    const int out = open(outputFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        fail("open " + outputFile);
    }
    pid_ = fork();
    if (pid_ < 0) {
        close(out);
        fail("fork");
    }
    if (pid_ == 0) {
        exec.run(out, out);
    }
    close(out);
}

BackgroundProgram::~BackgroundProgram()
{
    if (pid_ > 0) {
        stop(SIGKILL);
    }
}

int BackgroundProgram::stop(int sig)
{
    if (pid_ <= 0) {
        return -1;
    }
    const pid_t pid = pid_;
    pid_ = -1;
    kill(pid, sig);
    for (int i = 0; i < 500; ++i) {
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return -1;
}

int newNetworkNamespace()
{
    // A child makes the namespace; we keep a reference through /proc.
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) {
        fail("pipe2");
    }
    const pid_t pid = fork();
    if (pid < 0) {
        fail("fork");
    }
    if (pid == 0) {
        char ok = unshare(CLONE_NEWNET) == 0 ? '1' : '0';
        [[maybe_unused]] const ssize_t w = write(ready[1], &ok, 1);
        pause();  // killed below once the parent holds the namespace
        _exit(0);
    }
    close(ready[1]);
    char ok = '0';
    [[maybe_unused]] const ssize_t r = read(ready[0], &ok, 1);
    close(ready[0]);
    int fd = -1;
    if (ok == '1') {
        fd = open(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    if (fd < 0) {
        throw std::runtime_error("cannot make a network namespace");
    }
    RunOptions in;
    in.netnsFd = fd;
    if (runProgram({"ip", "link", "set", "lo", "up"}, in).status != 0) {
        close(fd);
        throw std::runtime_error("cannot bring lo up in a new network namespace");
    }
    return fd;
}

}  // namespace mptcp::test
