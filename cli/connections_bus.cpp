#include "connections_bus.hpp"

#include "error_translation.hpp"

#include <systemd/sd-bus.h>

#include <cstring>
#include <string>

namespace mptcp::cli {
namespace {

void check(int r, const char* what)
{
    if (r < 0) {
        throw BusError{"System.Error", std::string(what) + ": " + std::strerror(-r)};
    }
}

// The reply of one call on the Connections interface, unref'd on every path.
class Reply {
public:
    Reply(PathManagerBus& bus, const char* member, const std::uint32_t* token)
    {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        const int r = token != nullptr ? sd_bus_call_method(bus.raw(), kServiceName, kObjectPath, kConnectionsInterface,
                                                            member, &error, &m_, "u", *token)
                                       : sd_bus_call_method(bus.raw(), kServiceName, kObjectPath, kConnectionsInterface,
                                                            member, &error, &m_, "");
        if (r < 0) {
            BusError e{error.name != nullptr ? error.name : "System.Error",
                       error.message != nullptr ? error.message : std::strerror(-r)};
            sd_bus_error_free(&error);
            throw e;
        }
    }
    ~Reply() { sd_bus_message_unref(m_); }
    Reply(const Reply&) = delete;
    Reply& operator=(const Reply&) = delete;
    sd_bus_message* get() const { return m_; }

private:
    sd_bus_message* m_ = nullptr;
};

// One variant's value; a type this program does not show is skipped.
bool readValue(sd_bus_message* m, InfoValue& v)
{
    char type = 0;
    const char* contents = nullptr;
    check(sd_bus_message_peek_type(m, &type, &contents), "reading a value");
    if (contents == nullptr || std::strlen(contents) != 1 || std::strchr("sbyqut", contents[0]) == nullptr) {
        check(sd_bus_message_skip(m, "v"), "skipping a value");
        return false;
    }
    check(sd_bus_message_enter_container(m, 'v', contents), "reading a value");
    v.type = contents[0];
    switch (v.type) {
        case 's': {
            const char* s = nullptr;
            check(sd_bus_message_read_basic(m, 's', &s), "reading a value");
            v.text = s;
            break;
        }
        case 'b': {
            int b = 0;
            check(sd_bus_message_read_basic(m, 'b', &b), "reading a value");
            v.number = b != 0;
            break;
        }
        case 'y': {
            std::uint8_t y = 0;
            check(sd_bus_message_read_basic(m, 'y', &y), "reading a value");
            v.number = y;
            break;
        }
        case 'q': {
            std::uint16_t q = 0;
            check(sd_bus_message_read_basic(m, 'q', &q), "reading a value");
            v.number = q;
            break;
        }
        case 'u': {
            std::uint32_t u = 0;
            check(sd_bus_message_read_basic(m, 'u', &u), "reading a value");
            v.number = u;
            break;
        }
        default: {
            std::uint64_t t = 0;
            check(sd_bus_message_read_basic(m, 't', &t), "reading a value");
            v.number = t;
            break;
        }
    }
    check(sd_bus_message_exit_container(m), "reading a value");
    return true;
}

// One a{sv}.
InfoMap readDict(sd_bus_message* m)
{
    InfoMap info;
    check(sd_bus_message_enter_container(m, 'a', "{sv}"), "reading a dict");
    int r;
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        const char* key = nullptr;
        check(sd_bus_message_read_basic(m, 's', &key), "reading a dict");
        InfoValue v;
        if (readValue(m, v)) {
            info.emplace(key, std::move(v));
        }
        check(sd_bus_message_exit_container(m), "reading a dict");
    }
    check(r, "reading a dict");
    check(sd_bus_message_exit_container(m), "reading a dict");
    return info;
}

}  // namespace

std::vector<ConnectionView> listConnections(PathManagerBus& bus)
{
    const Reply reply(bus, "ListConnections", nullptr);
    sd_bus_message* m = reply.get();
    check(sd_bus_message_enter_container(m, 'a', "(ua{sv})"), "reading the connections");
    std::vector<ConnectionView> all;
    int r;
    while ((r = sd_bus_message_enter_container(m, 'r', "ua{sv}")) > 0) {
        ConnectionView c;
        check(sd_bus_message_read_basic(m, 'u', &c.token), "reading a connection");
        c.info = readDict(m);
        check(sd_bus_message_exit_container(m), "reading a connection");
        all.push_back(std::move(c));
    }
    check(r, "reading the connections");
    return all;
}

ConnectionView getConnection(PathManagerBus& bus, std::uint32_t token)
{
    const Reply reply(bus, "GetConnection", &token);
    return {token, readDict(reply.get()), {}};
}

std::vector<InfoMap> listSubflows(PathManagerBus& bus, std::uint32_t token)
{
    const Reply reply(bus, "ListSubflows", &token);
    sd_bus_message* m = reply.get();
    check(sd_bus_message_enter_container(m, 'a', "a{sv}"), "reading the subflows");
    std::vector<InfoMap> all;
    for (;;) {
        // readDict() enters the inner array itself: stop at the end.
        const int more = sd_bus_message_at_end(m, false);
        check(more, "reading the subflows");
        if (more > 0) {
            break;
        }
        all.push_back(readDict(m));
    }
    return all;
}

}  // namespace mptcp::cli
