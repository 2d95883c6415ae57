#include "bus_harness.hpp"

#include "find_executable.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace mptcp::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kStopTimeout{5};
constexpr std::chrono::seconds kCommandTimeout{20};
constexpr const char* kDaemonLog = "mptcp-pathmanagerd.log";
constexpr const char* kBusLog = "dbus-daemon.log";

[[noreturn]] void fail(const std::string& what)
{
    throw std::runtime_error(what);
}

[[noreturn]] void failErrno(const std::string& what)
{
    fail(what + ": " + std::strerror(errno));
}

std::string requiredEnv(const char* name)
{
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        fail(std::string(name) + " is not set (run the test through `meson test`)");
    }
    return value;
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string xmlEscaped(const std::string& text)
{
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string describeWaitStatus(int status)
{
    if (WIFEXITED(status)) {
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
    }
    return "stopped in an unexpected way (wait status " + std::to_string(status) + ")";
}

// Reaps pid if it ends within timeout; nullopt if it is still running.
std::optional<int> waitForExit(pid_t pid, std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            return status;
        }
        if (r < 0 && errno != EINTR) {
            return std::nullopt;  // not our child (any more): nothing to wait for
        }
        if (Clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

// SIGTERM, a bounded wait, then SIGKILL: a child of ours never outlives the
// test. Returns "" for a clean exit 0, else what happened.
std::string terminate(pid_t pid)
{
    if (kill(pid, SIGTERM) != 0) {
        return std::string("could not be sent SIGTERM: ") + std::strerror(errno);
    }
    if (auto status = waitForExit(pid, kStopTimeout)) {
        return WIFEXITED(*status) && WEXITSTATUS(*status) == 0 ? "" : describeWaitStatus(*status);
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    return "did not exit within " + std::to_string(kStopTimeout.count()) + " s of SIGTERM (killed)";
}

// Which network namespace a child process lives in.
enum class Netns { Inherit, CreateNew, Enter };

// Everything a child needs, prepared before fork(): the test process has
// threads (sdbus-c++ event loops), so the child only makes system calls
// between fork() and execve().
struct ChildSpec {
    std::vector<std::string> argv;  // argv[0]: the path to execute
    std::vector<std::string> env;
    int stdoutFd = -1;  // -1: inherited
    int stderrFd = -1;
    int keepFd = -1;  // left open across execve(), under the same number
    Netns netns = Netns::Inherit;
    int netnsFd = -1;  // for Netns::Enter
};

// What a child reports through its error pipe when a step before execve()
// fails.
struct ChildFailure {
    int step;
    int error;
};
constexpr const char* kChildSteps[] = {"prctl(PR_SET_PDEATHSIG)", "unshare(CLONE_NEWNET)", "setns(CLONE_NEWNET)",
                                       "redirecting stdio",       "fcntl(F_SETFD)",        "execve"};

[[noreturn]] void childFails(int errorPipe, int step)
{
    const ChildFailure failure{step, errno};
    [[maybe_unused]] const ssize_t n = write(errorPipe, &failure, sizeof failure);
    _exit(127);
}

[[noreturn]] void runChild(const ChildSpec& spec, char* const* argv, char* const* envp, int devNull, int errorPipe)
{
    // A test that crashes must not leave its daemons behind.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
        childFails(errorPipe, 0);
    }
    if (spec.netns == Netns::CreateNew && unshare(CLONE_NEWNET) != 0) {
        childFails(errorPipe, 1);
    }
    if (spec.netns == Netns::Enter && setns(spec.netnsFd, CLONE_NEWNET) != 0) {
        childFails(errorPipe, 2);
    }
    if (dup2(devNull, STDIN_FILENO) < 0 || (spec.stdoutFd >= 0 && dup2(spec.stdoutFd, STDOUT_FILENO) < 0) ||
        (spec.stderrFd >= 0 && dup2(spec.stderrFd, STDERR_FILENO) < 0)) {
        childFails(errorPipe, 3);
    }
    if (spec.keepFd >= 0 && fcntl(spec.keepFd, F_SETFD, 0) != 0) {
        childFails(errorPipe, 4);
    }
    execve(argv[0], argv, envp);
    childFails(errorPipe, 5);
}

std::vector<char*> cStrings(const std::vector<std::string>& strings)
{
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (const auto& s : strings) {
        out.push_back(const_cast<char*>(s.c_str()));
    }
    out.push_back(nullptr);
    return out;
}

// Starts a child as spec says; throws if any step up to execve() fails.
pid_t spawn(const ChildSpec& spec)
{
    const std::vector<char*> argv = cStrings(spec.argv);
    const std::vector<char*> envp = cStrings(spec.env);
    const int devNull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devNull < 0) {
        failErrno("open /dev/null");
    }
    int errorPipe[2];
    if (pipe2(errorPipe, O_CLOEXEC) != 0) {
        close(devNull);
        failErrno("pipe2");
    }
    const pid_t pid = fork();
    if (pid == 0) {
        close(errorPipe[0]);
        runChild(spec, argv.data(), envp.data(), devNull, errorPipe[1]);
    }
    const int forkErrno = errno;
    close(devNull);
    close(errorPipe[1]);
    if (pid < 0) {
        close(errorPipe[0]);
        errno = forkErrno;
        failErrno("fork");
    }
    // The pipe closes on a successful execve(); a report means a failure.
    ChildFailure failure{};
    ssize_t n;
    do {
        n = read(errorPipe[0], &failure, sizeof failure);
    } while (n < 0 && errno == EINTR);
    close(errorPipe[0]);
    if (n == static_cast<ssize_t>(sizeof failure)) {
        int status = 0;
        waitpid(pid, &status, 0);
        fail("starting " + spec.argv[0] + ": " + kChildSteps[failure.step] +
             " failed: " + std::strerror(failure.error));
    }
    return pid;
}

// This process's environment with DBUS_SYSTEM_BUS_ADDRESS replaced, so that
// the child's "system bus" is the private one.
std::vector<std::string> environmentWithBus(const std::string& busAddress)
{
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::strncmp(*e, "DBUS_SYSTEM_BUS_ADDRESS=", 24) != 0) {
            env.emplace_back(*e);
        }
    }
    env.push_back("DBUS_SYSTEM_BUS_ADDRESS=" + busAddress);
    return env;
}

