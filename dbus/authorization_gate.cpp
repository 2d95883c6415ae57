#include "authorization_gate.hpp"

#include "bus_message.hpp"
#include "dbus_errors.hpp"
#include "journal_log.hpp"
#include "pm_error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace mptcp::dbus {
namespace {

constexpr const char* kPropertiesInterface = "org.freedesktop.DBus.Properties";

int replyError(sd_bus_message* call, const std::string& name, const std::string& message)
{
    const sd_bus_error error = SD_BUS_ERROR_MAKE_CONST(name.c_str(), message.c_str());
    return sd_bus_reply_method_error(call, &error);
}

std::optional<Caller> callerOf(sd_bus_message* call)
{
    const char* sender = sd_bus_message_get_sender(call);
    if (sender == nullptr || *sender == '\0') {
        return std::nullopt;
    }
    return Caller{sender, sd_bus_message_get_allow_interactive_authorization(call) > 0};
}

template <typename T>
void readAs(sd_bus_message* m, char type, T& value)
{
    if (sd_bus_message_read_basic(m, type, &value) <= 0) {
        throw PmError(ErrorKind::InvalidArgs, "unreadable property value");
    }
}

}  // namespace

AuthorizationGate::AuthorizationGate(sd_bus* bus, PolkitAuthorizer& authorizer) : bus_(bus), authorizer_(authorizer) {}

AuthorizationGate::~AuthorizationGate()
{
    sd_bus_slot_unref(slot_);
}

void AuthorizationGate::addGuardedProperty(const std::string& interface, const std::string& property,
                                           GuardedProperty guarded)
{
    guarded_.insert_or_assign({interface, property}, std::move(guarded));
}

void AuthorizationGate::interceptPropertyWrites(const std::string& objectPath)
{
    if (slot_ != nullptr) {
        return;
    }
    const int r = sd_bus_add_object(bus_, &slot_, objectPath.c_str(), &AuthorizationGate::onObjectCall, this);
    if (r < 0) {
        slot_ = nullptr;
        throw std::runtime_error("cannot intercept property writes on " + objectPath + ": " + std::strerror(-r));
    }
}

void AuthorizationGate::run(Action action, std::string what, sd_bus_message* call, Work work)
{
    const std::optional<Caller> caller = callerOf(call);
    if (!caller) {
        // A caller without a name: never let such a change through unchecked.
        msg::replyError(what.c_str(), call, kFailed, what + ": internal error: no caller to authorize");
        return;
    }
    MessageRef held(call);
    authorizer_.authorize(action, what, *caller, [held, what, work = std::move(work)](const Decision& decision) {
        if (!decision.allowed) {
            msg::replyError(what.c_str(), held.get(), decision.errorName, decision.message);
        } else {
            answer(what, held.get(), work);
        }
    });
}

void AuthorizationGate::answer(const std::string& what, sd_bus_message* call, const Work& work) noexcept
{
    try {
        MessageRef reply = msg::newReturn(call);
        work(reply.get());
        msg::send(what.c_str(), reply.get());
    } catch (...) {
        auto [name, message] = msg::toError(what.c_str(), std::current_exception());
        if (name.empty()) {
            // Out of memory making the error: still an error, never success.
            msg::replyError(what.c_str(), call, "org.freedesktop.DBus.Error.NoMemory", "out of memory");
        } else {
            msg::replyError(what.c_str(), call, name, message);
        }
    }
}

int AuthorizationGate::onObjectCall(sd_bus_message* call, void* userData, sd_bus_error* /*error*/)
{
    if (sd_bus_message_is_method_call(call, kPropertiesInterface, "Set") <= 0) {
        return 0;  // everything else: the vtables and sd-bus's own handling
    }
    try {
        return static_cast<AuthorizationGate*>(userData)->onPropertySet(call);
    } catch (...) {
        // Nothing may unwind into sd-bus's C frames.
        return -ENOMEM;
    }
}

int AuthorizationGate::onPropertySet(sd_bus_message* call)
{
    const char* interface = nullptr;
    const char* property = nullptr;
    if (sd_bus_message_read(call, "ss", &interface, &property) < 0) {
        sd_bus_message_rewind(call, true);
        return 0;  // malformed: sd-bus answers it
    }
    const auto it = guarded_.find({interface, property});
    if (it == guarded_.end()) {
        sd_bus_message_rewind(call, true);
        return 0;  // not ours: sd-bus answers (read-only, unknown, ...)
    }
    const std::string what = property;
    const GuardedProperty& guarded = it->second;
    if (sd_bus_message_enter_container(call, 'v', guarded.signature.c_str()) <= 0) {
        return replyError(call, kInvalidArgs,
                          what + ": the value must be a variant holding type '" + guarded.signature + "'");
    }
    std::function<void()> write;
    try {
        write = guarded.read(call);
    } catch (const PmError& e) {
        return replyError(call, kInvalidArgs, what + ": " + e.what());
    }
    const std::optional<Caller> caller = callerOf(call);
    if (!caller) {
        return replyError(call, kAccessDenied, what + ": a caller without a bus name cannot be authorized");
    }
    MessageRef held(call);
    authorizer_.authorize(guarded.action, what, *caller, [held, what, write](const Decision& decision) {
        if (!decision.allowed) {
            msg::replyError(what.c_str(), held.get(), decision.errorName, decision.message);
        } else {
            answer(what, held.get(), [&write](sd_bus_message*) { write(); });
        }
    });
    return 1;
}

void AuthorizationGate::readBasic(sd_bus_message* m, bool& value)
{
    int b = 0;
    readAs(m, SD_BUS_TYPE_BOOLEAN, b);
    value = b != 0;
}

void AuthorizationGate::readBasic(sd_bus_message* m, std::uint8_t& value)
{
    readAs(m, SD_BUS_TYPE_BYTE, value);
}

void AuthorizationGate::readBasic(sd_bus_message* m, std::uint16_t& value)
{
    readAs(m, SD_BUS_TYPE_UINT16, value);
}

void AuthorizationGate::readBasic(sd_bus_message* m, std::uint32_t& value)
{
    readAs(m, SD_BUS_TYPE_UINT32, value);
}

void AuthorizationGate::readBasic(sd_bus_message* m, std::string& value)
{
    const char* s = nullptr;
    readAs(m, SD_BUS_TYPE_STRING, s);
    value = s != nullptr ? s : "";
}

}  // namespace mptcp::dbus
