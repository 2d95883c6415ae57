// The one door every change goes through: asynchronous authorization for
// the changing methods and property writes of every interface on the
// daemon's object. The daemon never waits for polkit: a call is decided
// later, from the event loop, while everyone else is served.
//
// How to use it from an adaptor's vtable (any interface, any results):
//
// 1. A changing method's handler hands its call and the work to the gate
//    and returns 1 without answering:
//        int MyAdaptor::onRemove(sd_bus_message* call, void* self, sd_bus_error* error)
//        {
//            ... read token and id from call ...
//            gate_.run(Action::ControlConnections, "Remove", call,
//                      [this, token, id](sd_bus_message* reply) { core_.remove(token, id); });
//            return 1;
//        }
//    The work runs only when the caller may (at once for a root caller
//    the gate already knows, else later) and never for a caller that left
//    the bus meanwhile. It makes the change and writes the results, if
//    any, into reply, which the gate then sends. What it throws becomes
//    the D-Bus error instead (PmError by its kind, as msg::toError does).
//    Capture arguments by value: the handler has returned by the time the
//    work runs. A refusal is AccessDenied, or
//    InteractiveAuthorizationRequired when polkit would ask for a password
//    but the caller did not allow interaction.
//
// 2. Writable properties: register each one once, before serving:
//        gate.guardProperty<std::string>(kMyInterface, "PathManager", Action::Modify,
//                                        [&core](const std::string& value) { core.setPathManager(value); });
//    The gate then answers org.freedesktop.DBus.Properties.Set for it
//    itself, after authorization; the vtable's setter is never called
//    (make it refuse). Types b, y, q, u and s.
//    Get, GetAll and introspection stay the vtable's.
//
// Why Properties.Set is intercepted: sd-bus property setters are
// synchronous (sd-bus replies as soon as the setter returns), and sd-bus
// refuses a vtable for org.freedesktop.DBus.Properties. But a node callback
// (sd_bus_add_object) on the object's path runs before the vtables and
// before sd-bus's own Properties handling; it answers Set for the guarded
// properties later (a reference on the message, then
// sd_bus_reply_method_return or an error) and passes everything else on.
#pragma once

#include "polkit_authorizer.hpp"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace mptcp::dbus {

class AuthorizationGate {
public:
    // bus: the daemon's connection (RawBus), used for the call being
    // processed and for the Properties.Set interception.
    AuthorizationGate(sd_bus* bus, PolkitAuthorizer& authorizer);
    ~AuthorizationGate();
    AuthorizationGate(const AuthorizationGate&) = delete;
    AuthorizationGate& operator=(const AuthorizationGate&) = delete;

    // Makes the change and writes the results into reply; may throw.
    using Work = std::function<void(sd_bus_message* reply)>;

    // From inside a vtable method handler, with the handler's call:
    // authorizes its caller for `action`, then runs work and answers the
    // call (see the usage above). `what` names the method in messages.
    void run(Action action, std::string what, sd_bus_message* call, Work work);

    // Guards writes of one property (see the usage above).
    template <typename T>
    void guardProperty(const std::string& interface, const std::string& property, Action action,
                       std::function<void(const T&)> write);

    // Starts answering Properties.Set of the guarded properties on the
    // object at objectPath. Once, at start-up. Throws std::runtime_error.
    void interceptPropertyWrites(const std::string& objectPath);

private:
    // Reads a guarded property's new value from inside the variant, or
    // throws PmError(InvalidArgs); returns the write to run once allowed.
    using ValueReader = std::function<std::function<void()>(sd_bus_message* value)>;
    struct GuardedProperty {
        Action action;
        std::string signature;
        ValueReader read;
    };

    void addGuardedProperty(const std::string& interface, const std::string& property, GuardedProperty guarded);
    // Runs the work with a new reply to call, then sends the reply, or
    // the error it threw. Never throws.
    static void answer(const std::string& what, sd_bus_message* call, const Work& work) noexcept;

    static int onObjectCall(sd_bus_message* call, void* userData, sd_bus_error* error);
    int onPropertySet(sd_bus_message* call);

    static void readBasic(sd_bus_message* m, bool& value);
    static void readBasic(sd_bus_message* m, std::uint8_t& value);
    static void readBasic(sd_bus_message* m, std::uint16_t& value);
    static void readBasic(sd_bus_message* m, std::uint32_t& value);
    static void readBasic(sd_bus_message* m, std::string& value);

    template <typename T>
    static constexpr const char* signatureOf()
    {
        if constexpr (std::is_same_v<T, bool>) {
            return "b";
        } else if constexpr (std::is_same_v<T, std::uint8_t>) {
            return "y";
        } else if constexpr (std::is_same_v<T, std::uint16_t>) {
            return "q";
        } else if constexpr (std::is_same_v<T, std::uint32_t>) {
            return "u";
        } else {
            static_assert(std::is_same_v<T, std::string>, "guardProperty: types b, y, q, u and s");
            return "s";
        }
    }

    sd_bus* bus_;
    PolkitAuthorizer& authorizer_;
    sd_bus_slot* slot_ = nullptr;
    std::map<std::pair<std::string, std::string>, GuardedProperty> guarded_;
};

template <typename T>
void AuthorizationGate::guardProperty(const std::string& interface, const std::string& property, Action action,
                                      std::function<void(const T&)> write)
{
    addGuardedProperty(interface, property,
                       GuardedProperty{action, signatureOf<T>(),
                                       [write = std::move(write)](sd_bus_message* m) -> std::function<void()> {
                                           T value{};
                                           readBasic(m, value);
                                           return [write, value] { write(value); };
                                       }});
}

}  // namespace mptcp::dbus
