// The kernel's mptcp_pm requests, one method each, over a NetlinkTransport.
// Every request waits for the kernel's answer: data and ACK, or the errno
// and extended-ack text, which come back as KernelRefused. No validation or
// policy here: that is PathManager's job.
#pragma once

#include "endpoint.hpp"
#include "endpoint_ids.hpp"
#include "genl_codec.hpp"
#include "netlink_transport.hpp"
#include "pm_error.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace mptcp {

// The kernel said no. Carries the errno and the kernel's own words.
class KernelRefused : public std::runtime_error {
public:
    explicit KernelRefused(KernelError e);
    const KernelError& status() const { return status_; }

private:
    KernelError status_;
};

class PmClient {
public:
    // Resolves the mptcp_pm family at once: a kernel without MPTCP gives
    // PmError(NotSupported) here, not on the first call.
    explicit PmClient(NetlinkTransport& transport);

    std::uint16_t familyId() const { return family_.id; }
    std::optional<std::uint32_t> eventsGroup() const;

    // ADD_ADDR; returns nothing: the kernel does not say which id it chose
    // (callers find it by address afterwards).
    void addAddr(const genl::AddrSpec& spec);
    void delAddr(const genl::AddrSpec& spec);
    Endpoint getAddr(std::uint8_t id);
    std::vector<Endpoint> dumpAddrs();
    void flushAddrs();
    void setLimits(std::optional<std::uint32_t> subflows, std::optional<std::uint32_t> addAddrAccepted);
    Limits getLimits();
    // SET_LIMITS, preceded in the same datagram by a GET_LIMITS: returns
    // the limits the write replaced, read by the kernel just before it
    // wrote (it handles a datagram's messages in order), for one send and
    // one receive fewer than getLimits() then setLimits(). nullopt when
    // that read failed: the write is made or refused regardless, and
    // throws KernelRefused when refused, as setLimits() does.
    std::optional<Limits> replaceLimits(std::optional<std::uint32_t> subflows,
                                        std::optional<std::uint32_t> addAddrAccepted);
    void setFlags(const genl::AddrSpec& spec);

    // The userspace path manager's commands, each on the connection with
    // this token (ANNOUNCE, REMOVE, SUBFLOW_CREATE,
    // SUBFLOW_DESTROY, SET_FLAGS and GET_ADDR with MPTCP_PM_ATTR_TOKEN).
    void announce(std::uint32_t token, const genl::AddrSpec& local);
    void remove(std::uint32_t token, std::uint8_t localId);
    void subflowCreate(std::uint32_t token, const genl::AddrSpec& local, const genl::AddrSpec& remote);
    void subflowDestroy(std::uint32_t token, const genl::AddrSpec& local, const genl::AddrSpec& remote);
    void setSubflowFlags(std::uint32_t token, const genl::AddrSpec& local, const genl::AddrSpec& remote);
    // The connection's local addresses (kernel 6.9+; older kernels ignore
    // the token and would list the endpoint table: the caller checks).
    std::vector<Endpoint> dumpAddrs(std::uint32_t token);
    // The table's ids and the kernel's id cursor as this client's own
    // requests left them (a prediction; see EndpointIds).
    EndpointIds& ids() { return ids_; }

private:
    using OnData = std::function<void(const nlmsghdr*)>;
    // Sends the request built in request_ and reads until its ACK, error or
    // NLMSG_DONE; messages of other sequence numbers are skipped.
    void transact(std::span<const std::uint8_t> request, const OnData& onData);
    // The reading half of transact(), for a request already sent. A request
    // without NLM_F_ACK and NLM_F_DUMP is answered by its one data message.
    void await(const nlmsghdr* sent, const OnData& onData);
    void putLimits(genl::RequestBuilder& b, std::optional<std::uint32_t> subflows,
                   std::optional<std::uint32_t> addAddrAccepted);
    genl::RequestBuilder begin(std::uint8_t cmd, std::uint16_t nlFlags);

    NetlinkTransport& transport_;
    genl::FamilyInfo family_;
    std::uint32_t seq_ = 0;
    EndpointIds ids_;
    alignas(4) std::array<std::uint8_t, genl::kRequestBufferSize> request_{};
    // Not zeroed: only what the kernel writes is ever read, and a 32 KiB
    // memset would make every page of it resident for the daemon's life.
    alignas(4) std::array<std::uint8_t, genl::kReplyBufferSize> reply_;
};

}  // namespace mptcp
