#include "fake_kernel.hpp"

#include "pm_error.hpp"
#include "pm_protocol.hpp"

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace mptcp::testing {
namespace {

constexpr std::uint8_t kCtrlVersion = 2;     // what nlctrl puts in its replies' genl header
constexpr std::uint32_t kKnownFlags = 0x3f;  // MPTCP_PM_ADDR_FLAGS_MASK: other bits are dropped
constexpr std::size_t kMaxMessage = 1024;    // our largest reply, the controller's, is about 200 bytes
constexpr unsigned kMaxAttrType = 15;        // above every attribute type we read
constexpr char kCmdsGroupName[] = "mptcp_pm_cmds";

// ---------------------------------------------------------------- reading

// The bytes of a datagram in 4-byte aligned storage, so that nlmsghdr and
// nlattr can be read in place whatever the caller's span looked like. One
// spare word: MNL_ALIGN() of an odd last length may point past the end.
class AlignedCopy {
public:
    explicit AlignedCopy(std::span<const std::uint8_t> bytes) : words_(bytes.size() / 4 + 2, 0), size_(bytes.size())
    {
        if (!bytes.empty()) {
            std::memcpy(words_.data(), bytes.data(), bytes.size());
        }
    }
    const nlmsghdr* first() const { return reinterpret_cast<const nlmsghdr*>(words_.data()); }
    int size() const { return static_cast<int>(size_); }

private:
    std::vector<std::uint32_t> words_;
    std::size_t size_;
};

// mnl_nlmsg_ok() compares (int)nlmsg_len with the bytes left, so a length of
// 2 GiB or more turns negative and passes; the unsigned check closes that.
bool messageFits(const nlmsghdr* nlh, int remaining)
{
    return mnl_nlmsg_ok(nlh, remaining) && nlh->nlmsg_len <= static_cast<std::uint32_t>(remaining);
}

// Calls fn for each complete message; a header that lies about its length
// ends the walk, as in netlink_rcv_skb().
template <typename Fn>
void forEachMessage(const AlignedCopy& datagram, Fn&& fn)
{
    int remaining = datagram.size();
    for (const nlmsghdr* nlh = datagram.first(); messageFits(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
        fn(nlh);
    }
}

// Calls fn for each attribute of [payload, payload + len) until it returns
// false; mnl_attr_ok() ends the walk at the first length that overruns.
template <typename Fn>
void forEachAttr(const void* payload, std::size_t len, Fn&& fn)
{
    const auto* a = static_cast<const nlattr*>(payload);
    int remaining = static_cast<int>(len);
    while (mnl_attr_ok(a, remaining) && fn(a)) {
        remaining -= static_cast<int>(MNL_ALIGN(a->nla_len));
        a = mnl_attr_next(a);
    }
}

// nla_parse(): one slot per type, the last occurrence wins, unknown types
// are ignored.
struct Attrs {
    std::array<const nlattr*, kMaxAttrType + 1> slot{};
    const nlattr* operator[](unsigned type) const { return type <= kMaxAttrType ? slot[type] : nullptr; }
};

Attrs parseAttrs(const void* payload, std::size_t len)
{
    Attrs attrs;
    forEachAttr(payload, len, [&](const nlattr* a) {
        if (const unsigned type = mnl_attr_get_type(a); type <= kMaxAttrType) {
            attrs.slot[type] = a;
        }
        return true;
    });
    return attrs;
}

Attrs parseNested(const nlattr* nest)
{
    return parseAttrs(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest));
}

// ---------------------------------------------------------------- policies

// The part of the kernel's attribute policies a request can break. mptcp_pm
// is not strictly validated: longer fixed-size attributes, unknown types and
// nests without NLA_F_NESTED all pass, exactly as on the real kernel.
enum class Check { MinLen, ExactLen, Nest };
struct Rule {
    std::uint16_t type;
    Check check;
    std::uint16_t len;
};

constexpr Rule kAddrPolicy[] = {
    {proto::ADDR_ATTR_FAMILY, Check::MinLen, 2}, {proto::ADDR_ATTR_ID, Check::MinLen, 1},
    {proto::ADDR_ATTR_ADDR4, Check::MinLen, 4},  {proto::ADDR_ATTR_ADDR6, Check::ExactLen, 16},
    {proto::ADDR_ATTR_PORT, Check::MinLen, 2},   {proto::ADDR_ATTR_FLAGS, Check::MinLen, 4},
    {proto::ADDR_ATTR_IF_IDX, Check::MinLen, 4},
};

constexpr Rule kPmPolicy[] = {
    {proto::ATTR_ADDR, Check::Nest, 0},       {proto::ATTR_RCV_ADD_ADDRS, Check::MinLen, 4},
    {proto::ATTR_SUBFLOWS, Check::MinLen, 4}, {proto::ATTR_TOKEN, Check::MinLen, 4},
    {proto::ATTR_LOC_ID, Check::MinLen, 1},   {proto::ATTR_ADDR_REMOTE, Check::Nest, 0},
};

struct Violation {
    int error;
    const char* message;
    const nlattr* at;
};

// validate_nla(), in message order, nests included: the first attribute that
// breaks its rule, with the kernel's errno and text for it.
std::optional<Violation> findViolation(const void* payload, std::size_t len, std::span<const Rule> rules)
{
    std::optional<Violation> found;
    forEachAttr(payload, len, [&](const nlattr* a) {
        const auto rule =
            std::find_if(rules.begin(), rules.end(), [&](const Rule& r) { return r.type == mnl_attr_get_type(a); });
        if (rule == rules.end()) {
            return true;
        }
        const std::size_t n = mnl_attr_get_payload_len(a);
        switch (rule->check) {
            case Check::MinLen:
                if (n < rule->len) {
                    found = Violation{ERANGE, "Attribute failed policy validation", a};
                }
                break;
            case Check::ExactLen:
                if (n != rule->len) {
                    found = Violation{ERANGE, "binary attribute size out of range", a};
                }
                break;
            case Check::Nest:
                // An empty nest is fine; a non-empty one holds at least a header.
                if (n != 0 && n < MNL_ATTR_HDRLEN) {
                    found = Violation{ERANGE, "Attribute failed policy validation", a};
                } else {
                    found = findViolation(mnl_attr_get_payload(a), n, kAddrPolicy);
                }
                break;
        }
        return !found;
    });
    return found;
}

// ---------------------------------------------------------------- writing

// One reply message, built with libmnl in aligned storage. The header echoes
// the request's sequence number; the port id is that of the requesting
// socket, which is what the kernel puts there (not the request's nlmsg_pid).
class MessageBuilder {
public:
    MessageBuilder(std::uint16_t type, std::uint16_t flags, const nlmsghdr& request)
    {
        nlh_ = mnl_nlmsg_put_header(buf_.data());
        nlh_->nlmsg_type = type;
        nlh_->nlmsg_flags = flags;
        nlh_->nlmsg_seq = request.nlmsg_seq;
        nlh_->nlmsg_pid = FakeKernel::kPortId;
    }
    MessageBuilder(const MessageBuilder&) = delete;
    MessageBuilder& operator=(const MessageBuilder&) = delete;

    void genl(std::uint8_t cmd, std::uint8_t version)
    {
        auto* g = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(genlmsghdr)));
        g->cmd = cmd;
        g->version = version;
    }
    void* extraHeader(std::size_t size) { return mnl_nlmsg_put_extra_header(nlh_, size); }
    void u8(std::uint16_t type, std::uint8_t v) { ensure(mnl_attr_put_u8_check(nlh_, buf_.size(), type, v)); }
    void u16(std::uint16_t type, std::uint16_t v) { ensure(mnl_attr_put_u16_check(nlh_, buf_.size(), type, v)); }
    void u32(std::uint16_t type, std::uint32_t v) { ensure(mnl_attr_put_u32_check(nlh_, buf_.size(), type, v)); }
    void raw(std::uint16_t type, const void* data, std::size_t len)
    {
        ensure(mnl_attr_put_check(nlh_, buf_.size(), type, len, data));
    }
    void str(std::uint16_t type, std::string_view s)
    {
        ensure(mnl_attr_put_strz_check(nlh_, buf_.size(), type, std::string(s).c_str()));
    }
    nlattr* nestStart(std::uint16_t type)
    {
        nlattr* nest = mnl_attr_nest_start_check(nlh_, buf_.size(), type);
        ensure(nest != nullptr);
        return nest;
    }
    void nestEnd(nlattr* nest) { mnl_attr_nest_end(nlh_, nest); }
    Datagram bytes() const { return Datagram(buf_.begin(), buf_.begin() + nlh_->nlmsg_len); }

private:
    static void ensure(bool ok)
    {
        if (!ok) {
            throw std::logic_error("fake kernel: reply larger than kMaxMessage");
        }
    }
    alignas(4) std::array<std::uint8_t, kMaxMessage> buf_{};
    nlmsghdr* nlh_;
};

