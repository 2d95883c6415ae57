#include "event_info.hpp"

#include "bus_message.hpp"
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

namespace {

// One value of the info dict, as sd-bus wants it: its D-Bus type and where
// it is (a string as its C text).
void appendValue(sd_bus_message* m, std::uint8_t v)
{
    msg::check(sd_bus_message_append(m, "v", "y", v), "write an event");
}
void appendValue(sd_bus_message* m, std::uint16_t v)
{
    msg::check(sd_bus_message_append(m, "v", "q", v), "write an event");
}
void appendValue(sd_bus_message* m, std::uint32_t v)
{
    msg::check(sd_bus_message_append(m, "v", "u", v), "write an event");
}
void appendValue(sd_bus_message* m, bool v)
{
    msg::check(sd_bus_message_append(m, "v", "b", v ? 1 : 0), "write an event");
}
void appendValue(sd_bus_message* m, const std::string& v)
{
    msg::check(sd_bus_message_append(m, "v", "s", v.c_str()), "write an event");
}

}  // namespace

void appendEventInfo(sd_bus_message* m, const PmEvent& e, InterfaceNames& names)
{
    msg::check(sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "{sv}"), "write an event");
    forEachInfo(e, names, [m](const char* key, const auto& value) {
        msg::check(sd_bus_message_open_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv"), "write an event");
        msg::check(sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, key), "write an event");
        appendValue(m, value);
        msg::check(sd_bus_message_close_container(m), "write an event");
    });
    msg::check(sd_bus_message_close_container(m), "write an event");
}

std::uint32_t eventTokenArgument(const PmEvent& e)
{
    if (!isKnownEventType(e.type)) {
        return e.type;
    }
    return signalHasToken(e.type) ? e.token.value_or(0) : 0;
}

}  // namespace mptcp::dbus
