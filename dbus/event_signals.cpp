#include "event_signals.hpp"

#include "event_info.hpp"
#include "pathmanager_adaptor.h"

#include <poll.h>

namespace mptcp::dbus {

namespace {
constexpr const char* kInterface = org::mptcp::PathManager_adaptor::INTERFACE_NAME;
}

BusEventSignals::BusEventSignals(sdbus::IObject& object, sdbus::IConnection& bus, InterfaceNames& names)
    : object_(object),
      bus_(bus),
      names_(names),
      busDriver_(sdbus::createProxy(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus"))
{
}

void BusEventSignals::event(const PmEvent& e)
{
    const char* member = eventSignalName(e.type);
    EventInfo info = eventInfo(e, names_);
    if (!isKnownEventType(e.type)) {
        object_.emitSignal(member).onInterface(kInterface).withArguments(static_cast<std::uint32_t>(e.type), info);
    } else if (signalHasToken(e.type)) {
        object_.emitSignal(member).onInterface(kInterface).withArguments(e.token.value_or(0), info);
    } else {
        object_.emitSignal(member).onInterface(kInterface).withArguments(info);
    }
    queued();
}

void BusEventSignals::eventsLost(std::uint64_t count)
{
    object_.emitSignal("EventsLost").onInterface(kInterface).withArguments(count);
    queued();
}

void BusEventSignals::queued()
{
    window_.signalQueued();
    if (window_.pingDue()) {
        ping();
    }
}

// Any call to the bus driver is answered in order; GetId is the cheapest.
void BusEventSignals::ping()
{
    window_.pingSent();
    try {
        busDriver_->callMethodAsync("GetId")
            .onInterface("org.freedesktop.DBus")
            .uponReplyInvoke([this](const sdbus::Error*, const std::string&) {
                // Runs in the event loop (processPendingRequest); must not throw.
                window_.pingAnswered();
                if (window_.pingDue()) {
                    ping();
                }
            });
    } catch (const std::exception&) {
        window_.forgetQueued();  // no answer will come: do not wait for one
    }
}

// sd-bus writes a message at once when it can and queues it only when the
// socket to the bus is full; it then asks for POLLOUT (sd_bus_get_events)
// until the queue has drained. That is the one backlog sdbus-c++ 1.2 lets
// us see, and the one that matters: it is what grows without limit.
bool BusEventSignals::backlogged()
{
    if (window_.full()) {
        return true;
    }
    try {
        return (bus_.getEventLoopPollData().events & POLLOUT) != 0;
    } catch (const sdbus::Error&) {
        return true;  // a broken bus takes nothing; the event loop reports it
    }
}

}  // namespace mptcp::dbus