// netlink_ack(): an ACK (error 0) or an error. With NETLINK_CAP_ACK only the
// request's header is echoed, never its payload, and NLM_F_CAPPED says so.
Datagram statusMessage(const nlmsghdr& request, int error, std::string_view text, std::optional<std::uint32_t> badAttr,
                       std::optional<std::uint32_t> missingAttr)
{
    const bool tlvs = !text.empty() || badAttr || missingAttr;
    MessageBuilder m(NLMSG_ERROR, static_cast<std::uint16_t>(NLM_F_CAPPED | (tlvs ? NLM_F_ACK_TLVS : 0)), request);
    auto* err = static_cast<nlmsgerr*>(m.extraHeader(sizeof(nlmsgerr)));
    err->error = -error;
    err->msg = request;
    if (!text.empty()) {
        m.str(NLMSGERR_ATTR_MSG, text);
    }
    if (badAttr) {
        m.u32(NLMSGERR_ATTR_OFFS, *badAttr);
    }
    if (missingAttr) {
        m.u32(NLMSGERR_ATTR_MISS_TYPE, *missingAttr);
    }
    return m.bytes();
}

// The end of a dump: NLMSG_DONE with the dump's status, an int. An error
// of the dump callback comes here too, with its extack text alone
// (netlink_dump_done()).
Datagram doneMessage(const nlmsghdr& request, int error = 0, std::string_view text = {})
{
    const auto flags = static_cast<std::uint16_t>(NLM_F_MULTI | (text.empty() ? 0 : NLM_F_ACK_TLVS));
    MessageBuilder m(NLMSG_DONE, flags, request);
    *static_cast<int*>(m.extraHeader(sizeof(int))) = -error;
    if (!text.empty()) {
        m.str(NLMSGERR_ATTR_MSG, text);
    }
    return m.bytes();
}

// CTRL_CMD_NEWFAMILY as nlctrl sends it, less CTRL_ATTR_OPS (nobody here
// reads it). Like the real family, two groups, the commands' one first.
Datagram familyMessage(const nlmsghdr& request)
{
    MessageBuilder m(GENL_ID_CTRL, 0, request);
    m.genl(CTRL_CMD_NEWFAMILY, kCtrlVersion);
    m.str(CTRL_ATTR_FAMILY_NAME, proto::kFamilyName);
    m.u16(CTRL_ATTR_FAMILY_ID, FakeKernel::kFamilyId);
    m.u32(CTRL_ATTR_VERSION, proto::kFamilyVersion);
    m.u32(CTRL_ATTR_HDRSIZE, 0);
    m.u32(CTRL_ATTR_MAXATTR, 0);  // 0 on 6.18: the family has per-command policies
    nlattr* groups = m.nestStart(CTRL_ATTR_MCAST_GROUPS);
    const std::pair<const char*, std::uint32_t> kGroups[] = {
        {kCmdsGroupName, FakeKernel::kCmdsGroupId},
        {proto::kEventsGroupName, FakeKernel::kEventsGroupId},
    };
    std::uint16_t index = 0;
    for (const auto& [name, id] : kGroups) {
        nlattr* group = m.nestStart(++index);
        m.u32(CTRL_ATTR_MCAST_GRP_ID, id);
        m.str(CTRL_ATTR_MCAST_GRP_NAME, name);
        m.nestEnd(group);
    }
    m.nestEnd(groups);
    return m.bytes();
}

// mptcp_nl_fill_addr(): its attribute order, and PORT always present (0 for
// none). On 6.18 both the single GET_ADDR reply and the dump carry the
// command GET_ADDR; older kernels used ADD_ADDR in dumps.
Datagram endpointMessage(const nlmsghdr& request, const Endpoint& ep, std::uint16_t flags)
{
    MessageBuilder m(FakeKernel::kFamilyId, flags, request);
    m.genl(proto::CMD_GET_ADDR, proto::kFamilyVersion);
    nlattr* nest = m.nestStart(proto::ATTR_ADDR | NLA_F_NESTED);
    m.u16(proto::ADDR_ATTR_FAMILY, static_cast<std::uint16_t>(ep.address.family));
    m.u16(proto::ADDR_ATTR_PORT, ep.port);  // host order
    m.u8(proto::ADDR_ATTR_ID, ep.id);
    m.u32(proto::ADDR_ATTR_FLAGS, ep.flags);
    if (ep.ifindex != 0) {
        m.u32(proto::ADDR_ATTR_IF_IDX, static_cast<std::uint32_t>(ep.ifindex));
    }
    if (ep.address.isV4()) {
        m.raw(proto::ADDR_ATTR_ADDR4, ep.address.bytes.data(), 4);
    } else {
        m.raw(proto::ADDR_ATTR_ADDR6, ep.address.bytes.data(), 16);
    }
    m.nestEnd(nest);
    return m.bytes();
}

