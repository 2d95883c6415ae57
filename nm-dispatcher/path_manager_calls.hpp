// ManageInterface / ReleaseInterface / ReleaseOwner on org.mptcp.PathManager
// over GDBus,
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
    CallResult releaseOwner(const std::string& owner) override;

private:
    // replyType: what the method returns; the reply itself, when kept, in
    // *reply (the caller unrefs it).
    CallResult call(const char* method, GVariant* parameters, const GVariantType* replyType = G_VARIANT_TYPE_UNIT,
                    GVariant** reply = nullptr);

    SystemBus& bus_;
    int timeoutMs_;
};

}  // namespace mptcp::dispatch
