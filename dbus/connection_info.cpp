#include "connection_info.hpp"

#include <optional>

namespace mptcp::dbus {
namespace {

template <typename T>
void putIf(InfoDict& info, const char* key, const std::optional<T>& value)
{
    if (value) {
        info.emplace(key, sdbus::Variant(*value));
    }
}

// Addresses, ports, state and the bound device: what both dicts share.
void putSocketId(InfoDict& info, const diag::SocketId& id, InterfaceNames& names)
{
    info.emplace("local-address", sdbus::Variant(id.local.toString()));
    info.emplace("local-port", sdbus::Variant(id.localPort));
    info.emplace("remote-address", sdbus::Variant(id.remote.toString()));
    info.emplace("remote-port", sdbus::Variant(id.remotePort));
    info.emplace("state", sdbus::Variant(std::string(diag::stateName(id.state))));
    // Only a socket bound to a device has one; the kernel does not report
    // the routed egress device.
    if (id.ifindex != 0) {
        info.emplace("interface", sdbus::Variant(interfaceLabel(names, static_cast<std::int32_t>(id.ifindex))));
    }
}

}  // namespace

InfoDict connectionInfo(const diag::Connection& c, InterfaceNames& names)
{
    InfoDict info;
    info.emplace("family", sdbus::Variant(static_cast<std::uint16_t>(c.id.family)));
    putSocketId(info, c.id, names);
    info.emplace("uid", sdbus::Variant(c.id.uid));
    if (!c.info) {
        return info;
    }
    const diag::MptcpInfo& i = *c.info;
    // subflows_total counts the initial subflow; older kernels count only
    // the additional ones.
    info.emplace("subflows", sdbus::Variant(static_cast<std::uint32_t>(
                                 i.subflowsTotal ? *i.subflowsTotal : static_cast<unsigned>(i.subflows) + 1)));
    info.emplace("add-addr-signal", sdbus::Variant(static_cast<std::uint32_t>(i.addAddrSignal)));
    info.emplace("add-addr-accepted", sdbus::Variant(static_cast<std::uint32_t>(i.addAddrAccepted)));
    if (i.localAddrUsed) {
        info.emplace("local-addr-used", sdbus::Variant(static_cast<std::uint32_t>(*i.localAddrUsed)));
    }
    if (i.localAddrMax) {
        info.emplace("local-addr-max", sdbus::Variant(static_cast<std::uint32_t>(*i.localAddrMax)));
    }
    info.emplace("fallback", sdbus::Variant((i.flags & diag::kMptcpInfoFallback) != 0));
    putIf(info, "checksum", i.checksum);
    putIf(info, "bytes-sent", i.bytesSent);
    putIf(info, "bytes-received", i.bytesReceived);
    putIf(info, "bytes-acked", i.bytesAcked);
    putIf(info, "bytes-retransmitted", i.bytesRetransmitted);
    putIf(info, "retransmits", i.retransmits);
    return info;
}

InfoDict subflowInfo(const diag::TcpSubflow& s, InterfaceNames& names)
{
    InfoDict info;
    putSocketId(info, s.id, names);
    putIf(info, "local-id", s.idLocal);
    putIf(info, "remote-id", s.idRemote);
    if (s.flags) {
        const std::uint32_t f = *s.flags;
        info.emplace("backup", sdbus::Variant((f & diag::kSubflowBackupLocal) != 0));
        info.emplace("remote-backup", sdbus::Variant((f & diag::kSubflowBackupRemote) != 0));
        info.emplace("join", sdbus::Variant((f & (diag::kSubflowJoinLocal | diag::kSubflowJoinRemote)) != 0));
        info.emplace("fully-established", sdbus::Variant((f & diag::kSubflowFullyEstablished) != 0));
    }
    putIf(info, "rtt-us", s.rttUs);
    putIf(info, "bytes-sent", s.bytesSent);
    putIf(info, "bytes-received", s.bytesReceived);
    putIf(info, "retransmits", s.totalRetransmits);
    return info;
}

}  // namespace mptcp::dbus