// ---------------------------------------------------------------- the rules

// Only a signal endpoint without subflow keeps a port (address_use_port()).
bool usesPort(std::uint32_t flags)
{
    return (flags & (proto::FLAG_SIGNAL | proto::FLAG_SUBFLOW)) == proto::FLAG_SIGNAL;
}

// mptcp_addresses_equal(): an IPv4-mapped address equals the IPv4 one.
bool sameAddress(const Endpoint& a, const Endpoint& b, bool comparePort)
{
    return a.address.sameAs(b.address) && (!comparePort || a.port == b.port);
}

template <typename Endpoints>
auto findById(Endpoints& endpoints, std::uint8_t id)
{
    return std::find_if(endpoints.begin(), endpoints.end(), [id](const Endpoint& e) { return e.id == id; });
}

// __lookup_addr(): the first entry in list order whose address matches; the
// port counts only when the entry has one, so a port-less entry matches any.
template <typename Endpoints>
auto findByAddress(Endpoints& endpoints, const Endpoint& wanted)
{
    return std::find_if(endpoints.begin(), endpoints.end(),
                        [&](const Endpoint& e) { return sameAddress(e, wanted, e.port != 0); });
}

bool isWildcard(const IpAddress& a)
{
    const std::size_t n = a.isV4() ? 4 : 16;
    return std::all_of(a.bytes.begin(), a.bytes.begin() + static_cast<std::ptrdiff_t>(n),
                       [](std::uint8_t b) { return b == 0; });
}

// Whether listeners on a and b can share one port: not on the same address,
// nor when one is a wildcard that covers the other (0.0.0.0 covers IPv4 and
// mapped addresses; :: covers everything, sockets being dual-stack).
bool listenersClash(const IpAddress& a, const IpAddress& b)
{
    const auto covers = [](const IpAddress& wildcard, const IpAddress& other) {
        if (!isWildcard(wildcard)) {
            return false;
        }
        return !wildcard.isV4() || other.isV4() || other.isV4Mapped();
    };
    return a.sameAs(b) || covers(a, b) || covers(b, a);
}

// find_next_zero_bit() from `from` up to 255; 0 when there is none.
std::uint8_t lowestFreeId(const std::bitset<256>& used, unsigned from)
{
    for (unsigned id = from; id <= proto::kMaxEndpointId; ++id) {
        if (!used.test(id)) {
            return static_cast<std::uint8_t>(id);
        }
    }
    return 0;
}

bool isWrite(std::uint8_t cmd)
{
    return cmd == proto::CMD_ADD_ADDR || cmd == proto::CMD_DEL_ADDR || cmd == proto::CMD_FLUSH_ADDRS ||
           cmd == proto::CMD_SET_LIMITS || cmd == proto::CMD_SET_FLAGS || cmd == proto::CMD_ANNOUNCE ||
           cmd == proto::CMD_REMOVE || cmd == proto::CMD_SUBFLOW_CREATE || cmd == proto::CMD_SUBFLOW_DESTROY;
}

// mptcp_pm_addr_families_match() for an IPv4 or dual-stack IPv6 socket.
bool familiesMatch(int connectionFamily, const IpAddress& local, const IpAddress& remote)
{
    const bool localV4 = local.isV4() || local.isV4Mapped();
    const bool remoteV4 = remote.isV4() || remote.isV4Mapped();
    if (connectionFamily == AF_INET) {
        return localV4 && remoteV4;
    }
    return localV4 == remoteV4;
}

// mptcp_addresses_equal() with the port compared when asked to; used on
// the 4-tuple of a subflow, where a port of 0 in the request means "any".
bool matches(const IpAddress& address, std::uint16_t port, const IpAddress& wanted, std::uint16_t wantedPort)
{
    return address.sameAs(wanted) && (wantedPort == 0 || port == wantedPort);
}

}  // namespace

// What handling one request produced: the data replies, then a status.
struct FakeKernel::Outcome {
    int error = 0;                             // positive errno; 0 = success
    std::string message;                       // NLMSGERR_ATTR_MSG
    std::optional<std::uint32_t> badAttr;      // NLMSGERR_ATTR_OFFS, from the request's start
    std::optional<std::uint32_t> missingAttr;  // NLMSGERR_ATTR_MISS_TYPE
    std::vector<Datagram> data;                // sent before the status
    bool dump = false;                         // the status is NLMSG_DONE, sent even without NLM_F_ACK
};

// One generic netlink request, its header checked and its attributes parsed.
struct FakeKernel::Request {
    const nlmsghdr* nlh = nullptr;
    std::uint8_t cmd = 0;
    bool dump = false;
    const void* payload = nullptr;  // the attributes after the genl header
    std::size_t payloadLen = 0;
    Attrs attrs;

    // A refusal; `at` (NL_SET_ERR_MSG_ATTR) adds the attribute's offset.
    Outcome refuse(int error, std::string message = {}, const nlattr* at = nullptr) const
    {
        Outcome out;
        out.error = error;
        out.message = std::move(message);
        if (at != nullptr) {
            out.badAttr = static_cast<std::uint32_t>(reinterpret_cast<const std::uint8_t*>(at) -
                                                     reinterpret_cast<const std::uint8_t*>(nlh));
        }
        return out;
    }

    // GENL_REQ_ATTR_CHECK(): EINVAL naming the missing attribute, no text.
    Outcome missing(std::uint16_t type) const
    {
        Outcome out = refuse(EINVAL);
        out.missingAttr = type;
        return out;
    }

    // What every command that takes an endpoint does first: the ATTR_ADDR
    // nest must be there (GENL_REQ_ATTR_CHECK), then it is parsed. `nest`
    // is kept for the offsets of later refusals.
    std::optional<Outcome> parseAddrAttr(bool requireFamily, const nlattr*& nest, Endpoint& entry) const
    {
        nest = attrs[proto::ATTR_ADDR];
        if (nest == nullptr) {
            return missing(proto::ATTR_ADDR);
        }
        return parseEntry(nest, requireFamily, entry);
    }

