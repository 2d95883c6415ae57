#include "connection_info.hpp"

#include <optional>

namespace mptcp::dbus {
namespace {

// Appends each key and value to a message, as the entries of an a{sv}.
class MessageSink {
public:
    explicit MessageSink(sdbus::Message& msg) : msg_(msg) {}

    template <typename T>
    void put(const char* key, const T& value)
    {
        msg_.openDictEntry("sv");
        msg_ << key;
        msg_.openVariant(sdbus::signature_of<T>::str());
        msg_ << value;
        msg_.closeVariant();
        msg_.closeDictEntry();
    }

private:
    sdbus::Message& msg_;
};

// Collects them into a map of Variants.
class MapSink {
public:
    template <typename T>
    void put(const char* key, const T& value)
    {
        dict.emplace(key, sdbus::Variant(value));
    }
    InfoDict dict;
};

template <typename Sink, typename T>
void putIf(Sink& sink, const char* key, const std::optional<T>& value)
{
    if (value) {
        sink.put(key, *value);
    }
}

template <typename Sink>
void putSocketId(Sink& sink, const diag::SocketId& id, InterfaceNames& names)
{
    sink.put("local-address", id.local.toString());
    sink.put("local-port", id.localPort);
    sink.put("remote-address", id.remote.toString());
    sink.put("remote-port", id.remotePort);
    sink.put("state", std::string(diag::stateName(id.state)));
    // Only a socket bound to a device has one; the kernel does not report
    // the routed egress device.
    if (id.ifindex != 0) {
        sink.put("interface", interfaceLabel(names, static_cast<std::int32_t>(id.ifindex)));
    }
}

template <typename Sink>
void putConnection(Sink& sink, const diag::Connection& c, InterfaceNames& names)
{
    sink.put("family", static_cast<std::uint16_t>(c.id.family));
    putSocketId(sink, c.id, names);
    sink.put("uid", c.id.uid);
    if (!c.info) {
        return;
    }
    const diag::MptcpInfo& i = *c.info;
    // subflows_total counts the initial subflow; older kernels count only
    // the additional ones.
    sink.put("subflows",
             static_cast<std::uint32_t>(i.subflowsTotal ? *i.subflowsTotal : static_cast<unsigned>(i.subflows) + 1));
    sink.put("add-addr-signal", static_cast<std::uint32_t>(i.addAddrSignal));
    sink.put("add-addr-accepted", static_cast<std::uint32_t>(i.addAddrAccepted));
    if (i.localAddrUsed) {
        sink.put("local-addr-used", static_cast<std::uint32_t>(*i.localAddrUsed));
    }
    if (i.localAddrMax) {
        sink.put("local-addr-max", static_cast<std::uint32_t>(*i.localAddrMax));
    }
    sink.put("fallback", (i.flags & diag::kMptcpInfoFallback) != 0);
    putIf(sink, "checksum", i.checksum);
    putIf(sink, "bytes-sent", i.bytesSent);
    putIf(sink, "bytes-received", i.bytesReceived);
    putIf(sink, "bytes-acked", i.bytesAcked);
    putIf(sink, "bytes-retransmitted", i.bytesRetransmitted);
    putIf(sink, "retransmits", i.retransmits);
}

template <typename Sink>
void putSubflow(Sink& sink, const diag::TcpSubflow& s, InterfaceNames& names)
{
    putSocketId(sink, s.id, names);
    putIf(sink, "local-id", s.idLocal);
    putIf(sink, "remote-id", s.idRemote);
    if (s.flags) {
        const std::uint32_t f = *s.flags;
        sink.put("backup", (f & diag::kSubflowBackupLocal) != 0);
        sink.put("remote-backup", (f & diag::kSubflowBackupRemote) != 0);
        sink.put("join", (f & (diag::kSubflowJoinLocal | diag::kSubflowJoinRemote)) != 0);
        sink.put("fully-established", (f & diag::kSubflowFullyEstablished) != 0);
    }
    putIf(sink, "rtt-us", s.rttUs);
    putIf(sink, "bytes-sent", s.bytesSent);
    putIf(sink, "bytes-received", s.bytesReceived);
    putIf(sink, "retransmits", s.totalRetransmits);
}

}  // namespace

void writeConnectionInfo(sdbus::Message& msg, const diag::Connection& c, InterfaceNames& names)
{
    msg.openContainer("{sv}");
    MessageSink sink(msg);
    putConnection(sink, c, names);
    msg.closeContainer();
}

void writeSubflowInfo(sdbus::Message& msg, const diag::TcpSubflow& s, InterfaceNames& names)
{
    msg.openContainer("{sv}");
    MessageSink sink(msg);
    putSubflow(sink, s, names);
    msg.closeContainer();
}

InfoDict connectionInfo(const diag::Connection& c, InterfaceNames& names)
{
    MapSink sink;
    putConnection(sink, c, names);
    return std::move(sink.dict);
}

InfoDict subflowInfo(const diag::TcpSubflow& s, InterfaceNames& names)
{
    MapSink sink;
    putSubflow(sink, s, names);
    return std::move(sink.dict);
}

}  // namespace mptcp::dbus
