#include "bus_call.hpp"

#include "daemon_log.hpp"
#include "journal_log.hpp"
#include "system_bus.hpp"

#include <exception>
#include <memory>

namespace mptcp::dbus {
namespace {

struct PendingCall {
    const char* what;
    ReplyHandler onReply;
};

int deliverReply(sd_bus_message* m, void* userData, sd_bus_error* /*error*/)
{
    const auto* pending = static_cast<PendingCall*>(userData);
    try {
        pending->onReply(CallReply(m));
    } catch (const std::exception& e) {
        daemonLog(std::string(pending->what) + ": " + e.what(), journal::Priority::Error);
    } catch (...) {
        daemonLog(std::string(pending->what) + " failed", journal::Priority::Error);
    }
    return 0;
}

// The slot's destroy callback: the handler goes with the slot, whether its
// reply came or the connection closed first.
void deletePending(void* userData)
{
    delete static_cast<PendingCall*>(userData);
}

}  // namespace

std::string CallReply::errorText() const
{
    return error_ ? dbus::errorText(*error_) : "";
}

MessageRef newMethodCall(sd_bus* bus, const char* destination, const char* path, const char* interface,
                         const char* member)
{
    sd_bus_message* call = nullptr;
    if (const int r = sd_bus_message_new_method_call(bus, &call, destination, path, interface, member); r < 0) {
        throwBusFailure(member, r);
    }
    return MessageRef::adopt(call);
}

void callAsync(const MessageRef& call, std::chrono::milliseconds timeout, const char* what, ReplyHandler onReply)
{
    auto pending = std::make_unique<PendingCall>(PendingCall{what, std::move(onReply)});
    sd_bus_slot* slot = nullptr;
    const auto usec = static_cast<std::uint64_t>(std::chrono::microseconds(timeout).count());
    if (const int r = sd_bus_call_async(sd_bus_message_get_bus(call.get()), &slot, call.get(), &deliverReply,
                                        pending.get(), usec);
        r < 0) {
        throwBusFailure(what, r);
    }
    sd_bus_slot_set_destroy_callback(slot, &deletePending);
    pending.release();
    // Floating: the bus keeps the slot until the reply has been handled.
    sd_bus_slot_set_floating(slot, 1);
    sd_bus_slot_unref(slot);
}

}  // namespace mptcp::dbus