    // mptcp_pm_parse_entry(). Lengths were checked by the policy already.
    std::optional<Outcome> parseEntry(const nlattr* nest, bool requireFamily, Endpoint& entry) const
    {
        const Attrs tb = parseNested(nest);
        entry = Endpoint{};
        if (const nlattr* family = tb[proto::ADDR_ATTR_FAMILY]) {
            const int f = mnl_attr_get_u16(family);
            if (f != AF_INET && f != AF_INET6) {
                return refuse(EINVAL, "unknown address family", nest);
            }
            const nlattr* data = tb[f == AF_INET ? proto::ADDR_ATTR_ADDR4 : proto::ADDR_ATTR_ADDR6];
            if (data == nullptr) {
                return refuse(EINVAL, "missing address data", nest);
            }
            // Stored as given: an IPv4-mapped address stays an IPv6 one.
            entry.address.family = f;
            std::memcpy(entry.address.bytes.data(), mnl_attr_get_payload(data), f == AF_INET ? 4 : 16);
        } else if (requireFamily) {
            return refuse(EINVAL, "missing family", nest);
        }
        if (const nlattr* a = tb[proto::ADDR_ATTR_IF_IDX]) {
            entry.ifindex = static_cast<std::int32_t>(mnl_attr_get_u32(a));  // never validated
        }
        if (const nlattr* a = tb[proto::ADDR_ATTR_ID]) {
            entry.id = mnl_attr_get_u8(a);
        }
        if (const nlattr* a = tb[proto::ADDR_ATTR_FLAGS]) {
            entry.flags = mnl_attr_get_u32(a) & kKnownFlags;  // masked before any check
        }
        if (const nlattr* a = tb[proto::ADDR_ATTR_PORT]) {
            entry.port = mnl_attr_get_u16(a);  // host order; 0 is no port
        }
        return std::nullopt;
    }
};

// ---------------------------------------------------------------- transport

FakeKernel::FakeKernel(bool mptcpAvailable) : mptcpAvailable_(mptcpAvailable) {}

void FakeKernel::send(std::span<const std::uint8_t> message)
{
    sent_.emplace_back(message.begin(), message.end());
    std::vector<Datagram> replies;
    forEachMessage(AlignedCopy(message), [&](const nlmsghdr* nlh) {
        for (Datagram& d : process(nlh)) {
            replies.push_back(std::move(d));
        }
    });
    if (nextReplyFilter_) {
        const ReplyFilter filter = std::exchange(nextReplyFilter_, nullptr);
        replies = filter(message, std::move(replies));
    }
    for (Datagram& d : replies) {
        replies_.push_back(std::move(d));
    }
}

std::size_t FakeKernel::receive(std::span<std::uint8_t> buffer)
{
    if (replies_.empty()) {
        throw PmError(ErrorKind::Failed,
                      "fake kernel: nothing to receive (the real kernel answers every request that asked for an ACK, "
                      "and every error)",
                      ETIMEDOUT);
    }
    const Datagram d = std::move(replies_.front());
    replies_.pop_front();
    if (d.size() > buffer.size()) {
        throw PmError(ErrorKind::Failed, "fake kernel: reply larger than the receive buffer", EMSGSIZE);
    }
    std::copy(d.begin(), d.end(), buffer.begin());
    return d.size();
}

Datagram FakeKernel::errorReply(std::span<const std::uint8_t> request, int error, std::string_view message)
{
    nlmsghdr header{};
    std::memcpy(&header, request.data(), std::min(request.size(), sizeof header));
    return statusMessage(header, error, message, std::nullopt, std::nullopt);
}

// netlink_rcv_skb(): only requests are handled; other messages, and those
// of the netlink core's own types, are merely acknowledged when asked to.
// An error is always answered; success only with NLM_F_ACK, or a dump's
// NLMSG_DONE.
std::vector<Datagram> FakeKernel::process(const nlmsghdr* nlh)
{
    const Outcome out =
        (nlh->nlmsg_flags & NLM_F_REQUEST) && nlh->nlmsg_type >= NLMSG_MIN_TYPE ? dispatch(nlh) : Outcome{};
    if (out.error != 0 && out.dump) {
        return {doneMessage(*nlh, out.error, out.message)};
    }
    if (out.error != 0) {
        return {statusMessage(*nlh, out.error, out.message, out.badAttr, out.missingAttr)};
    }
    std::vector<Datagram> replies = out.data;
    if (out.dump) {
        replies.push_back(doneMessage(*nlh));
    } else if (nlh->nlmsg_flags & NLM_F_ACK) {
        replies.push_back(statusMessage(*nlh, 0, {}, std::nullopt, std::nullopt));
    }
    return replies;
}

// genl_rcv_msg(), in its order: the family, the genl header, the command,
// the permission, doit or dumpit, the attribute policy, then the handler.
FakeKernel::Outcome FakeKernel::dispatch(const nlmsghdr* nlh)
{
    Request req;
    req.nlh = nlh;
    const bool isPm = nlh->nlmsg_type == kFamilyId && mptcpAvailable_;
    if (nlh->nlmsg_type != GENL_ID_CTRL && !isPm) {
        return req.refuse(ENOENT);
    }
    if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + GENL_HDRLEN) {
        return req.refuse(EINVAL);
    }
    req.cmd = static_cast<const genlmsghdr*>(mnl_nlmsg_get_payload(nlh))->cmd;
    req.dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
    req.payload = static_cast<const std::uint8_t*>(mnl_nlmsg_get_payload(nlh)) + GENL_HDRLEN;
    req.payloadLen = nlh->nlmsg_len - MNL_NLMSG_HDRLEN - GENL_HDRLEN;
    req.attrs = parseAttrs(req.payload, req.payloadLen);
    if (!isPm) {
        return controller(req);
    }

    if (req.cmd < proto::CMD_ADD_ADDR || req.cmd > proto::CMD_SUBFLOW_DESTROY) {
        return req.refuse(EOPNOTSUPP);
    }
    if (isWrite(req.cmd) && !capNetAdmin_) {
        return req.refuse(EPERM);
    }
    if (req.dump) {
        // Only GET_ADDR can dump; with a token it lists that connection's
        // local addresses (6.9+), else the endpoint table.
        if (req.cmd != proto::CMD_GET_ADDR) {
            return req.refuse(EOPNOTSUPP);
        }
        return req.attrs[proto::ATTR_TOKEN] != nullptr ? dumpConnectionAddrs(req) : dumpAddrs(req);
    }
    if (const auto v = findViolation(req.payload, req.payloadLen, kPmPolicy)) {
        return req.refuse(v->error, v->message, v->at);
    }
    switch (req.cmd) {
        case proto::CMD_ANNOUNCE:
            return announce(req);
        case proto::CMD_REMOVE:
            return remove(req);
        case proto::CMD_SUBFLOW_CREATE:
            return subflowCreate(req);
        case proto::CMD_SUBFLOW_DESTROY:
            return subflowDestroy(req);
        case proto::CMD_ADD_ADDR:
            return addAddr(req);
        case proto::CMD_DEL_ADDR:
            return delAddr(req);
        case proto::CMD_GET_ADDR:
            return getAddr(req);
        case proto::CMD_FLUSH_ADDRS:
            return flushAddrs();
        case proto::CMD_SET_LIMITS:
            return setLimits(req);
        case proto::CMD_GET_LIMITS:
            return getLimits(req);
        default:
            // With a token, SET_FLAGS is the userspace PM's (after the
            // address nest was checked the same way).
            return req.attrs[proto::ATTR_TOKEN] != nullptr ? setSubflowFlags(req) : setFlags(req);
    }
}

