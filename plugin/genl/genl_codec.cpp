#include "genl_codec.hpp"

#include "pm_protocol.hpp"

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>

#include <cstring>

namespace mptcp::genl {

void malformed(const std::string& what)
{
    throw PmError(ErrorKind::Failed, "malformed reply from the kernel: " + what, EPROTO);
}

// ---------------------------------------------------------------- requests

RequestBuilder::RequestBuilder(std::span<std::uint8_t> buf, std::uint16_t family, std::uint16_t nlFlags,
                               std::uint32_t seq, std::uint8_t cmd, std::uint8_t version)
    : buf_(buf)
{
    std::memset(buf_.data(), 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(genlmsghdr)));
    nlh_ = mnl_nlmsg_put_header(buf_.data());
    nlh_->nlmsg_type = family;
    nlh_->nlmsg_flags = NLM_F_REQUEST | nlFlags;
    nlh_->nlmsg_seq = seq;
    auto* genl = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(genlmsghdr)));
    genl->cmd = cmd;
    genl->version = version;
}

void RequestBuilder::putAddr(std::uint16_t attr, const AddrSpec& spec)
{
    // The builder's buffer is sized for the largest request we make
    // (kRequestBufferSize); mnl_attr_put_check keeps us honest anyway.
    const std::size_t cap = buf_.size();
    nlattr* nest = mnl_attr_nest_start_check(nlh_, cap, attr | NLA_F_NESTED);
    if (nest == nullptr) {
        throw PmError(ErrorKind::Failed, "request too large", EMSGSIZE);
    }
    bool ok = true;
    if (spec.address) {
        ok &= mnl_attr_put_u16_check(nlh_, cap, proto::ADDR_ATTR_FAMILY,
                                     static_cast<std::uint16_t>(spec.address->family));
        if (spec.address->isV4()) {
            ok &= mnl_attr_put_check(nlh_, cap, proto::ADDR_ATTR_ADDR4, 4, spec.address->bytes.data());
        } else {
            ok &= mnl_attr_put_check(nlh_, cap, proto::ADDR_ATTR_ADDR6, 16, spec.address->bytes.data());
        }
    }
    if (spec.id) {
        ok &= mnl_attr_put_u8_check(nlh_, cap, proto::ADDR_ATTR_ID, *spec.id);
    }
    if (spec.port != 0) {
        // Host order inside the address nest (docs/kernel-behaviour.md §9).
        ok &= mnl_attr_put_u16_check(nlh_, cap, proto::ADDR_ATTR_PORT, spec.port);
    }
    if (spec.flags) {
        ok &= mnl_attr_put_u32_check(nlh_, cap, proto::ADDR_ATTR_FLAGS, *spec.flags);
    }
    if (spec.ifindex != 0) {
        ok &= mnl_attr_put_u32_check(nlh_, cap, proto::ADDR_ATTR_IF_IDX, static_cast<std::uint32_t>(spec.ifindex));
    }
    if (!ok) {
        throw PmError(ErrorKind::Failed, "request too large", EMSGSIZE);
    }
    mnl_attr_nest_end(nlh_, nest);
}

void RequestBuilder::putU8(std::uint16_t attr, std::uint8_t value)
{
    if (!mnl_attr_put_u8_check(nlh_, buf_.size(), attr, value)) {
        throw PmError(ErrorKind::Failed, "request too large", EMSGSIZE);
    }
}

void RequestBuilder::putU32(std::uint16_t attr, std::uint32_t value)
{
    if (!mnl_attr_put_u32_check(nlh_, buf_.size(), attr, value)) {
        throw PmError(ErrorKind::Failed, "request too large", EMSGSIZE);
    }
}

void RequestBuilder::putString(std::uint16_t attr, std::string_view value)
{
    // mnl wants a C string; names we send are short literals.
    char tmp[64];
    if (value.size() >= sizeof tmp) {
        throw PmError(ErrorKind::Failed, "request too large", EMSGSIZE);
    }
    std::memcpy(tmp, value.data(), value.size());
    tmp[value.size()] = '\0';
    if (!mnl_attr_put_strz_check(nlh_, buf_.size(), attr, tmp)) {
        throw PmError(ErrorKind::Failed, "request too large", EMSGSIZE);
    }
}

std::span<const std::uint8_t> RequestBuilder::bytes() const
{
    return {buf_.data(), nlh_->nlmsg_len};
}

// ---------------------------------------------------------------- replies

namespace {

// Walks the attributes that follow the generic netlink header.
template <typename Fn>
void forEachGenlAttr(const nlmsghdr* nlh, Fn&& fn)
{
    if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(genlmsghdr))) {
        malformed("message shorter than its generic netlink header");
    }
    const auto* first = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(nlh, sizeof(genlmsghdr)));
    int remaining = static_cast<int>(static_cast<const char*>(mnl_nlmsg_get_payload_tail(nlh)) -
                                     reinterpret_cast<const char*>(first));
    for (const nlattr* a = first; mnl_attr_ok(a, remaining); a = mnl_attr_next(a)) {
        remaining -= MNL_ALIGN(a->nla_len);
        fn(a);
    }
}

