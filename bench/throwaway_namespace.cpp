#include "throwaway_namespace.hpp"

#include "process.hpp"

#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mptcp::bench {
namespace {

struct NamespaceId {
    dev_t dev = 0;
    ino_t ino = 0;
};

NamespaceId currentNamespace()
{
    struct stat st {};
    if (stat("/proc/self/ns/net", &st) != 0) {
        return {};
    }
    return {st.st_dev, st.st_ino};
}

NamespaceId original;

}  // namespace

std::string enterThrowawayNamespace()
{
    if (geteuid() != 0) {
        return "needs root (a network namespace of its own, CAP_NET_ADMIN for MPTCP)";
    }
    original = currentNamespace();
    if (unshare(CLONE_NEWNET) != 0) {
        return std::string("cannot create a network namespace: ") + std::strerror(errno);
    }
    if (access("/proc/sys/net/mptcp/enabled", F_OK) != 0) {
        return "this kernel has no MPTCP (no /proc/sys/net/mptcp/enabled in a new namespace)";
    }
    SpawnOptions ip;
    ip.argv = {"ip", "link", "set", "lo", "up"};
    if (runProcess(ip, std::chrono::seconds(10)).exitCode != 0) {
        return "cannot bring lo up in the benchmark's namespace (is iproute2 installed?)";
    }
    return "";
}

bool leftOriginalNamespace()
{
    const NamespaceId now = currentNamespace();
    // An inode of 0 means "cannot tell": assume the worst.
    return original.ino != 0 && now.ino != 0 && (now.ino != original.ino || now.dev != original.dev);
}

}  // namespace mptcp::bench