// ---------------------------------------------------------------- nlctrl

// ctrl_getfamily(): by id if given, else by name; neither is EINVAL, an
// unknown family ENOENT, both without a message.
FakeKernel::Outcome FakeKernel::controller(const Request& req) const
{
    if (req.dump || req.cmd != CTRL_CMD_GETFAMILY) {
        return req.refuse(EOPNOTSUPP);  // dumping the controller is not modelled
    }
    bool found = false;
    if (const nlattr* id = req.attrs[CTRL_ATTR_FAMILY_ID]) {
        if (mnl_attr_get_payload_len(id) < sizeof(std::uint16_t)) {
            return req.refuse(ERANGE, "Attribute failed policy validation", id);
        }
        found = mptcpAvailable_ && mnl_attr_get_u16(id) == kFamilyId;
    } else if (const nlattr* name = req.attrs[CTRL_ATTR_FAMILY_NAME]) {
        // NLA_NUL_STRING of at most GENL_NAMSIZ - 1 characters.
        const auto* s = static_cast<const char*>(mnl_attr_get_payload(name));
        const std::size_t n = mnl_attr_get_payload_len(name);
        const void* nul = std::memchr(s, '\0', std::min<std::size_t>(n, GENL_NAMSIZ));
        if (nul == nullptr) {
            return req.refuse(n < GENL_NAMSIZ ? EINVAL : ERANGE, "Attribute failed policy validation", name);
        }
        found = mptcpAvailable_ && std::strcmp(s, proto::kFamilyName) == 0;
    } else {
        return req.refuse(EINVAL);
    }
    if (!found) {
        return req.refuse(ENOENT);
    }
    Outcome out;
    out.data.push_back(familyMessage(*req.nlh));
    return out;
}

// ---------------------------------------------------------------- mptcp_pm

// mptcp_pm_nl_add_addr_doit(): flag rules, then the listener, then the table.
FakeKernel::Outcome FakeKernel::addAddr(const Request& req)
{
    const nlattr* nest = nullptr;
    Endpoint entry;
    if (auto refused = req.parseAddrAttr(/*requireFamily=*/true, nest, entry)) {
        return std::move(*refused);
    }
    if (entry.port != 0 && !usesPort(entry.flags)) {
        return req.refuse(EINVAL, "flags must have signal and not subflow when using port", nest);
    }
    if ((entry.flags & proto::FLAG_SIGNAL) && (entry.flags & proto::FLAG_FULLMESH)) {
        return req.refuse(EINVAL, "flags mustn't have both signal and fullmesh", nest);
    }
    if (entry.flags & proto::FLAG_IMPLICIT) {
        return req.refuse(EINVAL, "can't create IMPLICIT endpoint", nest);
    }
    // The listener is opened before the table is looked at, so its errors
    // come before ERANGE, EBUSY and EEXIST.
    if (entry.port != 0) {
        if (const int err = listenError(entry)) {
            return req.refuse(err, "create listen socket error: -" + std::to_string(err));
        }
    }
    if (const int ret = appendEntry(entry, /*replaceImplicit=*/true); ret < 0) {
        return req.refuse(-ret, "too many addresses or duplicate one: " + std::to_string(ret));
    }
    return {};
}

int FakeKernel::appendEntry(Endpoint entry, bool replaceImplicit)
{
    // The checks come in this order, which is the order of the errors.
    if (nextId_ == proto::kMaxEndpointId) {
        nextId_ = 1;  // before every add, even one that fails below
    }
    if (endpoints_.size() >= proto::kMaxEndpoints) {
        return -ERANGE;
    }
    if (usedIds_.test(entry.id)) {
        return -EBUSY;  // never for id 0: no entry has it
    }
    if (!usesPort(entry.flags)) {
        entry.port = 0;
    }
    // Duplicates: the address, and the port when either side has one.
    for (auto it = endpoints_.begin(); it != endpoints_.end(); ++it) {
        if (!sameAddress(*it, entry, it->port != 0 || entry.port != 0)) {
            continue;
        }
        // Only an implicit entry may give way, to an add that lets the
        // kernel choose the id; the new entry takes over the old one's id.
        if (!(it->flags & proto::FLAG_IMPLICIT)) {
            return -EEXIST;
        }
        if (entry.id != 0) {
            return -EINVAL;
        }
        if (!replaceImplicit) {
            return it->id;
        }
        entry.id = it->id;
        endpoints_.erase(it);
        break;
    }
    // No id, or id 0 (this kernel has the revert of "needs_id"): the lowest
    // free id from the cursor on; if there is none, look again from 1, and
    // the cursor stays there. Deletes never move the cursor back.
    if (entry.id == 0) {
        entry.id = lowestFreeId(usedIds_, nextId_);
        if (entry.id == 0 && nextId_ != 1) {
            nextId_ = 1;
            entry.id = lowestFreeId(usedIds_, nextId_);
        }
        if (entry.id == 0) {
            return -EINVAL;
        }
    }
    usedIds_.set(entry.id);
    nextId_ = std::max(nextId_, entry.id);
    // Ported entries go first in the list, so an exact addr+port match wins
    // over a port-less entry of the same address in lookups.
    if (entry.port != 0) {
        endpoints_.insert(endpoints_.begin(), entry);
    } else {
        endpoints_.push_back(entry);
    }
    return entry.id;
}

