#include "reply_writers.hpp"

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace mptcp::bench::replies {
namespace {

// bench/endpoint_table.cpp's addresses, by id - 1.
const char* const kTableAddresses[] = {"10.0.0.1",    "10.0.0.2",    "10.0.0.3",    "10.0.0.4",
                                       "2001:db8::5", "2001:db8::6", "2001:db8::7", "2001:db8::8"};
constexpr std::uint32_t kTableSize = sizeof kTableAddresses / sizeof kTableAddresses[0];

// One {sv} entry holding a u, with sd-bus's cheapest calls (no signature
// parsing, as sd_bus_message_append() would do).
int limitEntry(sd_bus_message* m, const char* name, std::uint32_t value)
{
    int r = sd_bus_message_open_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv");
    if (r >= 0) {
        r = sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, name);
    }
    if (r >= 0) {
        r = sd_bus_message_open_container(m, SD_BUS_TYPE_VARIANT, "u");
    }
    if (r >= 0) {
        r = sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT32, &value);
    }
    if (r >= 0) {
        r = sd_bus_message_close_container(m);
    }
    if (r >= 0) {
        r = sd_bus_message_close_container(m);
    }
    return r;
}

}  // namespace

int appendAscii(sd_bus_message* m, const char* text)
{
    const std::size_t size = std::strlen(text);
    char* space = nullptr;
    const int r = sd_bus_message_append_string_space(m, size, &space);
    if (r >= 0) {
        std::memcpy(space, text, size);
    }
    return r;
}

int appendTableEndpoint(sd_bus_message* m, std::uint32_t id)
{
    if (id < 1 || id > kTableSize) {
        return -EINVAL;
    }
    // The daemon's calls (dbus/path_manager_adaptor.cpp, appendEndpoint).
    const std::uint16_t port = 0;
    int r = 0;
    if ((r = sd_bus_message_open_container(m, SD_BUS_TYPE_STRUCT, "usqsas")) >= 0 &&
        (r = sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT32, &id)) >= 0 &&
        (r = appendAscii(m, kTableAddresses[id - 1])) >= 0 &&
        (r = sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT16, &port)) >= 0 && (r = appendAscii(m, "lo")) >= 0 &&
        (r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "s")) >= 0 && (r = appendAscii(m, "subflow")) >= 0 &&
        (r = sd_bus_message_close_container(m)) >= 0) {
        r = sd_bus_message_close_container(m);
    }
    return r;
}

int appendTable(sd_bus_message* m)
{
    int r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "(usqsas)");
    for (std::uint32_t id = 1; r >= 0 && id <= kTableSize; ++id) {
        r = appendTableEndpoint(m, id);
    }
    return r < 0 ? r : sd_bus_message_close_container(m);
}

int send(sd_bus_message* reply, int r)
{
    if (r >= 0) {
        r = sd_bus_send(nullptr, reply, nullptr);
    }
    sd_bus_message_unref(reply);
    return r < 0 ? r : 1;
}

int sendLimitsChanged(sd_bus* bus, const char* path, const char* interface, std::uint32_t v)
{
    sd_bus_message* signal = nullptr;
    int r = sd_bus_message_new_signal(bus, &signal, path, "org.freedesktop.DBus.Properties", "PropertiesChanged");
    if (r >= 0 && (r = sd_bus_message_append_basic(signal, SD_BUS_TYPE_STRING, interface)) >= 0 &&
        (r = sd_bus_message_open_container(signal, SD_BUS_TYPE_ARRAY, "{sv}")) >= 0 &&
        (r = limitEntry(signal, "SubflowsLimit", v)) >= 0 && (r = limitEntry(signal, "AddAddrAcceptedLimit", v)) >= 0 &&
        (r = sd_bus_message_close_container(signal)) >= 0 &&
        (r = sd_bus_message_open_container(signal, SD_BUS_TYPE_ARRAY, "s")) >= 0 &&
        (r = sd_bus_message_close_container(signal)) >= 0) {
        r = sd_bus_send(bus, signal, nullptr);
    }
    sd_bus_message_unref(signal);
    return r;
}

}  // namespace mptcp::bench::replies
