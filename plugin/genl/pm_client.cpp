#include "pm_client.hpp"

#include "pm_protocol.hpp"

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

namespace mptcp {

KernelRefused::KernelRefused(KernelError e)
    : std::runtime_error(e.message.empty() ? errnoName(e.error) : e.message), status_(std::move(e))
{
}

PmClient::PmClient(NetlinkTransport& transport) : transport_(transport)
{
    genl::RequestBuilder b(request_, GENL_ID_CTRL, NLM_F_ACK, ++seq_, CTRL_CMD_GETFAMILY, 1);
    b.putString(CTRL_ATTR_FAMILY_NAME, proto::kFamilyName);
    bool found = false;
    try {
        transact(b.bytes(), [&](const nlmsghdr* nlh) {
            family_ = genl::parseFamily(nlh);
            found = true;
        });
    } catch (const KernelRefused& e) {
        if (e.status().error == ENOENT) {
            throw PmError(ErrorKind::NotSupported,
                          "the kernel has no MPTCP path manager (generic netlink family \"mptcp_pm\" not found; "
                          "is CONFIG_MPTCP enabled?)",
                          ENOENT);
        }
        throw PmError(ErrorKind::Failed, "cannot resolve the mptcp_pm family: " + errnoName(e.status().error),
                      e.status().error);
    }
    if (!found) {
        genl::malformed("no family in the controller's reply");
    }
}

std::optional<std::uint32_t> PmClient::eventsGroup() const
{
    return family_.group(proto::kEventsGroupName);
}

genl::RequestBuilder PmClient::begin(std::uint8_t cmd, std::uint16_t nlFlags)
{
    return genl::RequestBuilder(request_, family_.id, nlFlags, ++seq_, cmd, proto::kFamilyVersion);
}

void PmClient::transact(std::span<const std::uint8_t> request, const OnData& onData)
{
    transport_.send(request);
    await(reinterpret_cast<const nlmsghdr*>(request.data()), onData);
}

void PmClient::await(const nlmsghdr* sent, const OnData& onData)
{
    const std::uint32_t seq = sent->nlmsg_seq;
    const std::uint32_t portId = transport_.portId();
    // Without NLM_F_ACK a read's one data message is the whole answer (the
    // kernel queues every answer as a datagram of its own, so nothing that
    // follows is lost by returning here).
    const bool dataEnds = !(sent->nlmsg_flags & (NLM_F_ACK | NLM_F_DUMP));
    for (;;) {
        const std::size_t n = transport_.receive(reply_);
        int remaining = static_cast<int>(n);
        // mnl_nlmsg_ok() compares nlmsg_len as an int: a length of 2^31 or
        // more turns negative and passes. Check it as unsigned too.
        for (auto* nlh = reinterpret_cast<const nlmsghdr*>(reply_.data());
             mnl_nlmsg_ok(nlh, remaining) && nlh->nlmsg_len <= static_cast<std::uint32_t>(remaining);
             nlh = mnl_nlmsg_next(nlh, &remaining)) {
            // Stale answers (a reply that came after a timeout, say) belong
            // to an earlier request: never mistake them for this one's.
            if (nlh->nlmsg_seq != seq || (nlh->nlmsg_pid != 0 && nlh->nlmsg_pid != portId)) {
                continue;
            }
            switch (nlh->nlmsg_type) {
                case NLMSG_NOOP:
                    continue;
                case NLMSG_OVERRUN:
                    throw PmError(ErrorKind::Failed, "netlink overrun while reading the kernel's reply", ENOBUFS);
                case NLMSG_ERROR:
                case NLMSG_DONE: {
                    KernelError status = genl::parseStatus(nlh);
                    if (status.error != 0) {
                        throw KernelRefused(std::move(status));
                    }
                    if (nlh->nlmsg_type == NLMSG_DONE || !(sent->nlmsg_flags & NLM_F_DUMP)) {
                        return;
                    }
                    continue;
                }
                default:
                    if (nlh->nlmsg_type < NLMSG_MIN_TYPE) {
                        continue;
                    }
                    onData(nlh);
                    if (dataEnds) {
                        return;
                    }
            }
        }
        if (remaining != 0) {
            genl::malformed("truncated netlink message");
        }
    }
}

void PmClient::addAddr(const genl::AddrSpec& spec)
{
    auto b = begin(proto::CMD_ADD_ADDR, NLM_F_ACK);
    b.putAddr(proto::ATTR_ADDR, spec);
    ids_.addTried();
    transact(b.bytes(), [](const nlmsghdr*) {});
    ids_.added(spec.id);
}

void PmClient::delAddr(const genl::AddrSpec& spec)
{
    auto b = begin(proto::CMD_DEL_ADDR, NLM_F_ACK);
    b.putAddr(proto::ATTR_ADDR, spec);
    transact(b.bytes(), [](const nlmsghdr*) {});
    if (spec.id && *spec.id != 0) {
        ids_.deleted(*spec.id);  // id 0 with an address leaves the table as it was
    }
}

Endpoint PmClient::getAddr(std::uint8_t id)
{
    auto b = begin(proto::CMD_GET_ADDR, NLM_F_ACK);
    genl::AddrSpec spec;
    spec.id = id;
    b.putAddr(proto::ATTR_ADDR, spec);
    std::optional<Endpoint> ep;
    transact(b.bytes(), [&](const nlmsghdr* nlh) { ep = genl::parseEndpoint(nlh); });
    if (!ep) {
        genl::malformed("GET_ADDR acknowledged without an endpoint");
    }
    return *ep;
}

std::vector<Endpoint> PmClient::dumpAddrs()
{
    auto b = begin(proto::CMD_GET_ADDR, NLM_F_DUMP);
    std::vector<Endpoint> eps;
    eps.reserve(proto::kMaxEndpoints);
    transact(b.bytes(), [&](const nlmsghdr* nlh) { eps.push_back(genl::parseEndpoint(nlh)); });
    ids_.dumped(eps);
    return eps;
}

void PmClient::flushAddrs()
{
    auto b = begin(proto::CMD_FLUSH_ADDRS, NLM_F_ACK);
    transact(b.bytes(), [](const nlmsghdr*) {});
    ids_.flushed();
}

void PmClient::putLimits(genl::RequestBuilder& b, std::optional<std::uint32_t> subflows,
                         std::optional<std::uint32_t> addAddrAccepted)
{
    if (addAddrAccepted) {
        b.putU32(proto::ATTR_RCV_ADD_ADDRS, *addAddrAccepted);
    }
    if (subflows) {
        b.putU32(proto::ATTR_SUBFLOWS, *subflows);
    }
}

void PmClient::setLimits(std::optional<std::uint32_t> subflows, std::optional<std::uint32_t> addAddrAccepted)
{
    auto b = begin(proto::CMD_SET_LIMITS, NLM_F_ACK);
    putLimits(b, subflows, addAddrAccepted);
    transact(b.bytes(), [](const nlmsghdr*) {});
}

std::optional<Limits> PmClient::replaceLimits(std::optional<std::uint32_t> subflows,
                                              std::optional<std::uint32_t> addAddrAccepted)
{
    // Both requests back to back in request_: the read without NLM_F_ACK
    // (its data message is its answer), the write with it.
    const std::size_t readSize =
        NLMSG_ALIGN(genl::RequestBuilder(request_, family_.id, 0, ++seq_, proto::CMD_GET_LIMITS, proto::kFamilyVersion)
                        .bytes()
                        .size());
    const std::span<std::uint8_t> rest = std::span<std::uint8_t>(request_).subspan(readSize);
    genl::RequestBuilder write(rest, family_.id, NLM_F_ACK, ++seq_, proto::CMD_SET_LIMITS, proto::kFamilyVersion);
    putLimits(write, subflows, addAddrAccepted);
    transport_.send(std::span<const std::uint8_t>(request_.data(), readSize + write.bytes().size()));
    std::optional<Limits> before;
    try {
        await(reinterpret_cast<const nlmsghdr*>(request_.data()),
              [&](const nlmsghdr* nlh) { before = genl::parseLimits(nlh); });
    } catch (const KernelRefused&) {
        before.reset();  // the write's own answer follows all the same
    }
    await(reinterpret_cast<const nlmsghdr*>(request_.data() + readSize), [](const nlmsghdr*) {});
    return before;
}

Limits PmClient::getLimits()
{
    auto b = begin(proto::CMD_GET_LIMITS, NLM_F_ACK);
    std::optional<Limits> limits;
    transact(b.bytes(), [&](const nlmsghdr* nlh) { limits = genl::parseLimits(nlh); });
    if (!limits) {
        genl::malformed("GET_LIMITS acknowledged without limits");
    }
    return *limits;
}

void PmClient::setFlags(const genl::AddrSpec& spec)
{
    auto b = begin(proto::CMD_SET_FLAGS, NLM_F_ACK);
    b.putAddr(proto::ATTR_ADDR, spec);
    transact(b.bytes(), [](const nlmsghdr*) {});
}

// ---------------------------------------------------------------- userspace PM

void PmClient::announce(std::uint32_t token, const genl::AddrSpec& local)
{
    auto b = begin(proto::CMD_ANNOUNCE, NLM_F_ACK);
    b.putU32(proto::ATTR_TOKEN, token);
    b.putAddr(proto::ATTR_ADDR, local);
    transact(b.bytes(), [](const nlmsghdr*) {});
}

void PmClient::remove(std::uint32_t token, std::uint8_t localId)
{
    auto b = begin(proto::CMD_REMOVE, NLM_F_ACK);
    b.putU32(proto::ATTR_TOKEN, token);
    b.putU8(proto::ATTR_LOC_ID, localId);
    transact(b.bytes(), [](const nlmsghdr*) {});
}

void PmClient::subflowCreate(std::uint32_t token, const genl::AddrSpec& local, const genl::AddrSpec& remote)
{
    auto b = begin(proto::CMD_SUBFLOW_CREATE, NLM_F_ACK);
    b.putU32(proto::ATTR_TOKEN, token);
    b.putAddr(proto::ATTR_ADDR, local);
    b.putAddr(proto::ATTR_ADDR_REMOTE, remote);
    transact(b.bytes(), [](const nlmsghdr*) {});
}

void PmClient::subflowDestroy(std::uint32_t token, const genl::AddrSpec& local, const genl::AddrSpec& remote)
{
    auto b = begin(proto::CMD_SUBFLOW_DESTROY, NLM_F_ACK);
    b.putU32(proto::ATTR_TOKEN, token);
    b.putAddr(proto::ATTR_ADDR, local);
    b.putAddr(proto::ATTR_ADDR_REMOTE, remote);
    transact(b.bytes(), [](const nlmsghdr*) {});
}

void PmClient::setSubflowFlags(std::uint32_t token, const genl::AddrSpec& local, const genl::AddrSpec& remote)
{
    auto b = begin(proto::CMD_SET_FLAGS, NLM_F_ACK);
    b.putU32(proto::ATTR_TOKEN, token);
    b.putAddr(proto::ATTR_ADDR, local);
    b.putAddr(proto::ATTR_ADDR_REMOTE, remote);
    transact(b.bytes(), [](const nlmsghdr*) {});
}

std::vector<Endpoint> PmClient::dumpAddrs(std::uint32_t token)
{
    // A dump's errors (an unknown token) come in its NLMSG_DONE.
    auto b = begin(proto::CMD_GET_ADDR, NLM_F_DUMP);
    b.putU32(proto::ATTR_TOKEN, token);
    std::vector<Endpoint> eps;
    transact(b.bytes(), [&](const nlmsghdr* nlh) { eps.push_back(genl::parseEndpoint(nlh)); });
    return eps;
}

}  // namespace mptcp
