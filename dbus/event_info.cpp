#include "event_info.hpp"

#include "pm_protocol.hpp"

#include <type_traits>

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
    forEachInfo(e, names, [&info](const char* key, auto value) { info.emplace(key, sdbus::Variant(value)); });
    return info;
}

void appendEventInfo(sdbus::Message& message, const PmEvent& e, InterfaceNames& names)
{
    message.openContainer("{sv}");
    forEachInfo(e, names, [&message](const char* key, const auto& value) {
        using Value = std::decay_t<decltype(value)>;
        message.openDictEntry("sv");
        message << key;
        message.openVariant(sdbus::signature_of<Value>::str());
        message << value;
        message.closeVariant();
        message.closeDictEntry();
    });
    message.closeContainer();
}

std::uint32_t eventTokenArgument(const PmEvent& e)
{
    if (!isKnownEventType(e.type)) {
        return e.type;
    }
    return signalHasToken(e.type) ? e.token.value_or(0) : 0;
}

}  // namespace mptcp::dbus