std::vector<std::string> currentEnvironment()
{
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        env.emplace_back(*e);
    }
    return env;
}

int openLog(const std::string& path)
{
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        failErrno("open " + path);
    }
    return fd;
}

// Reads fd until EOF or the deadline; false on timeout.
bool readUntilEof(int fd, std::string& out, Clock::time_point deadline, bool stopAtNewline = false)
{
    char buf[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd pfd{fd, POLLIN, 0};
        const int r = poll(&pfd, 1, static_cast<int>(left.count()));
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r == 0) {
            return false;
        }
        if (r < 0) {
            return true;  // cannot poll: treat as the end rather than spin
        }
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return true;
        }
        out.append(buf, static_cast<std::size_t>(n));
        if (stopAtNewline && out.find('\n') != std::string::npos) {
            return true;
        }
    }
}

bool sameNamespace(int fdA, const char* pathB)
{
    struct stat a {};
    struct stat b {};
    return fstat(fdA, &a) == 0 && stat(pathB, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// 0: fine; otherwise the child's exit code says what is missing.
constexpr int kNoMptcp = 200;

std::string probeNamespaceAndMptcp()
{
    const pid_t pid = fork();
    if (pid == 0) {
        if (unshare(CLONE_NEWNET) != 0) {
            _exit(errno);
        }
        // /proc/sys/net shows the namespace of the process that looks.
        _exit(access("/proc/sys/net/mptcp/enabled", F_OK) == 0 ? 0 : kNoMptcp);
    }
    if (pid < 0) {
        return std::string("fork failed: ") + std::strerror(errno);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status)) {
        return "the namespace probe " + describeWaitStatus(status);
    }
    const int code = WEXITSTATUS(status);
    if (code == kNoMptcp) {
        return "the kernel has no MPTCP (no /proc/sys/net/mptcp/enabled in a new network namespace)";
    }
    if (code != 0) {
        return std::string("unshare(CLONE_NEWNET) failed: ") + std::strerror(code);
    }
    return "";
}

}  // namespace

