// Stand-ins for the parts of the contract a build does not provide yet:
// the methods exist (the contract is fixed) and say plainly that the
// feature is not there, rather than pretending to work.
#pragma once

#include "pm_error.hpp"
#include "service_ports.hpp"

namespace mptcp::dbus {

class UnavailableMonitor final : public MonitorControl {
public:
    void subscribe(const std::string&) override { refuse(); }
    void unsubscribe(const std::string&) override { refuse(); }

private:
    [[noreturn]] static void refuse()
    {
        throw PmError(ErrorKind::NotSupported, "monitoring is not available in this version yet");
    }
};

class UnavailableInterfaceManager final : public InterfaceManager {
public:
    void manage(const std::string&, const std::vector<std::string>&,
                const std::map<std::string, sdbus::Variant>&) override
    {
        refuse();
    }
    void release(const std::string&) override { refuse(); }
    std::vector<ManagedInterfaceStruct> list() override { refuse(); }

private:
    [[noreturn]] static void refuse()
    {
        throw PmError(ErrorKind::NotSupported, "managed interfaces are not available in this version yet");
    }
};

}  // namespace mptcp::dbus
