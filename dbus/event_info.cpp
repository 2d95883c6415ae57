#include "event_info.hpp"

#include "bus_message.hpp"
#include "pm_protocol.hpp"

#include <cstring>
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

namespace {

// One value of the info dict as a variant: opened, appended and closed
// explicitly (sd_bus_message_append()'s format string costs a third more).
void appendVariant(sd_bus_message* m, const char* signature, char type, const void* value)
{
    msg::check(sd_bus_message_open_container(m, SD_BUS_TYPE_VARIANT, signature), "write an event");
    msg::check(sd_bus_message_append_basic(m, type, value), "write an event");
    msg::check(sd_bus_message_close_container(m), "write an event");
}
void appendValue(sd_bus_message* m, std::uint8_t v)
{
    appendVariant(m, "y", SD_BUS_TYPE_BYTE, &v);
}
void appendValue(sd_bus_message* m, std::uint16_t v)
{
    appendVariant(m, "q", SD_BUS_TYPE_UINT16, &v);
}
void appendValue(sd_bus_message* m, std::uint32_t v)
{
    appendVariant(m, "u", SD_BUS_TYPE_UINT32, &v);
}
void appendValue(sd_bus_message* m, bool v)
{
    const int b = v ? 1 : 0;
    appendVariant(m, "b", SD_BUS_TYPE_BOOLEAN, &b);
}
void appendValue(sd_bus_message* m, const std::string& v)
{
    appendVariant(m, "s", SD_BUS_TYPE_STRING, v.c_str());
}

}  // namespace

void appendEventInfo(sd_bus_message* m, const PmEvent& e, InterfaceNames& names)
{
    msg::check(sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "{sv}"), "write an event");
    forEachInfo(e, names, [m](const char* key, const auto& value) {
        msg::check(sd_bus_message_open_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv"), "write an event");
        msg::appendAscii(m, key, std::strlen(key), "write an event");  // ASCII constants
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