std::string busTestObstacle()
{
    if (geteuid() != 0) {
        return "the bus tests need root (a network namespace and CAP_NET_ADMIN for the daemon)";
    }
    if (findExecutable("dbus-daemon").empty()) {
        return "dbus-daemon is not installed";
    }
    return probeNamespaceAndMptcp();
}

// ------------------------------------------------------------ BusHarness ---

BusHarness::~BusHarness()
{
    stop();
}

// Tests of the policy run clients as nobody, so every directory above the
// bus socket must be searchable by other users. /tmp is (mode 1777) on most
// machines, but some sandboxes make it 0700; /run (0755) always is.
static std::string searchableTempParent()
{
    struct stat st {};
    if (stat("/tmp", &st) == 0 && (st.st_mode & S_IXOTH) != 0) {
        return "/tmp";
    }
    return "/run";
}

void BusHarness::start()
{
    std::string pattern = searchableTempParent() + "/mptcp-bus-test.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
        failErrno("mkdtemp");
    }
    dir_ = pattern;
    chmod(dir_.c_str(), 0755);
    writeBusConfig();
    startBus();
    startDaemon();
}

void BusHarness::writeBusConfig() const
{
    const std::string policy = requiredEnv("MPTCP_TEST_POLICY");
    if (access(policy.c_str(), R_OK) != 0) {
        failErrno("MPTCP_TEST_POLICY=" + policy);
    }
    // The system bus defaults (tools/private-bus-defaults.conf), then the
    // project's policy as a file of system.d would add it.
    const std::string defaults = requiredEnv("MPTCP_TEST_BUS_DEFAULTS");
    std::ofstream conf(dir_ + "/bus.conf");
    conf << R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=)"
         << xmlEscaped(dir_) << R"(/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <include>)"
         << xmlEscaped(defaults) << R"(</include>
)";
    if (options_.rootMayDoEverything) {
        conf << R"(  <policy user="root">
    <allow own="*"/>
    <allow send_destination="*"/>
  </policy>
)";
    }
    conf << "  <include>" << xmlEscaped(policy) << "</include>\n</busconfig>\n";
    conf.close();
    if (!conf) {
        fail("cannot write " + dir_ + "/bus.conf");
    }
}

void BusHarness::startBus()
{
    const std::string dbusDaemon = findExecutable("dbus-daemon");
    if (dbusDaemon.empty()) {
        fail("dbus-daemon is not installed");
    }
    int addressPipe[2];
    if (pipe2(addressPipe, O_CLOEXEC) != 0) {
        failErrno("pipe2");
    }
    const int log = openLog(dir_ + "/" + kBusLog);
    ChildSpec spec;
    spec.argv = {dbusDaemon,   "--config-file=" + dir_ + "/bus.conf",
                 "--nofork",   "--nopidfile",
                 "--nosyslog", "--print-address=" + std::to_string(addressPipe[1])};
    spec.env = currentEnvironment();
    spec.stdoutFd = log;
    spec.stderrFd = log;
    spec.keepFd = addressPipe[1];
    try {
        busPid_ = spawn(spec);
    } catch (...) {
        close(log);
        close(addressPipe[0]);
        close(addressPipe[1]);
        throw;
    }
    close(log);
    close(addressPipe[1]);
    // dbus-daemon prints its address once it listens; EOF means it died.
    std::string address;
    const bool inTime = readUntilEof(addressPipe[0], address, Clock::now() + kEventTimeout, true);
    close(addressPipe[0]);
    const auto newline = address.find('\n');
    if (!inTime || newline == std::string::npos) {
        fail("the private dbus-daemon did not come up (see its log)");
    }
    busAddress_ = address.substr(0, newline);
}

