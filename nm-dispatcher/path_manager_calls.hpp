// ManageInterface / ReleaseInterface on org.mptcp.PathManager over GDBus,
// with D-Bus activation allowed (the first call may start the service)
// and a bounded wait, so that a hung service cannot hold NetworkManager's
// dispatcher queue for long.
#pragma once

#include "hook_ports.hpp"
#include "system_bus.hpp"

namespace mptcp::dispatch {

class BusPathManagerCalls final : public PathManagerCalls {
public:
    BusPathManagerCalls(SystemBus& bus, int timeoutMs) : bus_(bus), timeoutMs_(timeoutMs) {}
    CallResult manageInterface(const std::string& interface, const std::vector<std::string>& flags,
                               const ManageOptions& options) override;
    CallResult releaseInterface(const std::string& interface) override;

private:
    CallResult call(const char* method, GVariant* parameters);

    SystemBus& bus_;
    int timeoutMs_;
};

}  // namespace mptcp::dispatch
