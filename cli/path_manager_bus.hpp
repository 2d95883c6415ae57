// The org.mptcp.PathManager calls mptcpctl makes, over sd-bus (libsystemd)
// directly. Not sdbus-c++ and its generated proxy: libsdbus-c++.so needs
// libstdc++.so, and loading it costs about as much again as the whole
// D-Bus call, which would make every command ~1.3x dbus-send instead of
// <= 1.2x (bench/cli_bench.cpp). The method names and signatures are those
// of dbus/org.mptcp.PathManager.xml; tests/cli runs every one against the
// real daemon.
#pragma once

#include "endpoint_format.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

typedef struct sd_bus sd_bus;
typedef struct sd_bus_message sd_bus_message;

namespace mptcp::cli {

inline constexpr const char* kObjectPath = "/org/mptcp/PathManager";
inline constexpr const char* kInterface = "org.mptcp.PathManager";

// An error reply (or a failure to send): the D-Bus error name and message.
struct BusError {
    std::string name;
    std::string message;
};

class PathManagerBus {
public:
    // Connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS, else the
    // standard one). Throws BusError when it cannot.
    static PathManagerBus connect();
    ~PathManagerBus();
    PathManagerBus(PathManagerBus&& other) noexcept : bus_(std::exchange(other.bus_, nullptr)) {}
    PathManagerBus(const PathManagerBus&) = delete;
    PathManagerBus& operator=(const PathManagerBus&) = delete;
    PathManagerBus& operator=(PathManagerBus&&) = delete;

    // One synchronous call each; every failure throws BusError.
    std::uint32_t addEndpoint(const std::string& address, std::uint16_t port, const std::string& interface,
                              std::uint32_t id, const std::vector<std::string>& flags);
    void deleteEndpoint(std::uint32_t id, const std::string& address);
    void changeEndpoint(std::uint32_t id, const std::string& address, std::uint16_t port,
                        const std::vector<std::string>& changes);
    EndpointView getEndpoint(std::uint32_t id);
    std::vector<EndpointView> listEndpoints();
    void flushEndpoints();
    void setLimits(std::uint32_t subflows, std::uint32_t addAddrAccepted);
    std::pair<std::uint32_t, std::uint32_t> getLimits();  // subflows, add_addr_accepted
    // The properties SubflowsLimit / AddAddrAcceptedLimit (one limit alone).
    void setLimitProperty(const char* property, std::uint32_t value);
    void subscribe();
    // SubscribeBatched with the service's default options: true, or false
    // when the service has no such method (then nothing was done).
    bool subscribeBatched();
    void unsubscribe();

    // From now on every call carries ALLOW_INTERACTIVE_AUTHORIZATION
    // (polkit may ask the user for a password) and may take as long as
    // the service lets a password dialog stay open.
    void allowInteractiveAuthorization();

    sd_bus* raw() { return bus_; }

private:
    explicit PathManagerBus(sd_bus* bus) : bus_(bus) {}
    sd_bus* bus_;
};

}  // namespace mptcp::cli
