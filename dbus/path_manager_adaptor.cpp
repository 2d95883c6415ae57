#include "path_manager_adaptor.hpp"

#include "bus_message.hpp"
#include "daemon_log.hpp"
#include "dbus_errors.hpp"
#include "journal_log.hpp"
#include "pm_error.hpp"
#include "utf8_text.hpp"

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace mptcp::dbus {
namespace {

using Adaptor = PathManagerAdaptor;
constexpr auto kAnyone = SD_BUS_VTABLE_UNPRIVILEGED;  // the service decides (gate), not sd-bus

// The signals' shape is the contract's; they are sent by BusNotifier and
// BusEventSignals, listed here for introspection.
#define MPTCP_EVENT_SIGNAL(name) SD_BUS_SIGNAL_WITH_ARGS(name, SD_BUS_ARGS("u", token, "a{sv}", info), 0)

const sd_bus_vtable kVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_ARGS("AddEndpoint", SD_BUS_ARGS("s", address, "q", port, "s", interface, "u", id, "as", flags),
                            SD_BUS_RESULT("u", assigned_id), &Adaptor::onAddEndpoint, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("DeleteEndpoint", SD_BUS_ARGS("u", id, "s", address), SD_BUS_NO_RESULT,
                            &Adaptor::onDeleteEndpoint, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("ChangeEndpoint", SD_BUS_ARGS("u", id, "s", address, "q", port, "as", changes),
                            SD_BUS_NO_RESULT, &Adaptor::onChangeEndpoint, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("GetEndpoint", SD_BUS_ARGS("u", id), SD_BUS_RESULT("(usqsas)", endpoint),
                            &Adaptor::onGetEndpoint, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("ListEndpoints", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(usqsas)", endpoints),
                            &Adaptor::onListEndpoints, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("FlushEndpoints", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, &Adaptor::onFlushEndpoints, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("SetLimits", SD_BUS_ARGS("u", subflows, "u", add_addr_accepted), SD_BUS_NO_RESULT,
                            &Adaptor::onSetLimits, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("GetLimits", SD_BUS_NO_ARGS, SD_BUS_RESULT("u", subflows, "u", add_addr_accepted),
                            &Adaptor::onGetLimits, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("Subscribe", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, &Adaptor::onSubscribe, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("Unsubscribe", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, &Adaptor::onUnsubscribe, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("SubscribeBatched", SD_BUS_ARGS("a{sv}", options), SD_BUS_NO_RESULT,
                            &Adaptor::onSubscribeBatched, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("ManageInterface", SD_BUS_ARGS("s", interface, "as", flags, "a{sv}", options),
                            SD_BUS_NO_RESULT, &Adaptor::onManageInterface, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("ReleaseInterface", SD_BUS_ARGS("s", interface), SD_BUS_NO_RESULT,
                            &Adaptor::onReleaseInterface, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("ReleaseOwner", SD_BUS_ARGS("s", owner), SD_BUS_RESULT("as", interfaces),
                            &Adaptor::onReleaseOwner, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("ListManagedInterfaces", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(sasa{sv})", interfaces),
                            &Adaptor::onListManagedInterfaces, kAnyone),
    // No EMITS_CHANGE flag: introspection says EmitsChangedSignal "false"
    // (the kernel announces no change made with ip or sysctl).
    SD_BUS_WRITABLE_PROPERTY("SubflowsLimit", "u", &Adaptor::getProperty, &Adaptor::setProperty, 0, kAnyone),
    SD_BUS_WRITABLE_PROPERTY("AddAddrAcceptedLimit", "u", &Adaptor::getProperty, &Adaptor::setProperty, 0, kAnyone),
    SD_BUS_WRITABLE_PROPERTY("Enabled", "b", &Adaptor::getProperty, &Adaptor::setProperty, 0, kAnyone),
    SD_BUS_PROPERTY("Version", "s", &Adaptor::getProperty, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_SIGNAL_WITH_ARGS("EndpointsChanged", SD_BUS_NO_ARGS, 0),
    MPTCP_EVENT_SIGNAL("ConnectionCreated"),
    MPTCP_EVENT_SIGNAL("ConnectionEstablished"),
    MPTCP_EVENT_SIGNAL("ConnectionClosed"),
    MPTCP_EVENT_SIGNAL("AddressAnnounced"),
    MPTCP_EVENT_SIGNAL("AddressRemoved"),
    MPTCP_EVENT_SIGNAL("SubflowEstablished"),
    MPTCP_EVENT_SIGNAL("SubflowClosed"),
    MPTCP_EVENT_SIGNAL("SubflowPriorityChanged"),
    SD_BUS_SIGNAL_WITH_ARGS("ListenerCreated", SD_BUS_ARGS("a{sv}", info), 0),
    SD_BUS_SIGNAL_WITH_ARGS("ListenerClosed", SD_BUS_ARGS("a{sv}", info), 0),
    SD_BUS_SIGNAL_WITH_ARGS("UnknownEvent", SD_BUS_ARGS("u", type, "a{sv}", info), 0),
    SD_BUS_SIGNAL_WITH_ARGS("EventsLost", SD_BUS_ARGS("t", count), 0),
    SD_BUS_SIGNAL_WITH_ARGS("EventBatch", SD_BUS_ARGS("a(sua{sv})", events), 0),
    SD_BUS_VTABLE_END,
};

#undef MPTCP_EVENT_SIGNAL

// The unique bus name of the caller: the monitor keys its subscribers by it.
std::string senderOf(sd_bus_message* call)
{
    const char* sender = sd_bus_message_get_sender(call);
    return sender != nullptr ? sender : "";
}

}  // namespace

PathManagerAdaptor::PathManagerAdaptor(sd_bus* bus, Parts parts)
    : parts_(parts), slot_(bus, kObjectPath, kPathManagerInterface, kVtable, this)
{
    PathManagerService& service = parts.service;
    parts.gate.guardProperty<std::uint32_t>(kPathManagerInterface, "SubflowsLimit", Action::Modify,
                                            [&service](const std::uint32_t& v) { service.setSubflowsLimit(v); });
    parts.gate.guardProperty<std::uint32_t>(kPathManagerInterface, "AddAddrAcceptedLimit", Action::Modify,
                                            [&service](const std::uint32_t& v) { service.setAddAddrAcceptedLimit(v); });
    parts.gate.guardProperty<bool>(kPathManagerInterface, "Enabled", Action::Modify,
                                   [&service](const bool& v) { service.setEnabled(v); });
}

PathManagerAdaptor::PathManagerAdaptor(sd_bus* bus, std::string why)
    : why_(std::move(why)), slot_(bus, kObjectPath, kPathManagerInterface, kVtable, this)
{
}

int PathManagerAdaptor::refused(sd_bus_error* error) const
{
    if (parts_) {
        return 0;
    }
    return msg::notSupported(error, why_);
}

// Every handler below: refused() first, then read, then either answer
// now (reads, subscriptions) or hand the change to the gate.

int PathManagerAdaptor::onAddEndpoint(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    return msg::guarded(error, "AddEndpoint", [&] {
        std::string address = msg::readString(call);
        const std::uint16_t port = msg::readUint16(call);
        std::string interface = msg::readString(call);
        const std::uint32_t id = msg::readUint32(call);
        std::vector<std::string> flags = msg::readStrings(call);
        auto& p = *static_cast<Adaptor*>(self)->parts_;
        p.gate.run(Action::Modify, "AddEndpoint", call,
                   [&service = p.service, address = std::move(address), port, interface = std::move(interface), id,
                    flags = std::move(flags)](sd_bus_message* reply) {
                       const std::uint32_t assigned = service.addEndpoint(address, port, interface, id, flags);
                       msg::check(sd_bus_message_append_basic(reply, SD_BUS_TYPE_UINT32, &assigned), "write the id");
                   });
        return 1;
    });
}

int PathManagerAdaptor::onDeleteEndpoint(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    return msg::guarded(error, "DeleteEndpoint", [&] {
        const std::uint32_t id = msg::readUint32(call);
        std::string address = msg::readString(call);
        auto& p = *static_cast<Adaptor*>(self)->parts_;
        p.gate.run(Action::Modify, "DeleteEndpoint", call,
                   [&service = p.service, id, address = std::move(address)](sd_bus_message*) {
                       service.deleteEndpoint(id, address);
                   });
        return 1;
    });
}

int PathManagerAdaptor::onChangeEndpoint(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    return msg::guarded(error, "ChangeEndpoint", [&] {
        const std::uint32_t id = msg::readUint32(call);
        std::string address = msg::readString(call);
        const std::uint16_t port = msg::readUint16(call);
        std::vector<std::string> changes = msg::readStrings(call);
        auto& p = *static_cast<Adaptor*>(self)->parts_;
        p.gate.run(Action::Modify, "ChangeEndpoint", call,
                   [&service = p.service, id, address = std::move(address), port, changes = std::move(changes)](
                       sd_bus_message*) { service.changeEndpoint(id, address, port, changes); });
        return 1;
    });
}

int PathManagerAdaptor::onGetEndpoint(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    auto& service = static_cast<Adaptor*>(self)->parts_->service;
    return msg::answerNow(call, error, "GetEndpoint", [&](sd_bus_message* reply) {
        service.visitEndpoint(msg::readUint32(call), [reply](const Endpoint& ep, const std::string& interface) {
            appendEndpoint(reply, ep, interface);
        });
    });
}

int PathManagerAdaptor::onListEndpoints(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    auto& service = static_cast<Adaptor*>(self)->parts_->service;
    return msg::answerNow(call, error, "ListEndpoints", [&](sd_bus_message* reply) {
        msg::check(sd_bus_message_open_container(reply, SD_BUS_TYPE_ARRAY, "(usqsas)"), "write the endpoints");
        service.visitEndpoints(
            [reply](const Endpoint& ep, const std::string& interface) { appendEndpoint(reply, ep, interface); });
        msg::check(sd_bus_message_close_container(reply), "write the endpoints");
    });
}

int PathManagerAdaptor::onFlushEndpoints(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    return msg::guarded(error, "FlushEndpoints", [&] {
        auto& p = *static_cast<Adaptor*>(self)->parts_;
        p.gate.run(Action::Modify, "FlushEndpoints", call,
                   [&service = p.service](sd_bus_message*) { service.flushEndpoints(); });
        return 1;
    });
}

int PathManagerAdaptor::onSetLimits(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    return msg::guarded(error, "SetLimits", [&] {
        const std::uint32_t subflows = msg::readUint32(call);
        const std::uint32_t addAddrAccepted = msg::readUint32(call);
        auto& p = *static_cast<Adaptor*>(self)->parts_;
        p.gate.run(Action::Modify, "SetLimits", call,
                   [&service = p.service, subflows, addAddrAccepted](sd_bus_message*) {
                       service.setLimits(subflows, addAddrAccepted);
                   });
        return 1;
    });
}

int PathManagerAdaptor::onGetLimits(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    auto& service = static_cast<Adaptor*>(self)->parts_->service;
    return msg::answerNow(call, error, "GetLimits", [&](sd_bus_message* reply) {
        const auto [subflows, addAddrAccepted] = service.getLimits();
        // Two basic values: sd_bus_message_append()'s format string costs more.
        msg::check(sd_bus_message_append_basic(reply, SD_BUS_TYPE_UINT32, &subflows), "write the limits");
        msg::check(sd_bus_message_append_basic(reply, SD_BUS_TYPE_UINT32, &addAddrAccepted), "write the limits");
    });
}

int PathManagerAdaptor::onSubscribe(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    auto& monitor = static_cast<Adaptor*>(self)->parts_->monitor;
    return msg::answerNow(call, error, "Subscribe", [&](sd_bus_message*) { monitor.subscribe(senderOf(call)); });
}

int PathManagerAdaptor::onUnsubscribe(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    auto& monitor = static_cast<Adaptor*>(self)->parts_->monitor;
    return msg::answerNow(call, error, "Unsubscribe", [&](sd_bus_message*) { monitor.unsubscribe(senderOf(call)); });
}

int PathManagerAdaptor::onSubscribeBatched(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    auto& monitor = static_cast<Adaptor*>(self)->parts_->monitor;
    return msg::answerNow(call, error, "SubscribeBatched", [&](sd_bus_message*) {
        monitor.subscribeBatched(senderOf(call), parseBatchOptions(msg::readOptions(call)));
    });
}

int PathManagerAdaptor::onManageInterface(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    return msg::guarded(error, "ManageInterface", [&] {
        std::string interface = msg::readString(call);
        std::vector<std::string> flags = msg::readStrings(call);
        OptionMap options = msg::readOptions(call);
        auto& p = *static_cast<Adaptor*>(self)->parts_;
        p.gate.run(Action::Modify, "ManageInterface", call,
                   [&interfaces = p.interfaces, interface = std::move(interface), flags = std::move(flags),
                    options = std::move(options)](sd_bus_message*) { interfaces.manage(interface, flags, options); });
        return 1;
    });
}

int PathManagerAdaptor::onReleaseInterface(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    return msg::guarded(error, "ReleaseInterface", [&] {
        std::string interface = msg::readString(call);
        auto& p = *static_cast<Adaptor*>(self)->parts_;
        p.gate.run(Action::Modify, "ReleaseInterface", call,
                   [&interfaces = p.interfaces, interface = std::move(interface)](sd_bus_message*) {
                       interfaces.release(interface);
                   });
        return 1;
    });
}

// The same authorization as ReleaseInterface: it releases interfaces too.
int PathManagerAdaptor::onReleaseOwner(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    return msg::guarded(error, "ReleaseOwner", [&] {
        std::string owner = msg::readString(call);
        auto& p = *static_cast<Adaptor*>(self)->parts_;
        p.gate.run(Action::Modify, "ReleaseOwner", call,
                   [&interfaces = p.interfaces, owner = std::move(owner)](sd_bus_message* reply) {
                       msg::appendStrings(reply, interfaces.releaseOwner(owner));
                   });
        return 1;
    });
}

int PathManagerAdaptor::onListManagedInterfaces(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    auto& interfaces = static_cast<Adaptor*>(self)->parts_->interfaces;
    return msg::answerNow(call, error, "ListManagedInterfaces", [&](sd_bus_message* reply) {
        const auto managed = interfaces.list();
        msg::check(sd_bus_message_open_container(reply, SD_BUS_TYPE_ARRAY, "(sasa{sv})"), "write the interfaces");
        for (const auto& m : managed) {
            msg::check(sd_bus_message_open_container(reply, SD_BUS_TYPE_STRUCT, "sasa{sv}"), "write an interface");
            // A declared pattern comes from the configuration file, whose
            // bytes need not be UTF-8.
            msg::check(sd_bus_message_append_basic(reply, SD_BUS_TYPE_STRING, utf8Shown(m.interface).c_str()),
                       "write an interface");
            msg::appendStrings(reply, m.flags);
            msg::appendOptions(reply, m.options);
            msg::check(sd_bus_message_close_container(reply), "write an interface");
        }
        msg::check(sd_bus_message_close_container(reply), "write the interfaces");
    });
}

int PathManagerAdaptor::getProperty(sd_bus*, const char*, const char*, const char* property, sd_bus_message* reply,
                                    void* self, sd_bus_error* error)
{
    const auto& adaptor = *static_cast<Adaptor*>(self);
    if (std::strcmp(property, "Version") == 0) {
        return msg::guarded(error, property, [&] {
            return sd_bus_message_append_basic(reply, SD_BUS_TYPE_STRING, PathManagerService::version().c_str());
        });
    }
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    return msg::guarded(error, property, [&] {
        PathManagerService& service = adaptor.parts_->service;
        if (std::strcmp(property, "SubflowsLimit") == 0) {
            const std::uint32_t v = service.subflowsLimit();
            return sd_bus_message_append_basic(reply, SD_BUS_TYPE_UINT32, &v);
        }
        if (std::strcmp(property, "AddAddrAcceptedLimit") == 0) {
            const std::uint32_t v = service.addAddrAcceptedLimit();
            return sd_bus_message_append_basic(reply, SD_BUS_TYPE_UINT32, &v);
        }
        const int v = service.enabled() ? 1 : 0;
        return sd_bus_message_append_basic(reply, SD_BUS_TYPE_BOOLEAN, &v);
    });
}

// Only reached without MPTCP (NotSupported) or if a write bypassed the
// gate, which answers every write of these properties itself.
int PathManagerAdaptor::setProperty(sd_bus*, const char*, const char*, const char* property, sd_bus_message*,
                                    void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    const std::string message =
        std::string(property) + ": internal error: this write bypassed the authorization gate and is refused";
    const int r = sd_bus_error_set(error, kFailed, message.c_str());
    return r < 0 ? r : -EPERM;
}

// Every string of an endpoint is valid UTF-8 without a NUL by construction
// (the address's text, the flags' names, an interface label made UTF-8 by
// interfaceLabel()): written with appendAscii(), without sd-bus's UTF-8
// check and strlen, about half of a string's cost in a reply.
void appendEndpoint(sd_bus_message* m, const Endpoint& ep, const std::string& interface)
{
    constexpr const char* kWhat = "write an endpoint";
    msg::check(sd_bus_message_open_container(m, SD_BUS_TYPE_STRUCT, "usqsas"), kWhat);
    const std::uint32_t id = ep.id;
    msg::check(sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT32, &id), kWhat);
    char address[IpAddress::kTextSize];
    ep.address.format(address);
    msg::appendAscii(m, address, std::strlen(address), kWhat);
    msg::check(sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT16, &ep.port), kWhat);
    msg::appendAscii(m, interface.data(), interface.size(), kWhat);
    msg::check(sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "s"), kWhat);
    forEachFlagName(
        ep.flags,
        [](const char* name, void* reply) {
            msg::appendAscii(static_cast<sd_bus_message*>(reply), name, std::strlen(name), kWhat);
        },
        m);
    msg::check(sd_bus_message_close_container(m), kWhat);
    msg::check(sd_bus_message_close_container(m), kWhat);
}

void appendEndpoint(sd_bus_message* m, const EndpointStruct& e)
{
    msg::check(sd_bus_message_open_container(m, SD_BUS_TYPE_STRUCT, "usqsas"), "write an endpoint");
    const std::uint32_t id = std::get<0>(e);
    const std::uint16_t port = std::get<2>(e);
    msg::check(sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT32, &id), "write an endpoint");
    msg::check(sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, std::get<1>(e).c_str()), "write an endpoint");
    msg::check(sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT16, &port), "write an endpoint");
    msg::check(sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, std::get<3>(e).c_str()), "write an endpoint");
    msg::appendStrings(m, std::get<4>(e));
    msg::check(sd_bus_message_close_container(m), "write an endpoint");
}

// A signal that cannot be queued must not turn a change the kernel already
// made into an error reply: the caller would retry a done deed. Say so in
// the log instead.
void BusNotifier::endpointsChanged()
{
    const int r = sd_bus_emit_signal(bus_, kObjectPath, kPathManagerInterface, "EndpointsChanged", nullptr);
    if (r < 0) {
        daemonLog(std::string("cannot emit EndpointsChanged: ") + std::strerror(-r), journal::Priority::Warning);
    }
}

// The writable properties are marked EmitsChangedSignal "false": the
// kernel announces no change, so a change made with ip or sysctl emits
// nothing, and a signal is not guaranteed. sd-bus then refuses to emit
// PropertiesChanged for them (EDOM), yet every change made through the
// service is still announced: the signal is built here, with the values.
void BusNotifier::propertiesChanged(const std::vector<std::string>& names)
{
    // Each container opened and closed explicitly and the names (ASCII
    // constants) written with appendAscii(): sd_bus_message_append()'s
    // format string and UTF-8 checks cost about a third more.
    constexpr const char* kWhat = "write PropertiesChanged";
    try {
        sd_bus_message* raw = nullptr;
        msg::check(
            sd_bus_message_new_signal(bus_, &raw, kObjectPath, "org.freedesktop.DBus.Properties", "PropertiesChanged"),
            "create PropertiesChanged");
        const MessageRef signal = MessageRef::adopt(raw);
        sd_bus_message* m = signal.get();
        msg::appendAscii(m, kPathManagerInterface, std::strlen(kPathManagerInterface), kWhat);
        std::vector<std::string> invalidated;
        msg::check(sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "{sv}"), kWhat);
        for (const auto& name : names) {
            const bool limit = name == "SubflowsLimit" || name == "AddAddrAcceptedLimit";
            if (values_ == nullptr || (!limit && name != "Enabled")) {
                invalidated.push_back(name);
                continue;
            }
            msg::check(sd_bus_message_open_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv"), kWhat);
            msg::appendAscii(m, name.data(), name.size(), kWhat);
            if (limit) {
                const std::uint32_t v =
                    name == "SubflowsLimit" ? values_->subflowsLimit() : values_->addAddrAcceptedLimit();
                msg::check(sd_bus_message_open_container(m, SD_BUS_TYPE_VARIANT, "u"), kWhat);
                msg::check(sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT32, &v), kWhat);
            } else {
                const int v = values_->enabled() ? 1 : 0;
                msg::check(sd_bus_message_open_container(m, SD_BUS_TYPE_VARIANT, "b"), kWhat);
                msg::check(sd_bus_message_append_basic(m, SD_BUS_TYPE_BOOLEAN, &v), kWhat);
            }
            msg::check(sd_bus_message_close_container(m), kWhat);
            msg::check(sd_bus_message_close_container(m), kWhat);
        }
        msg::check(sd_bus_message_close_container(m), kWhat);
        msg::appendStrings(m, invalidated);
        msg::check(sd_bus_send(bus_, m, nullptr), "send PropertiesChanged");
    } catch (const std::exception& e) {
        daemonLog(std::string("cannot emit PropertiesChanged: ") + e.what(), journal::Priority::Warning);
    }
}

}  // namespace mptcp::dbus
