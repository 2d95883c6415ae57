#include "process.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

extern char** environ;

namespace mptcp::bench {
namespace {

using Clock = std::chrono::steady_clock;

// What the child writes to its error pipe when a step before execve fails.
struct ChildFailure {
    int step;
    int error;
};
constexpr const char* kSteps[] = {"prctl", "unshare(CLONE_NEWNET)", "sched_setaffinity", "redirecting stdio", "execve"};

[[noreturn]] void childFails(int pipeFd, int step)
{
    const ChildFailure f{step, errno};
    [[maybe_unused]] const ssize_t n = write(pipeFd, &f, sizeof f);
    _exit(127);
}

std::vector<char*> cStrings(std::vector<std::string>& strings)
{
    std::vector<char*> out;
    for (auto& s : strings) {
        out.push_back(s.data());
    }
    out.push_back(nullptr);
    return out;
}

std::string describeStatus(int status)
{
    if (WIFEXITED(status)) {
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        return std::string("was killed by ") + strsignal(WTERMSIG(status));
    }
    return "stopped (wait status " + std::to_string(status) + ")";
}

int exitCodeOf(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::optional<int> waitWithTimeout(pid_t pid, std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    for (auto pause = std::chrono::microseconds(50);; pause = std::min(pause * 2, std::chrono::microseconds(10000))) {
        int status = 0;
        const pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            return status;
        }
        if (r < 0 && errno != EINTR) {
            return std::nullopt;
        }
        if (Clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(pause);
    }
}

cpu_set_t cpuSet(std::optional<int> cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (cpu) {
        CPU_SET(*cpu, &set);
    } else {
        const long n = sysconf(_SC_NPROCESSORS_CONF);
        for (long i = 0; i < n && i < CPU_SETSIZE; ++i) {
            CPU_SET(static_cast<int>(i), &set);
        }
    }
    return set;
}

}  // namespace

pid_t spawnProcess(const SpawnOptions& options)
{
    if (options.argv.empty()) {
        throw std::runtime_error("spawnProcess: no command");
    }
    std::vector<std::string> args = options.argv;
    args[0] = findExecutable(options.argv[0]);
    if (args[0].empty()) {
        throw std::runtime_error(options.argv[0] + ": no such executable");
    }
    // extraEnv replaces a variable of the same name (getenv finds the first).
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string_view entry(*e);
        const auto name = entry.substr(0, entry.find('=') + 1);
        bool replaced = false;
        for (const auto& extra : options.extraEnv) {
            replaced = replaced || extra.compare(0, name.size(), name) == 0;
        }
        if (!replaced) {
            env.emplace_back(entry);
        }
    }
    env.insert(env.end(), options.extraEnv.begin(), options.extraEnv.end());
    const auto argv = cStrings(args);
    const auto envp = cStrings(env);
    const cpu_set_t cpus = cpuSet(options.cpu);