int FakeKernel::listenError(const Endpoint& entry) const
{
    // bind() wants a local address (or a wildcard) first...
    const bool local =
        isWildcard(entry.address) || std::any_of(localAddresses_.begin(), localAddresses_.end(),
                                                 [&](const IpAddress& a) { return a.sameAs(entry.address); });
    if (!local) {
        return EADDRNOTAVAIL;
    }
    // ...then a free port: every port endpoint in the table holds a listener.
    for (const Endpoint& ep : endpoints_) {
        if (ep.port == entry.port && listenersClash(ep.address, entry.address)) {
            return EADDRINUSE;
        }
    }
    return 0;
}

// mptcp_pm_nl_del_addr_doit(): by id only; any address is ignored.
FakeKernel::Outcome FakeKernel::delAddr(const Request& req)
{
    const nlattr* nest = nullptr;
    Endpoint wanted;
    if (auto refused = req.parseAddrAttr(/*requireFamily=*/false, nest, wanted)) {
        return std::move(*refused);
    }
    // Id 0 names the initial subflow of live connections, never an entry:
    // those subflows are closed (none here) and it always succeeds.
    if (wanted.id == 0) {
        return {};
    }
    const auto it = findById(endpoints_, wanted.id);
    if (it == endpoints_.end()) {
        return req.refuse(EINVAL, "address not found", nest);
    }
    usedIds_.reset(it->id);  // the cursor stays where it is
    endpoints_.erase(it);    // and a port endpoint's listener goes with it
    return {};
}

// mptcp_pm_nl_get_addr_doit(): by id only.
FakeKernel::Outcome FakeKernel::getAddr(const Request& req) const
{
    const nlattr* nest = nullptr;
    Endpoint wanted;
    if (auto refused = req.parseAddrAttr(/*requireFamily=*/false, nest, wanted)) {
        return std::move(*refused);
    }
    const auto it = findById(endpoints_, wanted.id);
    if (wanted.id == 0 || it == endpoints_.end()) {
        return req.refuse(EINVAL, "address not found", nest);
    }
    Outcome out;
    out.data.push_back(endpointMessage(*req.nlh, *it, 0));
    return out;
}

// mptcp_pm_nl_dump_addr(): ascending ids, all in one datagram (eight fit
// easily), then NLMSG_DONE in a datagram of its own.
FakeKernel::Outcome FakeKernel::dumpAddrs(const Request& req) const
{
    Outcome out;
    out.dump = true;
    Datagram all;
    for (const Endpoint& ep : table()) {
        const Datagram m = endpointMessage(*req.nlh, ep, NLM_F_MULTI);
        all.insert(all.end(), m.begin(), m.end());
    }
    if (!all.empty()) {
        out.data.push_back(std::move(all));
    }
    return out;
}

// Empties the table and resets the cursor; the limits stay.
FakeKernel::Outcome FakeKernel::flushAddrs()
{
    endpoints_.clear();
    usedIds_.reset();
    nextId_ = 1;
    return {};
}

// mptcp_pm_nl_set_limits_doit(): each limit optional; both are checked
// before either is written.
FakeKernel::Outcome FakeKernel::setLimits(const Request& req)
{
    Limits next = limits_;
    const std::pair<std::uint16_t, std::uint32_t*> fields[] = {
        {proto::ATTR_RCV_ADD_ADDRS, &next.addAddrAccepted},
        {proto::ATTR_SUBFLOWS, &next.subflows},
    };
    for (const auto& [type, value] : fields) {
        if (const nlattr* a = req.attrs[type]) {
            *value = mnl_attr_get_u32(a);
            if (*value > proto::kMaxLimit) {
                return req.refuse(EINVAL, "limit greater than maximum (" + std::to_string(proto::kMaxLimit) + ")", a);
            }
        }
    }
    limits_ = next;
    return {};
}

FakeKernel::Outcome FakeKernel::getLimits(const Request& req) const
{
    MessageBuilder m(kFamilyId, 0, *req.nlh);
    m.genl(proto::CMD_GET_LIMITS, proto::kFamilyVersion);
    m.u32(proto::ATTR_RCV_ADD_ADDRS, limits_.addAddrAccepted);
    m.u32(proto::ATTR_SUBFLOWS, limits_.subflows);
    Outcome out;
    out.data.push_back(m.bytes());
    return out;
}

// mptcp_pm_nl_set_flags(): found by address if one is given (any id is then
// ignored), else by id; only backup and fullmesh change, both set to what the
// request carries.
FakeKernel::Outcome FakeKernel::setFlags(const Request& req)
{
    const nlattr* nest = nullptr;
    Endpoint wanted;
    if (auto refused = req.parseAddrAttr(/*requireFamily=*/false, nest, wanted)) {
        return std::move(*refused);
    }
    auto it = endpoints_.end();
    if (wanted.address.family == 0) {
        if (wanted.id == 0) {
            return req.refuse(EOPNOTSUPP, "missing address ID", nest);
        }
        it = findById(endpoints_, wanted.id);
    } else {
        it = findByAddress(endpoints_, wanted);
    }
    if (it == endpoints_.end()) {
        return req.refuse(EINVAL, "address not found", nest);
    }
    if ((wanted.flags & proto::FLAG_FULLMESH) && (it->flags & (proto::FLAG_SIGNAL | proto::FLAG_IMPLICIT))) {
        return req.refuse(EINVAL, "invalid addr flags", nest);
    }
    constexpr std::uint32_t kChangeable = proto::FLAG_BACKUP | proto::FLAG_FULLMESH;
    it->flags = (it->flags & ~kChangeable) | (wanted.flags & kChangeable);
    return {};
}

// ---------------------------------------------------------------- userspace PM

FakeKernel::LiveConnection* FakeKernel::userspaceConnection(const Request& req, Outcome& refusal)
{
    const nlattr* token = req.attrs[proto::ATTR_TOKEN];
    if (token == nullptr) {
        refusal = req.missing(proto::ATTR_TOKEN);
        return nullptr;
    }
    const auto it = connections_.find(mnl_attr_get_u32(token));
    if (it == connections_.end()) {
        refusal = req.refuse(EINVAL, "invalid token", token);
        return nullptr;
    }
    if (!it->second.spec.userspace) {
        refusal = req.refuse(EINVAL, "userspace PM not selected", token);
        return nullptr;
    }
    return &it->second;
}

