// The namespace's net.mptcp.enabled switch, read and written through
// /proc/sys (which always shows the sysctls of the reader's namespace).
#pragma once

#include <string>

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

}  // namespace mptcp