    const int devNull = open("/dev/null", O_RDWR | O_CLOEXEC);
    const int log =
        options.logPath.empty() ? -1 : open(options.logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int out = options.stdoutFd >= 0 ? options.stdoutFd : (log >= 0 ? log : devNull);
    const int err = log >= 0 ? log : devNull;
    int errorPipe[2];
    if (devNull < 0 || pipe2(errorPipe, O_CLOEXEC) != 0) {
        const std::string why = std::strerror(errno);
        close(devNull);
        close(log);
        throw std::runtime_error("starting " + args[0] + ": " + why);
    }
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
        close(errorPipe[0]);
        // Nothing the benchmark started may outlive it.
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) {
            childFails(errorPipe[1], 0);
        }
        if (options.newNetworkNamespace && unshare(CLONE_NEWNET) != 0) {
            childFails(errorPipe[1], 1);
        }
        if (sched_setaffinity(0, sizeof cpus, &cpus) != 0 && options.cpu) {
            childFails(errorPipe[1], 2);
        }
        if (dup2(devNull, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0) {
            childFails(errorPipe[1], 3);
        }
        execve(argv[0], argv.data(), envp.data());
        childFails(errorPipe[1], 4);
    }
    const int forkErrno = errno;
    close(errorPipe[1]);
    close(devNull);
    if (log >= 0) {
        close(log);
    }
    if (pid < 0) {
        close(errorPipe[0]);
        throw std::runtime_error("fork: " + std::string(std::strerror(forkErrno)));
    }
    ChildFailure failure{};
    ssize_t n;
    do {
        n = read(errorPipe[0], &failure, sizeof failure);
    } while (n < 0 && errno == EINTR);
    close(errorPipe[0]);
    if (n == static_cast<ssize_t>(sizeof failure)) {
        waitpid(pid, nullptr, 0);
        throw std::runtime_error("starting " + args[0] + ": " + kSteps[failure.step] +
                                 " failed: " + std::strerror(failure.error));
    }
    return pid;
}

std::string stopProcess(pid_t pid, std::chrono::milliseconds grace)
{
    if (pid <= 0) {
        return "";
    }
    if (kill(pid, SIGTERM) != 0) {
        waitpid(pid, nullptr, WNOHANG);
        return std::string("could not be sent SIGTERM: ") + std::strerror(errno);
    }
    if (const auto status = waitWithTimeout(pid, grace)) {
        const bool clean =
            (WIFEXITED(*status) && WEXITSTATUS(*status) == 0) || (WIFSIGNALED(*status) && WTERMSIG(*status) == SIGTERM);
        return clean ? "" : describeStatus(*status);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return "did not exit within " + std::to_string(grace.count()) + " ms of SIGTERM (killed)";
}

RunResult runProcess(SpawnOptions options, std::chrono::milliseconds timeout, bool captureOutput)
{
    int pipeFds[2] = {-1, -1};
    if (captureOutput) {
        if (pipe2(pipeFds, O_CLOEXEC) != 0) {
            throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
        }
        options.stdoutFd = pipeFds[1];
    }
    RunResult result;
    const auto start = Clock::now();
    pid_t pid;
    try {
        pid = spawnProcess(options);
    } catch (...) {
        if (captureOutput) {
            close(pipeFds[0]);
            close(pipeFds[1]);
        }
        throw;
    }
    const auto deadline = start + timeout;
    if (captureOutput) {
        close(pipeFds[1]);
        char buf[4096];
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            pollfd pfd{pipeFds[0], POLLIN, 0};
            if (left.count() <= 0 || poll(&pfd, 1, static_cast<int>(left.count())) == 0) {
                break;
            }
            const ssize_t n = read(pipeFds[0], buf, sizeof buf);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                break;
            }
            result.output.append(buf, static_cast<std::size_t>(n));
        }
        close(pipeFds[0]);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto status = waitWithTimeout(pid, std::max(left, std::chrono::milliseconds(0)));
    if (!status) {
        kill(pid, SIGKILL);
        int s = 0;
        waitpid(pid, &s, 0);
        status = s;
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.exitCode = exitCodeOf(*status);
    return result;
}

bool pinProcess(pid_t pid, std::optional<int> cpu)
{
    const cpu_set_t set = cpuSet(cpu);
    const std::string taskDir = "/proc/" + std::to_string(pid) + "/task";
    DIR* dir = opendir(taskDir.c_str());
    if (dir == nullptr) {
        return false;
    }
    while (const dirent* e = readdir(dir)) {
        const int tid = std::atoi(e->d_name);
        if (tid > 0) {
            sched_setaffinity(tid, sizeof set, &set);
        }
    }
    closedir(dir);
    return true;
}

void pinSelf(std::optional<int> cpu)
{
    pinProcess(getpid(), cpu);
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept
{
    if (this != &other) {
        stop();
        pid_ = other.pid_;
        other.pid_ = -1;
    }
    return *this;
}

bool ChildProcess::exited()
{
    if (pid_ <= 0) {
        return true;
    }
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return true;
    }
    return false;
}

std::string ChildProcess::stop()
{
    const pid_t pid = pid_;
    pid_ = -1;
    return stopProcess(pid);
}

}  // namespace mptcp::bench
