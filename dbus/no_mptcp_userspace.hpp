// org.mptcp.PathManager.Userspace on a kernel without MPTCP: NotSupported
// for every method and for PathManager, like the main interface there
// (no_mptcp_service.hpp), instead of an unknown interface.
#pragma once

#include "dbus_errors.hpp"
#include "userspace_adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <string>

namespace mptcp::dbus {

class NoMptcpUserspaceAdaptor final : public org::mptcp::PathManager::Userspace_adaptor {
public:
    NoMptcpUserspaceAdaptor(sdbus::IObject& object, std::string why) : Userspace_adaptor(object), why_(std::move(why))
    {
    }

private:
    using EndpointStruct = sdbus::Struct<uint32_t, std::string, uint16_t, std::string, std::vector<std::string>>;

    [[noreturn]] void refuse() const { throw sdbus::Error(kNotSupported, why_); }

    // Asynchronous methods: the error thrown is the reply.
    void Announce(sdbus::Result<>&&, uint32_t, uint8_t, std::string, uint16_t, std::string) override { refuse(); }
    void Remove(sdbus::Result<>&&, uint32_t, uint8_t) override { refuse(); }
    void CreateSubflow(sdbus::Result<uint8_t>&&, uint32_t, uint8_t, std::string, std::string, std::string, uint16_t,
                       bool) override
    {
        refuse();
    }
    void DestroySubflow(sdbus::Result<>&&, uint32_t, std::string, uint16_t, std::string, uint16_t) override
    {
        refuse();
    }
    void SetSubflowBackup(sdbus::Result<>&&, uint32_t, std::string, uint16_t, std::string, uint16_t, bool) override
    {
        refuse();
    }
    std::vector<EndpointStruct> ListLocalAddresses(const uint32_t&) override { refuse(); }
    std::string PathManager() override { refuse(); }
    void PathManager(const std::string&) override { refuse(); }

    std::string why_;
};

}  // namespace mptcp::dbus
