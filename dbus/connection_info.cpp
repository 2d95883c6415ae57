#include "connection_info.hpp"

#include <cstring>
#include <stdexcept>

namespace mptcp::dbus {

// One dict entry is six sd-bus calls: open the entry, the key, open the
// variant, the value, close, close. Keys (and the ASCII values) go in with
// sd_bus_message_append_string_space() and a memcpy, which skips the UTF-8
// check and strlen of sd_bus_message_append_basic(): a fifth of an entry's
// cost, for text that is ASCII by construction.
void InfoWriter::open(Key key, const char* signature)
{
    checkWrite(sd_bus_message_open_container(msg_, SD_BUS_TYPE_DICT_ENTRY, "sv"));
    ascii(key.text, key.size);
    checkWrite(sd_bus_message_open_container(msg_, SD_BUS_TYPE_VARIANT, signature));
}

void InfoWriter::close()
{
    checkWrite(sd_bus_message_close_container(msg_));
    checkWrite(sd_bus_message_close_container(msg_));
}

void InfoWriter::append(char type, const void* value)
{
    checkWrite(sd_bus_message_append_basic(msg_, type, value));
}

const char* InfoWriter::interfaceName(std::uint32_t ifindex)
{
    for (const auto& [index, name] : interfaces_) {
        if (index == ifindex) {
            return name.c_str();
        }
    }
    interfaces_.emplace_back(ifindex, interfaceLabel(names_, static_cast<std::int32_t>(ifindex)));
    return interfaces_.back().second.c_str();
}

void InfoWriter::socketId(const diag::SocketId& id)
{
    char text[IpAddress::kTextSize];
    asciiString("local-address", text, std::strlen(id.local.format(text)));
    u16("local-port", id.localPort);
    asciiString("remote-address", text, std::strlen(id.remote.format(text)));
    u16("remote-port", id.remotePort);
    const char* state = diag::stateName(id.state);
    asciiString("state", state, std::strlen(state));
    // Only a socket bound to a device has one; the kernel does not report
    // the routed egress device.
    // Its name can be any bytes: sd-bus checks it.
    if (id.ifindex != 0) {
        string("interface", interfaceName(id.ifindex));
    }
}

void InfoWriter::connection(const diag::Connection& c)
{
    checkWrite(sd_bus_message_open_container(msg_, SD_BUS_TYPE_ARRAY, "{sv}"));
    u16("family", c.id.family);
    socketId(c.id);
    u32("uid", c.id.uid);
    if (c.info) {
        const diag::MptcpInfo& i = *c.info;
        // subflows_total counts the initial subflow; older kernels count
        // only the additional ones.
        u32("subflows", i.subflowsTotal ? *i.subflowsTotal : static_cast<std::uint32_t>(i.subflows) + 1);
        u32("add-addr-signal", i.addAddrSignal);
        u32("add-addr-accepted", i.addAddrAccepted);
        if (i.localAddrUsed) {
            u32("local-addr-used", *i.localAddrUsed);
        }
        if (i.localAddrMax) {
            u32("local-addr-max", *i.localAddrMax);
        }
        boolean("fallback", (i.flags & diag::kMptcpInfoFallback) != 0);
        if (i.checksum) {
            boolean("checksum", *i.checksum);
        }
        if (i.bytesSent) {
            u64("bytes-sent", *i.bytesSent);
        }
        if (i.bytesReceived) {
            u64("bytes-received", *i.bytesReceived);
        }
        if (i.bytesAcked) {
            u64("bytes-acked", *i.bytesAcked);
        }
        if (i.bytesRetransmitted) {
            u64("bytes-retransmitted", *i.bytesRetransmitted);
        }
        if (i.retransmits) {
            u32("retransmits", *i.retransmits);
        }
    }
    checkWrite(sd_bus_message_close_container(msg_));
}

void InfoWriter::subflow(const diag::TcpSubflow& s)
{
    checkWrite(sd_bus_message_open_container(msg_, SD_BUS_TYPE_ARRAY, "{sv}"));
    socketId(s.id);
    if (s.idLocal) {
        byte("local-id", *s.idLocal);
    }
    if (s.idRemote) {
        byte("remote-id", *s.idRemote);
    }
    if (s.flags) {
        const std::uint32_t f = *s.flags;
        boolean("backup", (f & diag::kSubflowBackupLocal) != 0);
        boolean("remote-backup", (f & diag::kSubflowBackupRemote) != 0);
        boolean("join", (f & (diag::kSubflowJoinLocal | diag::kSubflowJoinRemote)) != 0);
        boolean("fully-established", (f & diag::kSubflowFullyEstablished) != 0);
    }
    if (s.rttUs) {
        u32("rtt-us", *s.rttUs);
    }
    if (s.bytesSent) {
        u64("bytes-sent", *s.bytesSent);
    }
    if (s.bytesReceived) {
        u64("bytes-received", *s.bytesReceived);
    }
    if (s.totalRetransmits) {
        u32("retransmits", *s.totalRetransmits);
    }
    checkWrite(sd_bus_message_close_container(msg_));
}

}  // namespace mptcp::dbus