void BusHarness::startDaemon()
{
    const std::string daemon = requiredEnv("MPTCP_PATHMANAGERD");
    const int log = openLog(dir_ + "/" + kDaemonLog);
    ChildSpec spec;
    // The managed interfaces' state in the test's own directory, never the
    // host's /run (it outlives a restartDaemon(), as /run would); the same
    // for the configuration file (absent unless a test writes it).
    spec.argv = {daemon, "--state-file=" + dir_ + "/managed.state", "--config=" + dir_ + "/pathmanager.conf"};
    spec.argv.insert(spec.argv.end(), options_.daemonArgs.begin(), options_.daemonArgs.end());
    spec.env = environmentWithBus(busAddress_);
    spec.stdoutFd = log;
    spec.stderrFd = log;
    spec.netns = netnsFd_ < 0 ? Netns::CreateNew : Netns::Enter;
    spec.netnsFd = netnsFd_;
    try {
        daemonPid_ = spawn(spec);
    } catch (...) {
        close(log);
        throw;
    }
    close(log);
    waitForDaemonOnBus();
    if (netnsFd_ >= 0) {
        return;
    }
    const std::string nsPath = "/proc/" + std::to_string(daemonPid_) + "/ns/net";
    netnsFd_ = open(nsPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (netnsFd_ < 0) {
        failErrno("open " + nsPath);
    }
    // The one guard that keeps runInNamespace() off the host's network.
    if (sameNamespace(netnsFd_, "/proc/self/ns/net")) {
        close(netnsFd_);
        netnsFd_ = -1;
        fail("the daemon runs in the test's own network namespace; refusing to go on");
    }
}

void BusHarness::restartDaemon()
{
    if (daemonPid_ > 0) {
        fail("restartDaemon(): the daemon still runs (call stopDaemon() first)");
    }
    startDaemon();
}

// Polls until the name has an owner, and checks that the owner is our
// daemon (by pid), not some other process on the bus.
void BusHarness::waitForDaemonOnBus()
{
    auto connection = sdbus::createSessionBusConnectionWithAddress(busAddress_);
    auto busProxy = sdbus::createProxy(*connection, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    const auto deadline = Clock::now() + kEventTimeout;
    for (;;) {
        int status = 0;
        if (waitpid(daemonPid_, &status, WNOHANG) == daemonPid_) {
            daemonPid_ = -1;
            fail("mptcp-pathmanagerd " + describeWaitStatus(status) + " before owning " + kBusName);
        }
        try {
            std::uint32_t owner = 0;
            busProxy->callMethod("GetConnectionUnixProcessID")
                .onInterface("org.freedesktop.DBus")
                .withArguments(std::string(kBusName))
                .storeResultsTo(owner);
            if (static_cast<pid_t>(owner) != daemonPid_) {
                fail(std::string(kBusName) + " is owned by pid " + std::to_string(owner) + ", not by the daemon (pid " +
                     std::to_string(daemonPid_) + ")");
            }
            return;
        } catch (const sdbus::Error&) {
            // NameHasNoOwner: not yet.
        }
        if (Clock::now() >= deadline) {
            fail("mptcp-pathmanagerd did not own " + std::string(kBusName) + " within " +
                 std::to_string(kEventTimeout.count()) + " ms");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string BusHarness::stopDaemon()
{
    if (daemonPid_ <= 0) {
        return "";
    }
    const pid_t pid = daemonPid_;
    daemonPid_ = -1;
    const std::string problem = terminate(pid);
    return problem.empty() ? "" : "mptcp-pathmanagerd " + problem;
}

void BusHarness::stop()
{
    stopDaemon();
    if (busPid_ > 0) {
        terminate(busPid_);
        busPid_ = -1;
    }
    if (netnsFd_ >= 0) {
        close(netnsFd_);  // the namespace (and its veths) goes with the last reference
        netnsFd_ = -1;
    }
    if (!dir_.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        dir_.clear();
    }
}

std::string BusHarness::runInNamespace(const std::string& shellCmd, int* exitStatus) const
{
    if (netnsFd_ < 0) {
        fail("runInNamespace(): no namespace (start() did not succeed)");
    }
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        failErrno("pipe2");
    }
    ChildSpec spec;
    spec.argv = {"/bin/sh", "-c", shellCmd};
    spec.env = currentEnvironment();
    spec.stdoutFd = out[1];
    spec.netns = Netns::Enter;
    spec.netnsFd = netnsFd_;
    pid_t pid;
    try {
        pid = spawn(spec);
    } catch (...) {
        close(out[0]);
        close(out[1]);
        throw;
    }
    close(out[1]);
    std::string output;
    const bool inTime = readUntilEof(out[0], output, Clock::now() + kCommandTimeout);
    close(out[0]);
    if (!inTime) {
        kill(pid, SIGKILL);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!inTime) {
        fail("`" + shellCmd + "` did not finish within " + std::to_string(kCommandTimeout.count()) + " s");
    }
    if (exitStatus != nullptr) {
        *exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    return output;
}

std::string BusHarness::logs() const
{
    if (dir_.empty()) {
        return "";
    }
    return "----- mptcp-pathmanagerd's stderr -----\n" + readFile(dir_ + "/" + kDaemonLog) +
           "----- dbus-daemon's stderr -----\n" + readFile(dir_ + "/" + kBusLog) + "-----\n";
}

// ----------------------------------------------------- PathManagerClient ---

PathManagerClient::PathManagerClient(sdbus::IConnection& connection)
    : ProxyInterfaces(connection, kBusName, kObjectPath)
{
    registerProxy();
}

PathManagerClient::~PathManagerClient()
{
    unregisterProxy();
}

void PathManagerClient::record(RecordedSignal signal)
{
    {
        std::lock_guard lock(mutex_);
        signals_.push_back(std::move(signal));
    }
    arrived_.notify_all();
}

void PathManagerClient::recordEvent(const char* member, std::uint32_t token,
                                    const std::map<std::string, sdbus::Variant>& info)
{
    RecordedSignal s;
    s.member = member;
    s.token = token;
    s.info = info;
    record(std::move(s));
}

std::vector<RecordedSignal> PathManagerClient::recorded() const
{
    std::lock_guard lock(mutex_);
    return signals_;
}

std::size_t PathManagerClient::countOf(std::string_view member) const
{
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& s : signals_) {
        n += s.member == member ? 1 : 0;
    }
    return n;
}

bool PathManagerClient::waitForCount(std::string_view member, std::size_t n, std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] {
        std::size_t seen = 0;
        for (const auto& s : signals_) {
            seen += s.member == member ? 1 : 0;
        }
        return seen >= n;
    });
}

void PathManagerClient::onEndpointsChanged()
{
    RecordedSignal s;
    s.member = "EndpointsChanged";
    record(std::move(s));
}

void PathManagerClient::onConnectionCreated(const std::uint32_t& token,
                                            const std::map<std::string, sdbus::Variant>& info)
{
    recordEvent("ConnectionCreated", token, info);
}

void PathManagerClient::onConnectionEstablished(const std::uint32_t& token,
                                                const std::map<std::string, sdbus::Variant>& info)
{
    recordEvent("ConnectionEstablished", token, info);
}

void PathManagerClient::onConnectionClosed(const std::uint32_t& token,
                                           const std::map<std::string, sdbus::Variant>& info)
{
    recordEvent("ConnectionClosed", token, info);
}

void PathManagerClient::onAddressAnnounced(const std::uint32_t& token,
                                           const std::map<std::string, sdbus::Variant>& info)
{
    recordEvent("AddressAnnounced", token, info);
}

void PathManagerClient::onAddressRemoved(const std::uint32_t& token, const std::map<std::string, sdbus::Variant>& info)
{
    recordEvent("AddressRemoved", token, info);
}

void PathManagerClient::onSubflowEstablished(const std::uint32_t& token,
                                             const std::map<std::string, sdbus::Variant>& info)
{
    recordEvent("SubflowEstablished", token, info);
}

void PathManagerClient::onSubflowClosed(const std::uint32_t& token, const std::map<std::string, sdbus::Variant>& info)
{
    recordEvent("SubflowClosed", token, info);
}

void PathManagerClient::onSubflowPriorityChanged(const std::uint32_t& token,
                                                 const std::map<std::string, sdbus::Variant>& info)
{
    recordEvent("SubflowPriorityChanged", token, info);
}

void PathManagerClient::onListenerCreated(const std::map<std::string, sdbus::Variant>& info)
{
    recordEvent("ListenerCreated", 0, info);
}

void PathManagerClient::onListenerClosed(const std::map<std::string, sdbus::Variant>& info)
{
    recordEvent("ListenerClosed", 0, info);
}

void PathManagerClient::onUnknownEvent(const std::uint32_t& type, const std::map<std::string, sdbus::Variant>& info)
{
    recordEvent("UnknownEvent", type, info);
}

void PathManagerClient::onEventsLost(const std::uint64_t& count)
{
    RecordedSignal s;
    s.member = "EventsLost";
    s.lost = count;
    record(std::move(s));
}

void PathManagerClient::onPropertiesChanged(const std::string& interfaceName,
                                            const std::map<std::string, sdbus::Variant>& changedProperties,
                                            const std::vector<std::string>& invalidatedProperties)
{
    RecordedSignal s;
    s.member = "PropertiesChanged";
    s.propertiesInterface = interfaceName;
    s.changed = changedProperties;
    s.invalidated = invalidatedProperties;
    record(std::move(s));
}

// -------------------------------------------------------------- BusClient ---

BusClient::BusClient(const std::string& busAddress)
    : connection_(sdbus::createSessionBusConnectionWithAddress(busAddress)),
      pm_(std::make_unique<PathManagerClient>(*connection_)),
      busDriver_(sdbus::createProxy(*connection_, "org.freedesktop.DBus", "/org/freedesktop/DBus"))
{
    // The signal matches are in place (registerProxy) before the loop runs.
    connection_->enterEventLoopAsync();
}

BusClient::~BusClient()
{
    // The loop thread must be gone before the proxies it calls into.
    connection_->leaveEventLoop();
    busDriver_.reset();
    pm_.reset();
    connection_.reset();
}

// An asynchronous call's reply is dispatched by the event-loop thread, in
// arrival order: after every signal that was queued before it.
bool BusClient::settleSignals(std::chrono::milliseconds timeout)
{
    auto done = std::make_shared<std::promise<void>>();
    auto settled = done->get_future();
    busDriver_->callMethodAsync("GetId")
        .onInterface("org.freedesktop.DBus")
        .uponReplyInvoke([done](const sdbus::Error*, const std::string&) { done->set_value(); });
    return settled.wait_for(timeout) == std::future_status::ready;
}

// ---------------------------------------------------------------- BusTest ---

void BusTest::SetUp()
{
    static const std::string obstacle = busTestObstacle();
    if (!obstacle.empty()) {
        const char* ci = std::getenv("CI");
        if (ci != nullptr && std::string_view(ci) == "true") {
            GTEST_FAIL() << "the bus tests cannot run here, and under CI=true that is a failure: " << obstacle;
        }
        GTEST_SKIP() << obstacle;
    }
    try {
        bus_.start();
        client_ = std::make_unique<BusClient>(bus_.busAddress());
    } catch (const std::exception& e) {
        GTEST_FAIL() << "setting up the private bus and the daemon: " << e.what();
    }
}

void BusTest::TearDown()
{
    client_.reset();
    if (bus_.daemonPid() > 0) {
        EXPECT_EQ(bus_.stopDaemon(), "") << "mptcp-pathmanagerd must exit 0 on SIGTERM";
    }
    if (HasFailure()) {
        std::cerr << bus_.logs();
    }
    bus_.stop();
}

void BusTest::settleSignals()
{
    EXPECT_TRUE(client_->settleSignals())
        << "the client's event loop did not catch up within " << kEventTimeout.count() << " ms";
}

std::string BusTest::inNamespace(const std::string& shellCmd)
{
    int status = -1;
    std::string out = bus_.runInNamespace(shellCmd, &status);
    EXPECT_EQ(status, 0) << "in the daemon's namespace: " << shellCmd;
    return out;
}

}  // namespace mptcp::test