template <typename Fn>
void forEachNested(const nlattr* nest, Fn&& fn)
{
    // mnl_attr_for_each_nested() is a macro over void pointers; spelled out
    // here so the walk stays const and checked by mnl_attr_ok().
    const auto* a = static_cast<const nlattr*>(mnl_attr_get_payload(nest));
    int remaining = static_cast<int>(mnl_attr_get_payload_len(nest));
    for (; mnl_attr_ok(a, remaining); a = mnl_attr_next(a)) {
        remaining -= MNL_ALIGN(a->nla_len);
        fn(a);
    }
}

// Type and length rule for one attribute, as a table lookup would give it.
void expect(const nlattr* a, mnl_attr_data_type type, std::size_t len, const char* name)
{
    const int rc = len ? mnl_attr_validate2(a, type, len) : mnl_attr_validate(a, type);
    if (rc < 0) {
        malformed(std::string("attribute ") + name + " has a bad type or length (" +
                  std::to_string(mnl_attr_get_payload_len(a)) + " bytes)");
    }
}

}  // namespace

std::optional<std::uint32_t> FamilyInfo::group(std::string_view name) const
{
    for (const auto& g : groups) {
        if (g.name == name) {
            return g.id;
        }
    }
    return std::nullopt;
}

FamilyInfo parseFamily(const nlmsghdr* nlh)
{
    FamilyInfo info;
    bool haveId = false;
    forEachGenlAttr(nlh, [&](const nlattr* a) {
        switch (mnl_attr_get_type(a)) {
            case CTRL_ATTR_FAMILY_ID:
                expect(a, MNL_TYPE_U16, 0, "CTRL_ATTR_FAMILY_ID");
                info.id = mnl_attr_get_u16(a);
                haveId = true;
                break;
            case CTRL_ATTR_MCAST_GROUPS:
                expect(a, MNL_TYPE_NESTED, 0, "CTRL_ATTR_MCAST_GROUPS");
                forEachNested(a, [&](const nlattr* grp) {
                    expect(grp, MNL_TYPE_NESTED, 0, "CTRL_ATTR_MCAST_GROUPS entry");
                    FamilyInfo::Group g;
                    bool haveGroupId = false;
                    forEachNested(grp, [&](const nlattr* f) {
                        if (mnl_attr_get_type(f) == CTRL_ATTR_MCAST_GRP_NAME) {
                            expect(f, MNL_TYPE_NUL_STRING, 0, "CTRL_ATTR_MCAST_GRP_NAME");
                            g.name = mnl_attr_get_str(f);
                        } else if (mnl_attr_get_type(f) == CTRL_ATTR_MCAST_GRP_ID) {
                            expect(f, MNL_TYPE_U32, 0, "CTRL_ATTR_MCAST_GRP_ID");
                            g.id = mnl_attr_get_u32(f);
                            haveGroupId = true;
                        }
                    });
                    if (haveGroupId) {
                        info.groups.push_back(std::move(g));
                    }
                });
                break;
            default:
                break;  // newer attributes: not ours to judge
        }
    });
    if (!haveId) {
        malformed("family reply without CTRL_ATTR_FAMILY_ID");
    }
    return info;
}

