#include "event_signals.hpp"

#include "event_info.hpp"
#include "path_manager_adaptor.hpp"

#include <poll.h>

namespace mptcp::dbus {

namespace {
constexpr const char* kInterface = kPathManagerInterface;
}

BusEventSignals::BusEventSignals(sdbus::IObject& object, sdbus::IConnection& bus, InterfaceNames& names)
    : object_(object),
      bus_(bus),
      names_(names),
      busDriver_(sdbus::createProxy(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus"))
{
}

// A signal with a destination: the bus delivers it to that peer only,
// whatever match rules anyone else has added.
sdbus::Signal BusEventSignals::signalTo(const std::string& to, const char* member)
{
    sdbus::Signal signal = object_.createSignal(kInterface, member);
    signal.setDestination(to);
    return signal;
}

void BusEventSignals::event(const std::string& to, const PmEvent& e)
{
    sdbus::Signal signal = signalTo(to, eventSignalName(e.type));
    if (!isKnownEventType(e.type) || signalHasToken(e.type)) {
        signal << eventTokenArgument(e);
    }
    appendEventInfo(signal, e, names_);
    object_.emitSignal(signal);
    queued();
}

void BusEventSignals::addToBatch(const std::string& to, const PmEvent& e)
{
    auto it = batches_.find(to);
    if (it == batches_.end()) {
        sdbus::Signal batch = signalTo(to, "EventBatch");
        batch.openContainer("(sua{sv})");
        it = batches_.emplace(to, std::move(batch)).first;
    }
    sdbus::Signal& batch = it->second;
    try {
        batch.openStruct("sua{sv}");
        batch << eventSignalName(e.type) << eventTokenArgument(e);
        appendEventInfo(batch, e, names_);
        batch.closeStruct();
    } catch (...) {
        // A half-written entry spoils the message: the whole batch goes,
        // and the monitor counts its events as lost.
        batches_.erase(it);
        throw;
    }
}

void BusEventSignals::sendBatch(const std::string& to)
{
    const auto it = batches_.find(to);
    if (it == batches_.end()) {
        return;
    }
    sdbus::Signal batch = std::move(it->second);
    batches_.erase(it);
    batch.closeContainer();
    object_.emitSignal(batch);
    queued();
}

void BusEventSignals::dropBatch(const std::string& to)
{
    batches_.erase(to);
}

void BusEventSignals::eventsLost(const std::string& to, std::uint64_t count)
{
    sdbus::Signal signal = signalTo(to, "EventsLost");
    signal << count;
    object_.emitSignal(signal);
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
