// The kernel's userspace path manager, in core terms: per-connection
// announcements and subflows by token, with the argument rules applied
// before anything is sent and every refusal turned into a PmError whose
// kind is the contract's error (NotFound for an unknown connection,
// address or subflow; NotSupported for a connection of the in-kernel path
// manager) and whose message keeps the kernel's own text.
#pragma once

#include "endpoint.hpp"
#include "interface_names.hpp"
#include "pm_client.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mptcp {

struct CreateSubflowRequest {
    std::uint32_t token = 0;
    std::uint8_t localId = 0;  // 0 = pick an id the connection does not use
    std::string_view localAddress;
    std::string_view interface;  // "" = none
    std::string_view remoteAddress;
    std::uint16_t remotePort = 0;
    bool backup = false;
};

// One subflow by its 4-tuple. A local port of 0 means "any" where the
// kernel allows it (SetSubflowBackup), and is refused where it does not.
struct SubflowTuple {
    std::uint32_t token = 0;
    std::string_view localAddress;
    std::uint16_t localPort = 0;
    std::string_view remoteAddress;
    std::uint16_t remotePort = 0;
};

class UserspacePm {
public:
    // listSupported: whether this kernel takes a token in GET_ADDR dumps
    // (6.9+); older ones ignore it and would list the endpoint table.
    UserspacePm(PmClient& client, InterfaceNames& names, bool listSupported = true)
        : client_(client), names_(names), listSupported_(listSupported)
    {
    }

    // ANNOUNCE with the signal flag; id 1..255.
    void announce(std::uint32_t token, std::uint8_t id, std::string_view address, std::uint16_t port,
                  std::string_view interface);
    // REMOVE; id 0 has the kernel's meaning (the initial subflow's address).
    void remove(std::uint32_t token, std::uint8_t id);
    // SUBFLOW_CREATE; returns the local id the subflow got (never 0).
    std::uint8_t createSubflow(const CreateSubflowRequest& req);
    // SUBFLOW_DESTROY; both ports needed.
    void destroySubflow(const SubflowTuple& subflow);
    // SET_FLAGS with a token: MP_PRIO on the subflow (local port 0: any).
    void setSubflowBackup(const SubflowTuple& subflow, bool backup);
    // GET_ADDR dump with a token: the connection's local addresses.
    std::vector<Endpoint> listLocalAddresses(std::uint32_t token);

    std::string interfaceLabel(std::int32_t ifindex) { return mptcp::interfaceLabel(names_, ifindex); }

private:
    std::int32_t ifindexOf(std::string_view interface);
    // The id an address already has on the connection, else the lowest id
    // it does not use (1..255).
    std::uint8_t pickLocalId(std::uint32_t token, const IpAddress& address);

    PmClient& client_;
    InterfaceNames& names_;
    bool listSupported_;
};

// A userspace-PM refusal of the kernel -> contract error. `subject` names
// what the request was about ("announcement id 5 of connection ...").
[[noreturn]] void throwUserspaceRefusal(const KernelRefused& refusal, std::uint32_t token, const std::string& subject);

// "token 3735928559 (0xdeadbeef)": decimal as D-Bus carries it, hex as
// the kernel's events and `ip mptcp monitor` show it.
std::string describeToken(std::uint32_t token);

// Whether a kernel release ("6.18.44-...") is at least major.minor.
bool kernelAtLeast(std::string_view release, int major, int minor);

}  // namespace mptcp
