// The namespace's MPTCP switches, read and written through /proc/sys
// (which always shows the sysctls of the reader's namespace):
// net.mptcp.enabled, and which path manager new connections get.
#pragma once

#include <string>
#include <string_view>

namespace mptcp {

class MptcpEnabledSetting {
public:
    explicit MptcpEnabledSetting(std::string path = "/proc/sys/net/mptcp/enabled") : path_(std::move(path)) {}
    bool get() const;
    void set(bool enabled);
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// net.mptcp.path_manager ("kernel" or "userspace", Linux 6.15+), or where
// that is missing net.mptcp.pm_type (0 kernel, 1 userspace, 5.19+). The
// kernel keeps the two in step; a connection keeps the path manager it was
// created with.
class PathManagerSetting {
public:
    explicit PathManagerSetting(std::string directory = "/proc/sys/net/mptcp") : directory_(std::move(directory)) {}
    // "kernel" or "userspace" (another name a newer kernel may offer is
    // passed on as it is). NotSupported when neither sysctl exists.
    std::string get() const;
    // Accepts "kernel" and "userspace" only (InvalidArgs otherwise, and
    // nothing is written).
    void set(std::string_view name);

private:
    std::string directory_;
};

}  // namespace mptcp
