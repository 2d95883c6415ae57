// What the service offers, in core terms: the methods of the contract
// (docs/dbus-api.md) over PmClient, with the argument rules applied before
// sending and every kernel refusal turned into a PmError whose kind is the
// contract's error and whose message keeps the kernel's own text.
#pragma once

#include "endpoint.hpp"
#include "interface_names.hpp"
#include "pm_client.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mptcp {

struct AddEndpointRequest {
    std::string_view address;
    std::uint16_t port = 0;
    std::string_view interface;  // "" = none
    std::uint32_t id = 0;        // 0 = the kernel chooses
    std::span<const std::string> flags;
};

class PathManager {
public:
    PathManager(PmClient& client, InterfaceNames& names) : client_(client), names_(names) {}

    // Returns the id the endpoint got.
    std::uint8_t addEndpoint(const AddEndpointRequest& req);
    // id != 0: delete that endpoint (no address). id 0: the kernel's
    // "delete id 0 ADDR" (closes initial subflows on ADDR; table unchanged).
    void deleteEndpoint(std::uint32_t id, std::string_view address);
    // Returns false when nothing had to change (no request was sent).
    bool changeEndpoint(std::uint32_t id, std::string_view address, std::uint16_t port,
                        std::span<const std::string> changes);
    Endpoint getEndpoint(std::uint32_t id);
    std::vector<Endpoint> listEndpoints();
    void flushEndpoints();

    Limits getLimits();
    // Writes the given limits (either may be left as it is) and returns
    // those they replaced, read in the same round trip; nullopt when the
    // kernel could not read them (PmClient::replaceLimits()).
    std::optional<Limits> replaceLimits(std::optional<std::uint32_t> subflows,
                                        std::optional<std::uint32_t> addAddrAccepted);

    // The contract's interface field: "" for none, the device's name, or
    // "ifN" when the kernel holds an index that no longer exists.
    std::string interfaceLabel(std::int32_t ifindex);

private:
    // Finds an endpoint the way the kernel's SET_FLAGS does by address: a
    // ported entry matches only its port, a port-less one any port, and an
    // exact port match wins.
    Endpoint findByAddress(const IpAddress& address, std::uint16_t port);

    PmClient& client_;
    InterfaceNames& names_;
};

// Kernel refusal -> contract error. `subject` names what the request was
// about ("endpoint id 3", "10.0.0.1 port 8080") for the message.
[[noreturn]] void throwTranslated(const KernelRefused& refusal, const std::string& subject);

}  // namespace mptcp
