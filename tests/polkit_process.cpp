#include "polkit_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sdbus-c++/sdbus-c++.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace mptcp::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kStartTimeout{15};

bool nameHasOwner(sdbus::IProxy& busDriver)
{
    bool owned = false;
    busDriver.callMethod("NameHasOwner")
        .onInterface("org.freedesktop.DBus")
        .withArguments(std::string(kPolkitBusName))
        .storeResultsTo(owned);
    return owned;
}

// Waits until the name's ownership is `owned`; false on timeout or when
// the process died first.
bool waitForOwnership(const std::string& busAddress, bool owned, pid_t pid)
{
    auto connection = sdbus::createSessionBusConnectionWithAddress(busAddress);
    auto busDriver = sdbus::createProxy(*connection, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    const auto deadline = Clock::now() + kStartTimeout;
    while (Clock::now() < deadline) {
        if (nameHasOwner(*busDriver) == owned) {
            return true;
        }
        int status = 0;
        if (owned && pid > 0 && waitpid(pid, &status, WNOHANG) == pid) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

}  // namespace

PolkitProcess::PolkitProcess(const std::string& busAddress, const std::vector<std::string>& argv)
    : busAddress_(busAddress)
{
    // Everything the child needs is made before fork(): the test process
    // has threads, so the child only makes system calls before execve().
    const std::string busVar = "DBUS_SYSTEM_BUS_ADDRESS=" + busAddress;
    std::vector<char*> env;
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::strncmp(*e, "DBUS_SYSTEM_BUS_ADDRESS=", 24) != 0) {
            env.push_back(*e);
        }
    }
    env.push_back(const_cast<char*>(busVar.c_str()));
    env.push_back(nullptr);
    std::vector<char*> args;
    for (const std::string& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    const int devNull = open("/dev/null", O_RDWR | O_CLOEXEC);
    pid_ = fork();
    if (pid_ == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test leaves no polkit behind
        dup2(devNull, STDIN_FILENO);
        dup2(devNull, STDOUT_FILENO);  // dbusmock prints every call; stderr stays for errors
        execve(args[0], args.data(), env.data());
        _exit(127);
    }
    if (devNull >= 0) {
        close(devNull);
    }
    if (pid_ < 0) {
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    }
    if (!waitForOwnership(busAddress_, true, pid_)) {
        stop();
        throw std::runtime_error(argv[0] + " did not own " + std::string(kPolkitBusName));
    }
}

PolkitProcess::~PolkitProcess()
{
    stop();
}

void PolkitProcess::stop()
{
    if (pid_ <= 0) {
        return;
    }
    const pid_t pid = pid_;
    pid_ = -1;
    kill(pid, SIGTERM);
    int status = 0;
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (Clock::now() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // The bus drops the name when the connection closes; wait for that.
    waitForOwnership(busAddress_, false, -1);
}

}  // namespace mptcp::test
