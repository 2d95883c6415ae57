// Where the monitor's events go: the contract's monitor signals, each sent
// to one subscriber's unique name (unicast), never broadcast. A port, so the
// monitor's rules are unit-tested without a bus; BusEventSignals is the
// sd-bus implementation.
#pragma once

#include "bus_drain_window.hpp"
#include "event_decoder.hpp"
#include "interface_names.hpp"

#include "bus_message.hpp"

#include <systemd/sd-bus.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace mptcp::dbus {

class EventSignals {
public:
    virtual ~EventSignals() = default;
    // Queue the event's own signal (ConnectionCreated, ...) for `to`.
    // Throw when it cannot be queued.
    virtual void event(const std::string& to, const PmEvent& event) = 0;
    // Add the event to the EventBatch being filled for `to` (starting one
    // when none is). Throw when it cannot be added: the batch being filled
    // is then gone, with the events already in it.
    virtual void addToBatch(const std::string& to, const PmEvent& event) = 0;
    // Queue the EventBatch being filled for `to`, if any. Throw when it
    // cannot be queued (the batch is then gone too).
    virtual void sendBatch(const std::string& to) = 0;
    // Forget the EventBatch being filled for `to`: the subscriber left.
    virtual void dropBatch(const std::string& to) = 0;
    virtual void eventsLost(const std::string& to, std::uint64_t count) = 0;
    // True while signals already queued wait for the bus to take them: the
    // monitor then stops reading the kernel (which drops what it cannot
    // queue, and says so) instead of piling signals up in memory.
    virtual bool backlogged() = 0;
};

// Backlogged while sd-bus holds signals the socket did not take, or while
// too many are still on their way through the bus daemon (see
// BusDrainWindow): either way, reading the kernel faster would only pile
// signals up, ours or the bus's, and delay every method reply behind them.
class BusEventSignals final : public EventSignals {
public:
    // At most this many signals between us and the bus's routing, pinging
    // the bus after every kPingEvery: at the bus's ~50k signals/s a method
    // reply waits a few ms behind them. A larger window bought no
    // throughput in an event storm (measured: 128 and 512 alike).
    static constexpr std::uint64_t kWindow = 128;
    static constexpr std::uint64_t kPingEvery = 32;

    // bus: the daemon's connection (RawBus).
    BusEventSignals(sd_bus* bus, InterfaceNames& names) : bus_(bus), names_(names) {}
    ~BusEventSignals() override;
    BusEventSignals(const BusEventSignals&) = delete;
    BusEventSignals& operator=(const BusEventSignals&) = delete;

    void event(const std::string& to, const PmEvent& event) override;
    void addToBatch(const std::string& to, const PmEvent& event) override;
    void sendBatch(const std::string& to) override;
    void dropBatch(const std::string& to) override;
    void eventsLost(const std::string& to, std::uint64_t count) override;
    bool backlogged() override;

private:
    MessageRef signalTo(const std::string& to, const char* member);
    void send(const MessageRef& signal);
    void queued();
    void ping();
    static int onPingAnswered(sd_bus_message* reply, void* self, sd_bus_error* error);

    sd_bus* bus_;
    InterfaceNames& names_;
    // Per batched subscriber: the EventBatch message being filled, its
    // array still open. Built in place, event by event: no copy of the
    // events waits anywhere else.
    std::map<std::string, MessageRef, std::less<>> batches_;
    BusDrainWindow window_{kWindow, kPingEvery};
    // The ping on its way, if any; its callback points at this object.
    sd_bus_slot* ping_ = nullptr;
};

}  // namespace mptcp::dbus