Endpoint parseEndpoint(const nlmsghdr* nlh)
{
    const nlattr* nest = nullptr;
    forEachGenlAttr(nlh, [&](const nlattr* a) {
        if (mnl_attr_get_type(a) == proto::ATTR_ADDR) {
            expect(a, MNL_TYPE_NESTED, 0, "MPTCP_PM_ATTR_ADDR");
            nest = a;
        }
    });
    if (nest == nullptr) {
        malformed("endpoint reply without MPTCP_PM_ATTR_ADDR");
    }
    Endpoint ep;
    int family = 0;
    bool have4 = false, have6 = false, haveId = false;
    // Kept apart until the family says which one is the address: a hostile
    // reply carrying both must not splice them.
    std::uint8_t addr4[4] = {};
    std::uint8_t addr6[16] = {};
    forEachNested(nest, [&](const nlattr* a) {
        switch (mnl_attr_get_type(a)) {
            case proto::ADDR_ATTR_FAMILY:
                expect(a, MNL_TYPE_U16, 0, "ADDR_ATTR_FAMILY");
                family = mnl_attr_get_u16(a);
                break;
            case proto::ADDR_ATTR_ID:
                expect(a, MNL_TYPE_U8, 0, "ADDR_ATTR_ID");
                ep.id = mnl_attr_get_u8(a);
                haveId = true;
                break;
            case proto::ADDR_ATTR_ADDR4:
                expect(a, MNL_TYPE_BINARY, 4, "ADDR_ATTR_ADDR4");
                std::memcpy(addr4, mnl_attr_get_payload(a), 4);
                have4 = true;
                break;
            case proto::ADDR_ATTR_ADDR6:
                expect(a, MNL_TYPE_BINARY, 16, "ADDR_ATTR_ADDR6");
                std::memcpy(addr6, mnl_attr_get_payload(a), 16);
                have6 = true;
                break;
            case proto::ADDR_ATTR_PORT:
                expect(a, MNL_TYPE_U16, 0, "ADDR_ATTR_PORT");
                ep.port = mnl_attr_get_u16(a);
                break;
            case proto::ADDR_ATTR_FLAGS:
                expect(a, MNL_TYPE_U32, 0, "ADDR_ATTR_FLAGS");
                ep.flags = mnl_attr_get_u32(a);
                break;
            case proto::ADDR_ATTR_IF_IDX:
                expect(a, MNL_TYPE_U32, 0, "ADDR_ATTR_IF_IDX");
                ep.ifindex = static_cast<std::int32_t>(mnl_attr_get_u32(a));
                break;
            default:
                break;
        }
    });
    if (!haveId) {
        malformed("endpoint without an id");
    }
    if (family == AF_INET && have4) {
        ep.address.family = AF_INET;
        std::memcpy(ep.address.bytes.data(), addr4, sizeof addr4);
    } else if (family == AF_INET6 && have6) {
        ep.address.family = AF_INET6;
        std::memcpy(ep.address.bytes.data(), addr6, sizeof addr6);
    } else {
        malformed("endpoint " + std::to_string(ep.id) + " without a usable family and address");
    }
    return ep;
}

Limits parseLimits(const nlmsghdr* nlh)
{
    Limits l;
    bool haveSubflows = false, haveAccepted = false;
    forEachGenlAttr(nlh, [&](const nlattr* a) {
        if (mnl_attr_get_type(a) == proto::ATTR_SUBFLOWS) {
            expect(a, MNL_TYPE_U32, 0, "MPTCP_PM_ATTR_SUBFLOWS");
            l.subflows = mnl_attr_get_u32(a);
            haveSubflows = true;
        } else if (mnl_attr_get_type(a) == proto::ATTR_RCV_ADD_ADDRS) {
            expect(a, MNL_TYPE_U32, 0, "MPTCP_PM_ATTR_RCV_ADD_ADDRS");
            l.addAddrAccepted = mnl_attr_get_u32(a);
            haveAccepted = true;
        }
    });
    if (!haveSubflows || !haveAccepted) {
        malformed("limits reply without both limits");
    }
    return l;
}

namespace {

// The kernel sends 0 or a negated errno (Linux errnos are 1..4095). Any
// other value is malformed; negating INT_MIN would be undefined behaviour
// (found by fuzz/fuzz_genl_reply.cpp).
int errnoOf(int sent)
{
    if (sent > 0) {
        malformed("positive error code in status");
    }
    if (sent < -4095) {
        malformed("error code " + std::to_string(sent) + " in status is not an errno");
    }
    return -sent;
}

}  // namespace

KernelError parseStatus(const nlmsghdr* nlh)
{
    KernelError status;
    const std::size_t payload = mnl_nlmsg_get_payload_len(nlh);
    std::size_t tlvOffset = 0;
    if (nlh->nlmsg_type == NLMSG_ERROR) {
        if (payload < sizeof(nlmsgerr)) {
            malformed("truncated NLMSG_ERROR");
        }
        const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
        status.error = errnoOf(err->error);
        tlvOffset = sizeof(nlmsgerr);
        if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
            // The whole request is echoed back before the TLVs.
            if (err->msg.nlmsg_len < sizeof(nlmsghdr) ||
                payload < sizeof(nlmsgerr) + (err->msg.nlmsg_len - sizeof(nlmsghdr))) {
                return status;  // no room for TLVs: errno alone
            }
            tlvOffset += MNL_ALIGN(err->msg.nlmsg_len - sizeof(nlmsghdr));
        }
    } else {  // NLMSG_DONE: an int, then TLVs
        if (payload < sizeof(int)) {
            return status;  // old kernels send an empty DONE
        }
        int err;
        std::memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof err);
        status.error = errnoOf(err);
        tlvOffset = sizeof(int);
    }
    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || tlvOffset >= payload) {
        return status;
    }
    const auto* base = static_cast<const char*>(mnl_nlmsg_get_payload(nlh)) + tlvOffset;
    int remaining = static_cast<int>(payload - tlvOffset);
    for (auto* a = reinterpret_cast<const nlattr*>(base); mnl_attr_ok(a, remaining); a = mnl_attr_next(a)) {
        remaining -= MNL_ALIGN(a->nla_len);
        if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
            status.message = mnl_attr_get_str(a);
        }
    }
    return status;
}

}  // namespace mptcp::genl