namespace {

// mptcp_userspace_pm_append_new_local_addr() without needs_id (what
// ANNOUNCE and SUBFLOW_CREATE use): a new address joins the list with the
// id it came with; an address and id already listed together pass; an
// address listed with another id, or an id listed for another address, is
// refused (-EINVAL). The port counts in the address comparison.
int appendLocal(std::vector<Endpoint>& list, const Endpoint& entry)
{
    for (const Endpoint& e : list) {
        const bool addrMatch = sameAddress(e, entry, true);
        const bool idMatch = e.id == entry.id;
        if (addrMatch && idMatch) {
            return entry.id;
        }
        if (addrMatch || idMatch) {
            return -EINVAL;
        }
    }
    list.push_back(entry);
    return entry.id;
}

// mptcp_userspace_pm_delete_local_addr(): the first entry of the address,
// whatever its port.
void deleteLocal(std::vector<Endpoint>& list, const IpAddress& address)
{
    const auto it =
        std::find_if(list.begin(), list.end(), [&](const Endpoint& e) { return e.address.sameAs(address); });
    if (it != list.end()) {
        list.erase(it);
    }
}

}  // namespace

// mptcp_pm_nl_announce_doit(): the address must carry a non-zero id and
// the signal flag; the list check; then ADD_ADDR unless already announced.
FakeKernel::Outcome FakeKernel::announce(const Request& req)
{
    if (req.attrs[proto::ATTR_ADDR] == nullptr) {
        return req.missing(proto::ATTR_ADDR);
    }
    Outcome refusal;
    LiveConnection* c = userspaceConnection(req, refusal);
    if (c == nullptr) {
        return refusal;
    }
    const nlattr* nest = req.attrs[proto::ATTR_ADDR];
    Endpoint entry;
    if (auto refused = req.parseEntry(nest, /*requireFamily=*/true, entry)) {
        return std::move(*refused);
    }
    if (entry.id == 0) {
        return req.refuse(EINVAL, "invalid addr id", nest);
    }
    if (!(entry.flags & proto::FLAG_SIGNAL)) {
        return req.refuse(EINVAL, "invalid addr flags", nest);
    }
    if (appendLocal(c->local, entry) < 0) {
        return req.refuse(EINVAL, "did not match address and id", nest);
    }
    if (std::find(c->announced.begin(), c->announced.end(), entry.id) == c->announced.end()) {
        c->announced.push_back(entry.id);
    }
    return {};
}

// mptcp_pm_nl_remove_doit(): id 0 is the initial subflow's address (there
// must be a subflow with local id 0); another id must be in the list. The
// address is withdrawn and its subflows closed.
FakeKernel::Outcome FakeKernel::remove(const Request& req)
{
    const nlattr* idAttr = req.attrs[proto::ATTR_LOC_ID];
    if (idAttr == nullptr) {
        return req.missing(proto::ATTR_LOC_ID);
    }
    const std::uint8_t id = mnl_attr_get_u8(idAttr);
    Outcome refusal;
    LiveConnection* c = userspaceConnection(req, refusal);
    if (c == nullptr) {
        return refusal;
    }
    const auto notFound = [&] {
        return req.refuse(EINVAL, "address with id " + std::to_string(id) + " not found", idAttr);
    };
    const auto closeSubflows = [&] { std::erase_if(c->subflows, [id](const Subflow& s) { return s.localId == id; }); };
    if (id == 0) {
        if (std::none_of(c->subflows.begin(), c->subflows.end(), [](const Subflow& s) { return s.localId == 0; })) {
            return notFound();
        }
        closeSubflows();
        return {};
    }
    const auto it = findById(c->local, id);
    if (it == c->local.end()) {
        return notFound();
    }
    c->local.erase(it);
    std::erase(c->announced, id);
    closeSubflows();
    return {};
}

// mptcp_pm_nl_subflow_create_doit(): a local address without the signal
// flag, a remote one of a matching family, the list check, then connect.
FakeKernel::Outcome FakeKernel::subflowCreate(const Request& req)
{
    if (req.attrs[proto::ATTR_ADDR] == nullptr) {
        return req.missing(proto::ATTR_ADDR);
    }
    if (req.attrs[proto::ATTR_ADDR_REMOTE] == nullptr) {
        return req.missing(proto::ATTR_ADDR_REMOTE);
    }
    Outcome refusal;
    LiveConnection* c = userspaceConnection(req, refusal);
    if (c == nullptr) {
        return refusal;
    }
    const nlattr* laddr = req.attrs[proto::ATTR_ADDR];
    Endpoint entry;
    if (auto refused = req.parseEntry(laddr, /*requireFamily=*/true, entry)) {
        return std::move(*refused);
    }
    if (entry.flags & proto::FLAG_SIGNAL) {
        return req.refuse(EINVAL, "invalid addr flags", laddr);
    }
    entry.flags |= proto::FLAG_SUBFLOW;
    Endpoint remote;
    if (auto refused = req.parseEntry(req.attrs[proto::ATTR_ADDR_REMOTE], /*requireFamily=*/true, remote)) {
        return std::move(*refused);
    }
    if (!familiesMatch(c->spec.localAddress.family, entry.address, remote.address)) {
        return req.refuse(EINVAL, "families mismatch");
    }
    if (appendLocal(c->local, entry) < 0) {
        return req.refuse(EINVAL, "did not match address and id", laddr);
    }
    // __mptcp_subflow_connect(): binding the local address comes first.
    const bool local = std::any_of(localAddresses_.begin(), localAddresses_.end(),
                                   [&](const IpAddress& a) { return a.sameAs(entry.address); });
    if (!local) {
        deleteLocal(c->local, entry.address);
        return req.refuse(EADDRNOTAVAIL, "connect error: -" + std::to_string(EADDRNOTAVAIL));
    }
    c->subflows.push_back({.localId = entry.id,
                           .localAddress = entry.address,
                           .localPort = entry.port != 0 ? entry.port : c->nextPort++,
                           .remoteAddress = remote.address,
                           .remotePort = remote.port,
                           .backup = (entry.flags & proto::FLAG_BACKUP) != 0});
    return {};
}

// mptcp_pm_nl_subflow_destroy_doit(): the whole 4-tuple, both ports; the
// local address leaves the list with the subflow.
FakeKernel::Outcome FakeKernel::subflowDestroy(const Request& req)
{
    if (req.attrs[proto::ATTR_ADDR] == nullptr) {
        return req.missing(proto::ATTR_ADDR);
    }
    if (req.attrs[proto::ATTR_ADDR_REMOTE] == nullptr) {
        return req.missing(proto::ATTR_ADDR_REMOTE);
    }
    Outcome refusal;
    LiveConnection* c = userspaceConnection(req, refusal);
    if (c == nullptr) {
        return refusal;
    }
    const nlattr* laddr = req.attrs[proto::ATTR_ADDR];
    const nlattr* raddr = req.attrs[proto::ATTR_ADDR_REMOTE];
    Endpoint local, remote;
    if (auto refused = req.parseEntry(laddr, /*requireFamily=*/true, local)) {
        return std::move(*refused);
    }
    if (auto refused = req.parseEntry(raddr, /*requireFamily=*/true, remote)) {
        return std::move(*refused);
    }
    if ((local.address.isV4() || local.address.isV4Mapped()) !=
        (remote.address.isV4() || remote.address.isV4Mapped())) {
        return req.refuse(EINVAL, "address families do not match");
    }
    if (local.port == 0) {
        return req.refuse(EINVAL, "missing local port", laddr);
    }
    if (remote.port == 0) {
        return req.refuse(EINVAL, "missing remote port", raddr);
    }
    const auto it = std::find_if(c->subflows.begin(), c->subflows.end(), [&](const Subflow& s) {
        return matches(s.localAddress, s.localPort, local.address, local.port) &&
               matches(s.remoteAddress, s.remotePort, remote.address, remote.port);
    });
    if (it == c->subflows.end()) {
        return req.refuse(ESRCH, "subflow not found");
    }
    deleteLocal(c->local, local.address);
    c->subflows.erase(it);
    return {};
}

