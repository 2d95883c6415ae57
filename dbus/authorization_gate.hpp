// The one door every change goes through: asynchronous authorization for
// the changing methods and property writes of every interface on the
// daemon's object. The daemon never waits for polkit: a call is decided
// later, from the event loop, while everyone else is served.
//
// How to use it from an adaptor (any interface, any result types):
//
// 1. Mark each changing method in the interface's XML
//        <annotation name="org.freedesktop.DBus.Method.Async" value="server"/>
//    and sdbus-c++-xml2cpp gives its handler an sdbus::Result<...>&&.
//
// 2. Hand the result and the work to the gate:
//        void MyAdaptor::Remove(sdbus::Result<>&& result, uint32_t token, uint8_t id)
//        {
//            gate_.run(Action::ControlConnections, "Remove", std::move(result),
//                      [this, token, id] { core_.remove(token, id); });
//        }
//    The work runs only when the caller may (at once for a root caller
//    the gate already knows, else later) and never for a caller that left
//    the bus meanwhile. It returns the reply: nothing for Result<>, the
//    value for Result<T>, a std::tuple<T1, T2, ...> for Result<T1, T2, ...>.
//    What it throws becomes the D-Bus error (PmError by its kind, as
//    atBoundary does). Capture arguments by value: the handler has
//    returned by the time the work runs. A refusal is AccessDenied, or
//    InteractiveAuthorizationRequired when polkit would ask for a password
//    but the caller did not allow interaction.
//
// 3. Writable properties: register each one once, before serving:
//        gate.guardProperty<std::string>(MyAdaptor::INTERFACE_NAME, "PathManager", Action::Modify,
//                                        [&core](const std::string& value) { core.setPathManager(value); });
//    The gate then answers org.freedesktop.DBus.Properties.Set for it
//    itself, after authorization; the adaptor's generated setter is never
//    called (make it refuse). Basic D-Bus types only (b y n q i u x t d s).
//    Get, GetAll and introspection stay the adaptor's.
//
// Why Properties.Set is intercepted: sdbus-c++ 1.2 property setters are
// synchronous (sd-bus replies as soon as the setter returns), and sd-bus
// refuses a vtable for org.freedesktop.DBus.Properties. But a node callback
// (sd_bus_add_object) on the object's path runs before the vtables and
// before sd-bus's own Properties handling; it answers Set for the guarded
// properties later (a reference on the message, then
// sd_bus_reply_method_return or an error) and passes everything else on.
#pragma once

#include "polkit_authorizer.hpp"

#include <sdbus-c++/Error.h>
#include <sdbus-c++/MethodResult.h>
#include <sdbus-c++/TypeTraits.h>
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

    // From inside an asynchronous method handler: authorizes the caller of
    // the call being processed for `action`, then runs work and answers
    // the call through result. `what` names the method in messages.
    template <typename... Results, typename Work>
    void run(Action action, std::string what, sdbus::Result<Results...>&& result, Work&& work);

    // Guards writes of one property (see the usage above).
    template <typename T>
    void guardProperty(const std::string& interface, const std::string& property, Action action,
                       std::function<void(const T&)> write);

    // Starts answering Properties.Set of the guarded properties on the
    // object at objectPath. Once, at start-up. Throws std::runtime_error.
    void interceptPropertyWrites(const std::string& objectPath);

    // Turns what the work threw into the D-Bus error of the reply.
    static sdbus::Error toBusError(const std::string& what, std::exception_ptr thrown);

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
    // The core of run(): the caller of the call being processed, asked of
    // sd-bus; done gets the decision (a refusal when there is no such call).
    void authorizeCurrentCall(Action action, std::string what, PolkitAuthorizer::Done done);
    // Runs the work; the error to answer with, if it threw.
    static std::optional<sdbus::Error> attempt(const std::string& what, const std::function<void()>& work) noexcept;
    // Sends a reply; a failure (the caller is gone) is only logged.
    static void send(const std::string& what, const std::function<void()>& reply) noexcept;

    static int onObjectCall(sd_bus_message* call, void* userData, sd_bus_error* error);
    int onPropertySet(sd_bus_message* call);

    static void readBasic(sd_bus_message* m, bool& value);
    static void readBasic(sd_bus_message* m, std::uint8_t& value);
    static void readBasic(sd_bus_message* m, std::int16_t& value);
    static void readBasic(sd_bus_message* m, std::uint16_t& value);
    static void readBasic(sd_bus_message* m, std::int32_t& value);
    static void readBasic(sd_bus_message* m, std::uint32_t& value);
    static void readBasic(sd_bus_message* m, std::int64_t& value);
    static void readBasic(sd_bus_message* m, std::uint64_t& value);
    static void readBasic(sd_bus_message* m, double& value);
    static void readBasic(sd_bus_message* m, std::string& value);

    sd_bus* bus_;
    PolkitAuthorizer& authorizer_;
    sd_bus_slot* slot_ = nullptr;
    std::map<std::pair<std::string, std::string>, GuardedProperty> guarded_;
};

template <typename... Results, typename Work>
void AuthorizationGate::run(Action action, std::string what, sdbus::Result<Results...>&& result, Work&& work)
{
    using Fn = std::decay_t<Work>;
    // Kept until the decision comes (std::function needs copyable state).
    auto pending =
        std::make_shared<std::pair<sdbus::Result<Results...>, Fn>>(std::move(result), std::forward<Work>(work));
    authorizeCurrentCall(action, what, [pending, what](const Decision& decision) {
        auto& [reply, fn] = *pending;
        if (!decision.allowed) {
            send(what, [&] { reply.returnError(sdbus::Error(decision.errorName, decision.message)); });
            return;
        }
        if constexpr (sizeof...(Results) == 0) {
            if (auto error = attempt(what, [&] { fn(); })) {
                send(what, [&] { reply.returnError(*error); });
            } else {
                send(what, [&] { reply.returnResults(); });
            }
        } else {
            std::optional<std::invoke_result_t<Fn&>> value;
            if (auto error = attempt(what, [&] { value.emplace(fn()); })) {
                send(what, [&] { reply.returnError(*error); });
            } else if constexpr (sizeof...(Results) == 1) {
                send(what, [&] { reply.returnResults(*value); });
            } else {
                send(what, [&] { std::apply([&](const auto&... v) { reply.returnResults(v...); }, *value); });
            }
        }
    });
}

template <typename T>
void AuthorizationGate::guardProperty(const std::string& interface, const std::string& property, Action action,
                                      std::function<void(const T&)> write)
{
    addGuardedProperty(interface, property,
                       GuardedProperty{action, sdbus::signature_of<T>::str(),
                                       [write = std::move(write)](sd_bus_message* m) -> std::function<void()> {
                                           T value{};
                                           readBasic(m, value);
                                           return [write, value] { write(value); };
                                       }});
}

}  // namespace mptcp::dbus
