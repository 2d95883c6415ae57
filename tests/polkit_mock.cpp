#include "polkit_mock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sdbus-c++/sdbus-c++.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace mptcp::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kPython = "/usr/bin/python3";
constexpr const char* kPolkitName = "org.freedesktop.PolicyKit1";
constexpr std::chrono::seconds kStartTimeout{15};

bool nameHasOwner(sdbus::IProxy& busDriver)
{
    bool owned = false;
    busDriver.callMethod("NameHasOwner")
        .onInterface("org.freedesktop.DBus")
        .withArguments(std::string(kPolkitName))
        .storeResultsTo(owned);
    return owned;
}

// Waits until the name's ownership is `owned`; false on timeout.
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
            return false;  // died before owning the name
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

}  // namespace

std::string polkitMockObstacle()
{
    if (access(kPython, X_OK) != 0) {
        return std::string(kPython) + " is not installed";
    }
    // The module must be importable by that interpreter (apt: python3-dbusmock).
    const int rc = std::system("/usr/bin/python3 -c 'import dbusmock' >/dev/null 2>&1");
    if (rc != 0) {
        return "python3-dbusmock is not installed (/usr/bin/python3 cannot import dbusmock)";
    }
    return "";
}

PolkitMock::PolkitMock(const std::string& busAddress) : busAddress_(busAddress)
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
    const char* argv[] = {kPython, "-m", "dbusmock", "--template", "polkitd", nullptr};
    const int devNull = open("/dev/null", O_RDWR | O_CLOEXEC);
    pid_ = fork();
    if (pid_ == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test leaves no mock behind
        dup2(devNull, STDIN_FILENO);
        dup2(devNull, STDOUT_FILENO);  // the mock prints every call; stderr stays for its errors
        execve(kPython, const_cast<char* const*>(argv), env.data());
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
        throw std::runtime_error("the polkit mock (python3 -m dbusmock --template polkitd) did not own " +
                                 std::string(kPolkitName));
    }
}

PolkitMock::~PolkitMock()
{
    stop();
}

void PolkitMock::grant(const std::vector<std::string>& actions)
{
    auto connection = sdbus::createSessionBusConnectionWithAddress(busAddress_);
    auto mock = sdbus::createProxy(*connection, kPolkitName, "/org/freedesktop/PolicyKit1/Authority");
    mock->callMethod("SetAllowed").onInterface("org.freedesktop.DBus.Mock").withArguments(actions);
}

void PolkitMock::grantOnlyInteractiveChecksOfBusNames()
{
    auto connection = sdbus::createSessionBusConnectionWithAddress(busAddress_);
    auto mock = sdbus::createProxy(*connection, kPolkitName, "/org/freedesktop/PolicyKit1/Authority");
    // dbusmock's AddMethod replaces the template's method; args are
    // (subject, action_id, details, flags, cancellation_id).
    mock->callMethod("AddMethod")
        .onInterface("org.freedesktop.DBus.Mock")
        .withArguments(std::string("org.freedesktop.PolicyKit1.Authority"), std::string("CheckAuthorization"),
                       std::string("(sa{sv})sa{ss}us"), std::string("(bba{ss})"),
                       std::string("ret = (args[3] == 1 and args[0][0] == 'system-bus-name' and "
                                   "str(args[0][1]['name']).startswith(':'), args[3] != 1, {})"));
}

void PolkitMock::stop()
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
    // The bus drops the name when the connection closes; wait for that, so
    // that the next call really finds no polkit.
    waitForOwnership(busAddress_, false, -1);
}

}  // namespace mptcp::test
