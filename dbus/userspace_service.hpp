// The service behind org.mptcp.PathManager.Userspace: D-Bus-shaped
// arguments in, D-Bus-shaped results out, the core's UserspacePm and
// PathManagerSetting in between. No sd-bus beyond its value types; the
// adaptor forwards to it (through the authorization gate for changes) and
// turns what it throws into D-Bus errors.
//
// It also decides when the service must hold its kernel event
// subscription: while the path manager is "userspace", the kernel refuses
// MP_JOINs and drops ADD_ADDRs of userspace-PM connections unless someone
// listens to mptcp_pm_events, whether or not a bus client subscribed.
#pragma once

#include "mptcp_sysctl.hpp"
#include "path_manager_service.hpp"
#include "userspace_pm.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mptcp::dbus {

class UserspaceService {
public:
    struct Hooks {
        // PathManager changed (through the service or behind its back):
        // the adaptor emits PropertiesChanged.
        std::function<void()> pathManagerChanged;
        // Whether to hold the kernel event subscription; called at once
        // from start() and on every change. May throw PmError (logged).
        std::function<void(bool)> holdEvents;
        std::function<void(const std::string&)> log;
    };

    UserspaceService(UserspacePm& pm, PathManagerSetting& setting, Hooks hooks)
        : pm_(pm), setting_(setting), hooks_(std::move(hooks))
    {
    }

    // Reads the setting and applies the hold; call once before serving.
    void start() { refresh(); }
    // Reads the setting again (it may be changed with sysctl, too) and
    // follows a change. Never throws.
    void refresh();

    void announce(std::uint32_t token, std::uint8_t id, const std::string& address, std::uint16_t port,
                  const std::string& interface);
    void remove(std::uint32_t token, std::uint8_t id);
    std::uint8_t createSubflow(std::uint32_t token, std::uint8_t localId, const std::string& localAddress,
                               const std::string& interface, const std::string& remoteAddress, std::uint16_t remotePort,
                               bool backup);
    void destroySubflow(std::uint32_t token, const std::string& localAddress, std::uint16_t localPort,
                        const std::string& remoteAddress, std::uint16_t remotePort);
    void setSubflowBackup(std::uint32_t token, const std::string& localAddress, std::uint16_t localPort,
                          const std::string& remoteAddress, std::uint16_t remotePort, bool backup);
    std::vector<EndpointStruct> listLocalAddresses(std::uint32_t token);

    std::string pathManager() const { return setting_.get(); }
    void setPathManager(const std::string& name);
    bool holding() const { return holding_; }

private:
    void follow(const std::string& current);
    // Logs what went wrong, unless it is what went wrong last time.
    void problem(const std::string& what);

    UserspacePm& pm_;
    PathManagerSetting& setting_;
    Hooks hooks_;
    std::string known_;  // the setting as last seen; "" before start()
    bool holding_ = false;
    std::string lastProblem_;
};

}  // namespace mptcp::dbus