// mptcp_userspace_pm_set_flags(): backup or not on the first subflow that
// matches (a port of 0 matches any); the listed address follows.
FakeKernel::Outcome FakeKernel::setSubflowFlags(const Request& req)
{
    const nlattr* laddr = req.attrs[proto::ATTR_ADDR];
    if (laddr == nullptr) {
        return req.missing(proto::ATTR_ADDR);
    }
    Endpoint local;
    if (auto refused = req.parseEntry(laddr, /*requireFamily=*/false, local)) {
        return std::move(*refused);
    }
    const nlattr* raddr = req.attrs[proto::ATTR_ADDR_REMOTE];
    if (raddr == nullptr) {
        return req.missing(proto::ATTR_ADDR_REMOTE);
    }
    Outcome refusal;
    LiveConnection* c = userspaceConnection(req, refusal);
    if (c == nullptr) {
        return refusal;
    }
    if (local.address.family == 0) {
        return req.refuse(EINVAL, "invalid local address family", laddr);
    }
    Endpoint remote;
    if (auto refused = req.parseEntry(raddr, /*requireFamily=*/true, remote)) {
        return std::move(*refused);
    }
    const bool backup = (local.flags & proto::FLAG_BACKUP) != 0;
    const auto listed = std::find_if(c->local.begin(), c->local.end(),
                                     [&](const Endpoint& e) { return e.address.sameAs(local.address); });
    if (listed != c->local.end()) {
        listed->flags = backup ? (listed->flags | proto::FLAG_BACKUP) : (listed->flags & ~proto::FLAG_BACKUP);
    }
    const auto it = std::find_if(c->subflows.begin(), c->subflows.end(), [&](const Subflow& s) {
        return matches(s.localAddress, s.localPort, local.address, local.port) &&
               matches(s.remoteAddress, s.remotePort, remote.address, remote.port);
    });
    if (it == c->subflows.end()) {
        return req.refuse(EINVAL, "subflow not found");
    }
    it->backup = backup;
    return {};
}

// mptcp_userspace_pm_dump_addr(): the list in its order, each id once; an
// unknown token ends the dump with the error in NLMSG_DONE.
FakeKernel::Outcome FakeKernel::dumpConnectionAddrs(const Request& req)
{
    Outcome out;
    LiveConnection* c = userspaceConnection(req, out);
    out.dump = true;
    if (c == nullptr) {
        return out;
    }
    Datagram all;
    std::bitset<256> seen;
    for (const Endpoint& ep : c->local) {
        if (seen.test(ep.id)) {
            continue;
        }
        seen.set(ep.id);
        const Datagram m = endpointMessage(*req.nlh, ep, NLM_F_MULTI);
        all.insert(all.end(), m.begin(), m.end());
    }
    if (!all.empty()) {
        out.data.push_back(std::move(all));
    }
    return out;
}

std::uint32_t FakeKernel::addConnection(const Connection& connection, std::uint32_t token)
{
    if (token == 0) {
        token = 0x1000 + static_cast<std::uint32_t>(connections_.size());
    }
    LiveConnection& c = connections_[token];
    c = LiveConnection{};
    c.spec = connection;
    c.subflows.push_back({.localId = 0,
                          .localAddress = connection.localAddress,
                          .localPort = connection.localPort,
                          .remoteAddress = connection.remoteAddress,
                          .remotePort = connection.remotePort,
                          .backup = false});
    return token;
}

std::vector<FakeKernel::Subflow> FakeKernel::subflows(std::uint32_t token) const
{
    const auto it = connections_.find(token);
    return it == connections_.end() ? std::vector<Subflow>{} : it->second.subflows;
}

std::vector<Endpoint> FakeKernel::connectionAddresses(std::uint32_t token) const
{
    const auto it = connections_.find(token);
    return it == connections_.end() ? std::vector<Endpoint>{} : it->second.local;
}

std::vector<std::uint8_t> FakeKernel::announcedIds(std::uint32_t token) const
{
    const auto it = connections_.find(token);
    return it == connections_.end() ? std::vector<std::uint8_t>{} : it->second.announced;
}

// ---------------------------------------------------------------- the host and inspection

void FakeKernel::addLocalAddress(const IpAddress& address)
{
    localAddresses_.push_back(address);
}

std::uint8_t FakeKernel::addImplicitEndpoint(const IpAddress& address)
{
    // mptcp_pm_nl_get_local_id(): an entry for the address is reused.
    Endpoint entry;
    entry.address = address;
    entry.flags = proto::FLAG_IMPLICIT;
    if (const auto it = findByAddress(endpoints_, entry); it != endpoints_.end()) {
        return it->id;
    }
    const int ret = appendEntry(entry, /*replaceImplicit=*/false);
    return ret > 0 ? static_cast<std::uint8_t>(ret) : 0;
}

std::vector<Endpoint> FakeKernel::table() const
{
    std::vector<Endpoint> sorted = endpoints_;
    std::sort(sorted.begin(), sorted.end(), [](const Endpoint& a, const Endpoint& b) { return a.id < b.id; });
    return sorted;
}

std::size_t FakeKernel::requestCount(std::uint8_t cmd) const
{
    std::size_t count = 0;
    for (const Datagram& d : sent_) {
        forEachMessage(AlignedCopy(d), [&](const nlmsghdr* nlh) {
            if (nlh->nlmsg_type == kFamilyId && nlh->nlmsg_len >= MNL_NLMSG_HDRLEN + GENL_HDRLEN &&
                static_cast<const genlmsghdr*>(mnl_nlmsg_get_payload(nlh))->cmd == cmd) {
                ++count;
            }
        });
    }
    return count;
}

}  // namespace mptcp::testing
