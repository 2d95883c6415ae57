// The daemon on a kernel without MPTCP (no generic netlink family
// "mptcp_pm"): it still owns org.mptcp.PathManager, so that clients, bus
// activation and the NetworkManager hook get a named answer at once —
// org.mptcp.PathManager.Error.NotSupported for every method and property
// but Version — instead of an activation failure or a timeout.
#pragma once

#include "pathmanager_adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <string>

namespace mptcp::dbus {

class NoMptcpAdaptor final : public org::mptcp::PathManager_adaptor {
public:
    // why: the reason every call gives, e.g. the kernel's missing family.
    NoMptcpAdaptor(sdbus::IObject& object, std::string why) : PathManager_adaptor(object), why_(std::move(why)) {}

private:
    using EndpointStruct = sdbus::Struct<uint32_t, std::string, uint16_t, std::string, std::vector<std::string>>;
    using ManagedStruct = sdbus::Struct<std::string, std::vector<std::string>, std::map<std::string, sdbus::Variant>>;

    [[noreturn]] void refuse() const;

    // The changing methods are asynchronous (the Result is dropped: the
    // error thrown is the reply).
    void AddEndpoint(sdbus::Result<uint32_t>&&, std::string, uint16_t, std::string, uint32_t,
                     std::vector<std::string>) override
    {
        refuse();
    }
    void DeleteEndpoint(sdbus::Result<>&&, uint32_t, std::string) override { refuse(); }
    void ChangeEndpoint(sdbus::Result<>&&, uint32_t, std::string, uint16_t, std::vector<std::string>) override
    {
        refuse();
    }
    EndpointStruct GetEndpoint(const uint32_t&) override { refuse(); }
    std::vector<EndpointStruct> ListEndpoints() override { refuse(); }
    void FlushEndpoints(sdbus::Result<>&&) override { refuse(); }
    void SetLimits(sdbus::Result<>&&, uint32_t, uint32_t) override { refuse(); }
    std::tuple<uint32_t, uint32_t> GetLimits() override { refuse(); }
    void Subscribe() override { refuse(); }
    void Unsubscribe() override { refuse(); }
    void ManageInterface(sdbus::Result<>&&, std::string, std::vector<std::string>,
                         std::map<std::string, sdbus::Variant>) override
    {
        refuse();
    }
    void ReleaseInterface(sdbus::Result<>&&, std::string) override { refuse(); }
    void ReleaseOwner(sdbus::Result<std::vector<std::string>>&&, std::string) override { refuse(); }
    std::vector<ManagedStruct> ListManagedInterfaces() override { refuse(); }
    uint32_t SubflowsLimit() override { refuse(); }
    void SubflowsLimit(const uint32_t&) override { refuse(); }
    uint32_t AddAddrAcceptedLimit() override { refuse(); }
    void AddAddrAcceptedLimit(const uint32_t&) override { refuse(); }
    bool Enabled() override { refuse(); }
    void Enabled(const bool&) override { refuse(); }
    std::string Version() override;

    std::string why_;
};

// The whole daemon in that mode: connects to the system bus, owns the name
// and answers until SIGTERM or SIGINT. Returns the exit status: 0 after a
// signal, 1 when the bus cannot be had or is lost (logged on stderr).
int serveWithoutMptcp(const std::string& why);

}  // namespace mptcp::dbus
