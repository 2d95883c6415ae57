#include "event_info.hpp"

#include "pm_protocol.hpp"

namespace mptcp::dbus {

const char* eventSignalName(std::uint8_t type)
{
    switch (type) {
        case proto::EVENT_CREATED:
            return "ConnectionCreated";
        case proto::EVENT_ESTABLISHED:
            return "ConnectionEstablished";
        case proto::EVENT_CLOSED:
            return "ConnectionClosed";
        case proto::EVENT_ANNOUNCED:
            return "AddressAnnounced";
        case proto::EVENT_REMOVED:
            return "AddressRemoved";
        case proto::EVENT_SUB_ESTABLISHED:
            return "SubflowEstablished";
        case proto::EVENT_SUB_CLOSED:
            return "SubflowClosed";
        case proto::EVENT_SUB_PRIORITY:
            return "SubflowPriorityChanged";
        case proto::EVENT_LISTENER_CREATED:
            return "ListenerCreated";
        case proto::EVENT_LISTENER_CLOSED:
            return "ListenerClosed";
        default:
            return "UnknownEvent";
    }
}

bool signalHasToken(std::uint8_t type)
{
    return needsToken(type);
}

EventInfo eventInfo(const PmEvent& e, InterfaceNames& names)
{
    EventInfo info;
    // The contract's types: q, s, y, b and u (error is a u8 on the wire).
    if (e.family) {
        info.emplace("family", sdbus::Variant(*e.family));
    }
    if (e.localAddress) {
        info.emplace("local-address", sdbus::Variant(e.localAddress->toString()));
    }
    if (e.remoteAddress) {
        info.emplace("remote-address", sdbus::Variant(e.remoteAddress->toString()));
    }
    if (e.localPort) {
        info.emplace("local-port", sdbus::Variant(*e.localPort));
    }
    if (e.remotePort) {
        info.emplace("remote-port", sdbus::Variant(*e.remotePort));
    }
    if (e.localId) {
        info.emplace("local-id", sdbus::Variant(*e.localId));
    }
    if (e.remoteId) {
        info.emplace("remote-id", sdbus::Variant(*e.remoteId));
    }
    if (e.serverSide) {
        info.emplace("server-side", sdbus::Variant(*e.serverSide));
    }
    if (e.backup) {
        info.emplace("backup", sdbus::Variant(*e.backup));
    }
    if (e.ifindex) {
        info.emplace("interface", sdbus::Variant(interfaceLabel(names, *e.ifindex)));
    }
    if (e.error) {
        info.emplace("error", sdbus::Variant(static_cast<std::uint32_t>(*e.error)));
    }
    if (e.timeout) {
        info.emplace("timeout", sdbus::Variant(*e.timeout));
    }
    if (e.resetReason) {
        info.emplace("reset-reason", sdbus::Variant(*e.resetReason));
    }
    if (e.resetFlags) {
        info.emplace("reset-flags", sdbus::Variant(*e.resetFlags));
    }
    if (e.flags) {
        info.emplace("flags", sdbus::Variant(static_cast<std::uint32_t>(*e.flags)));
    }
    return info;
}

}  // namespace mptcp::dbus
