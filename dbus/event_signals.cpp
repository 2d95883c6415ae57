#include "event_signals.hpp"

#include "event_info.hpp"
#include "path_manager_adaptor.hpp"

#include <poll.h>

namespace mptcp::dbus {

namespace {
constexpr const char* kInterface = kPathManagerInterface;
}

BusEventSignals::~BusEventSignals()
{
    sd_bus_slot_unref(ping_);
}

// A signal with a destination: the bus delivers it to that peer only,
// whatever match rules anyone else has added.
MessageRef BusEventSignals::signalTo(const std::string& to, const char* member)
{
    sd_bus_message* raw = nullptr;
    msg::check(sd_bus_message_new_signal(bus_, &raw, kObjectPath, kInterface, member), "create a signal");
    MessageRef signal = MessageRef::adopt(raw);
    msg::check(sd_bus_message_set_destination(signal.get(), to.c_str()), "address a signal");
    return signal;
}

void BusEventSignals::send(const MessageRef& signal)
{
    msg::check(sd_bus_send(bus_, signal.get(), nullptr), "send a signal");
    queued();
}

void BusEventSignals::event(const std::string& to, const PmEvent& e)
{
    const MessageRef signal = signalTo(to, eventSignalName(e.type));
    if (!isKnownEventType(e.type) || signalHasToken(e.type)) {
        const std::uint32_t token = eventTokenArgument(e);
        msg::check(sd_bus_message_append_basic(signal.get(), SD_BUS_TYPE_UINT32, &token), "write a signal");
    }
    appendEventInfo(signal.get(), e, names_);
    send(signal);
}

void BusEventSignals::addToBatch(const std::string& to, const PmEvent& e)
{
    auto it = batches_.find(to);
    if (it == batches_.end()) {
        MessageRef batch = signalTo(to, "EventBatch");
        msg::check(sd_bus_message_open_container(batch.get(), SD_BUS_TYPE_ARRAY, "(sua{sv})"), "start a batch");
        it = batches_.emplace(to, std::move(batch)).first;
    }
    sd_bus_message* m = it->second.get();
    try {
        const std::uint32_t token = eventTokenArgument(e);
        msg::check(sd_bus_message_open_container(m, SD_BUS_TYPE_STRUCT, "sua{sv}"), "write a batch");
        msg::check(sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, eventSignalName(e.type)), "write a batch");
        msg::check(sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT32, &token), "write a batch");
        appendEventInfo(m, e, names_);
        msg::check(sd_bus_message_close_container(m), "write a batch");
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
    const MessageRef batch = std::move(it->second);
    batches_.erase(it);
    msg::check(sd_bus_message_close_container(batch.get()), "finish a batch");
    send(batch);
}

void BusEventSignals::dropBatch(const std::string& to)
{
    batches_.erase(to);
}

void BusEventSignals::eventsLost(const std::string& to, std::uint64_t count)
{
    const MessageRef signal = signalTo(to, "EventsLost");
    msg::check(sd_bus_message_append_basic(signal.get(), SD_BUS_TYPE_UINT64, &count), "write a signal");
    send(signal);
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
    const int r =
        sd_bus_call_method_async(bus_, &ping_, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                 "GetId", &BusEventSignals::onPingAnswered, this, nullptr);
    if (r < 0) {
        ping_ = nullptr;
        window_.forgetQueued();  // no answer will come: do not wait for one
    }
}

// Runs in the event loop (sd_bus_process); any answer, an error too, was
// sent in order.
int BusEventSignals::onPingAnswered(sd_bus_message*, void* self, sd_bus_error*)
{
    auto& signals = *static_cast<BusEventSignals*>(self);
    signals.ping_ = sd_bus_slot_unref(signals.ping_);
    signals.window_.pingAnswered();
    if (signals.window_.pingDue()) {
        signals.ping();
    }
    return 1;
}

// sd-bus writes a message at once when it can and queues it only when the
// socket to the bus is full; it then asks for POLLOUT (sd_bus_get_events)
// until the queue has drained: the one backlog that grows without limit.
bool BusEventSignals::backlogged()
{
    if (window_.full()) {
        return true;
    }
    const int events = sd_bus_get_events(bus_);
    return events < 0 || (events & POLLOUT) != 0;  // a broken bus takes nothing
}

}  // namespace mptcp::dbus
