#include "path_manager_bus.hpp"

#include "error_translation.hpp"

#include <systemd/sd-bus.h>

#include <cstring>

namespace mptcp::cli {
namespace {

[[noreturn]] void throwErrno(const char* what, int r)
{
    throw BusError{"System.Error", std::string(what) + ": " + std::strerror(-r)};
}

void check(int r, const char* what)
{
    if (r < 0) {
        throwErrno(what, r);
    }
}

// The error reply of a call, or what kept it from being made.
[[noreturn]] void throwReplyError(sd_bus_error& error, int r)
{
    BusError e{error.name != nullptr ? error.name : "System.Error",
               error.message != nullptr ? error.message : std::strerror(-r)};
    sd_bus_error_free(&error);
    throw e;
}

// An sd_bus_message reference that is dropped on every path.
class Message {
public:
    Message() = default;
    ~Message() { sd_bus_message_unref(m_); }
    Message(const Message&) = delete;
    Message& operator=(const Message&) = delete;
    sd_bus_message** out() { return &m_; }
    sd_bus_message* get() const { return m_; }

private:
    sd_bus_message* m_ = nullptr;
};

class Call {
public:
    Call(sd_bus* bus, const char* member) : bus_(bus)
    {
        check(sd_bus_message_new_method_call(bus, request_.out(), kServiceName, kObjectPath, kInterface, member),
              member);
    }
    sd_bus_message* request() { return request_.get(); }

