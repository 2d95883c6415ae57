#include "kernel_namespace.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

namespace mptcp::testing {
namespace {

// Runs `ip ARGS...` without a shell; returns its exit status.
int ip(std::vector<std::string> args)
{
    args.insert(args.begin(), "ip");
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        execvp("ip", argv.data());
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) {
        return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string enterPrivateNetworkNamespace(std::span<const char* const> addresses)
{
    if (geteuid() != 0) {
        return "needs root (CAP_SYS_ADMIN for a network namespace, CAP_NET_ADMIN for MPTCP)";
    }
    if (unshare(CLONE_NEWNET) != 0) {
        return std::string("cannot create a network namespace: ") + std::strerror(errno);
    }
    std::ifstream enabled("/proc/sys/net/mptcp/enabled");
    int value = 0;
    if (!(enabled >> value)) {
        return "this kernel has no MPTCP (no /proc/sys/net/mptcp/enabled)";
    }
    if (ip({"link", "set", "lo", "up"}) != 0) {
        return "cannot bring lo up in the test namespace";
    }
    for (const char* a : addresses) {
        const std::string prefix = std::strchr(a, ':') ? "/128" : "/32";
        if (ip({"addr", "add", a + prefix, "dev", "lo"}) != 0) {
            return std::string("cannot add ") + a + " to lo in the test namespace";
        }
    }
    return {};
}

void skipOrFailInCi(const std::string& why)
{
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
        FAIL() << "kernel test cannot run in CI: " << why;
    }
    GTEST_SKIP() << why;
}

}  // namespace mptcp::testing