    // Sends and waits (sd-bus's default timeout); the reply, or BusError.
    sd_bus_message* send()
    {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        const int r = sd_bus_call(bus_, request_.get(), 0, &error, reply_.out());
        if (r < 0) {
            throwReplyError(error, r);
        }
        return reply_.get();
    }

private:
    sd_bus* bus_;
    Message request_;
    Message reply_;
};

void appendStrings(sd_bus_message* m, const std::vector<std::string>& strings)
{
    check(sd_bus_message_open_container(m, 'a', "s"), "append");
    for (const auto& s : strings) {
        check(sd_bus_message_append_basic(m, 's', s.c_str()), "append");
    }
    check(sd_bus_message_close_container(m), "append");
}

// Reads one (usqsas); false at the end of the enclosing array.
bool readEndpoint(sd_bus_message* m, EndpointView& e)
{
    const int entered = sd_bus_message_enter_container(m, 'r', "usqsas");
    check(entered, "reading an endpoint");
    if (entered == 0) {
        return false;
    }
    const char* address = nullptr;
    const char* interface = nullptr;
    check(sd_bus_message_read(m, "usqs", &e.id, &address, &e.port, &interface), "reading an endpoint");
    e.address = address;
    e.interface = interface;
    check(sd_bus_message_enter_container(m, 'a', "s"), "reading an endpoint");
    const char* flag = nullptr;
    int r;
    while ((r = sd_bus_message_read_basic(m, 's', &flag)) > 0) {
        e.flags.emplace_back(flag);
    }
    check(r, "reading an endpoint");
    check(sd_bus_message_exit_container(m), "reading an endpoint");
    check(sd_bus_message_exit_container(m), "reading an endpoint");
    return true;
}

}  // namespace

PathManagerBus PathManagerBus::connect()
{
    sd_bus* bus = nullptr;
    const int r = sd_bus_open_system(&bus);
    if (r < 0) {
        throw BusError{"System.Error", std::strerror(-r)};
    }
    return PathManagerBus(bus);
}

void PathManagerBus::allowInteractiveAuthorization()
{
    // The service gives an interactive check 5 minutes by default.
    constexpr std::uint64_t kInteractiveCallTimeoutUsec = 6ULL * 60 * 1000 * 1000;
    check(sd_bus_set_allow_interactive_authorization(bus_, 1), "allowing interactive authorization");
    check(sd_bus_set_method_call_timeout(bus_, kInteractiveCallTimeoutUsec), "setting the call timeout");
}

PathManagerBus::~PathManagerBus()
{
    if (bus_ != nullptr) {
        sd_bus_flush_close_unref(bus_);
    }
}

std::uint32_t PathManagerBus::addEndpoint(const std::string& address, std::uint16_t port, const std::string& interface,
                                          std::uint32_t id, const std::vector<std::string>& flags)
{
    Call call(bus_, "AddEndpoint");
    check(sd_bus_message_append(call.request(), "sqsu", address.c_str(), port, interface.c_str(), id), "append");
    appendStrings(call.request(), flags);
    std::uint32_t assigned = 0;
    check(sd_bus_message_read(call.send(), "u", &assigned), "reading the id");
    return assigned;
}

void PathManagerBus::deleteEndpoint(std::uint32_t id, const std::string& address)
{
    Call call(bus_, "DeleteEndpoint");
    check(sd_bus_message_append(call.request(), "us", id, address.c_str()), "append");
    call.send();
}

void PathManagerBus::changeEndpoint(std::uint32_t id, const std::string& address, std::uint16_t port,
                                    const std::vector<std::string>& changes)
{
    Call call(bus_, "ChangeEndpoint");
    check(sd_bus_message_append(call.request(), "usq", id, address.c_str(), port), "append");
    appendStrings(call.request(), changes);
    call.send();
}

EndpointView PathManagerBus::getEndpoint(std::uint32_t id)
{
    Call call(bus_, "GetEndpoint");
    check(sd_bus_message_append(call.request(), "u", id), "append");
    EndpointView e;
    if (!readEndpoint(call.send(), e)) {
        throw BusError{"System.Error", "GetEndpoint: the reply has no endpoint"};
    }
    return e;
}

std::vector<EndpointView> PathManagerBus::listEndpoints()
{
    Call call(bus_, "ListEndpoints");
    sd_bus_message* reply = call.send();
    check(sd_bus_message_enter_container(reply, 'a', "(usqsas)"), "reading the endpoints");
    std::vector<EndpointView> all;
    for (EndpointView e; readEndpoint(reply, e); e = {}) {
        all.push_back(std::move(e));
    }
    return all;
}

void PathManagerBus::flushEndpoints()
{
    Call(bus_, "FlushEndpoints").send();
}

void PathManagerBus::setLimits(std::uint32_t subflows, std::uint32_t addAddrAccepted)
{
    Call call(bus_, "SetLimits");
    check(sd_bus_message_append(call.request(), "uu", subflows, addAddrAccepted), "append");
    call.send();
}

std::pair<std::uint32_t, std::uint32_t> PathManagerBus::getLimits()
{
    Call call(bus_, "GetLimits");
    std::uint32_t subflows = 0, addAddrAccepted = 0;
    check(sd_bus_message_read(call.send(), "uu", &subflows, &addAddrAccepted), "reading the limits");
    return {subflows, addAddrAccepted};
}

void PathManagerBus::setLimitProperty(const char* property, std::uint32_t value)
{
    sd_bus_error error = SD_BUS_ERROR_NULL;
    const int r = sd_bus_set_property(bus_, kServiceName, kObjectPath, kInterface, property, &error, "u", value);
    if (r < 0) {
        throwReplyError(error, r);
    }
}

void PathManagerBus::subscribe()
{
    Call(bus_, "Subscribe").send();
}

bool PathManagerBus::subscribeBatched()
{
    Call call(bus_, "SubscribeBatched");
    check(sd_bus_message_append(call.request(), "a{sv}", 0), "SubscribeBatched");
    try {
        call.send();
    } catch (const BusError& e) {
        // A service from before batches: the caller subscribes per event.
        if (e.name == "org.freedesktop.DBus.Error.UnknownMethod") {
            return false;
        }
        throw;
    }
    return true;
}

void PathManagerBus::unsubscribe()
{
    Call(bus_, "Unsubscribe").send();
}

}  // namespace mptcp::cli
