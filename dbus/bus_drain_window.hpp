// Flow control of the monitor's signals against the bus daemon.
//
// sd-bus queues in our memory only what the socket to the bus cannot take;
// but dbus-daemon reads that socket eagerly, into its own memory (up to
// max_incoming_bytes, 127 MB by default), and routes what it read in order.
// A method reply we send after ten thousand signals waits behind all of
// them there: the socket never looks full, yet a call takes hundreds of
// milliseconds. So the monitor counts what it has queued and, every so
// often, pings the bus (an asynchronous call to the bus driver): the bus
// answers in order, after it has routed everything queued before the ping.
// While more than `window` signals are not known to be through, the
// monitor reads no more kernel events; the kernel keeps them, or drops
// them and says so (EventsLost). Pure bookkeeping: BusEventSignals sends
// the pings.
#pragma once

#include <cstdint>

namespace mptcp::dbus {

class BusDrainWindow {
public:
    // At most `window` signals on their way through the bus; a ping after
    // every `pingEvery` of them (less than window, so that one is always
    // out when the window fills).
    BusDrainWindow(std::uint64_t window, std::uint64_t pingEvery);

    // One more signal queued.
    void signalQueued() { ++queued_; }
    // Whether to send a ping now: none is out, and enough were queued
    // since the last answer.
    bool pingDue() const;
    // A ping went out after everything queued so far.
    void pingSent();
    // The bus answered the ping (with anything: an error reply too is
    // sent in order): everything before it is through.
    void pingAnswered();
    // A ping could not be sent: stop counting what came before, rather
    // than waiting for an answer that will not come.
    void forgetQueued();

    bool full() const { return queued_ - drained_ >= window_; }
    std::uint64_t inFlight() const { return queued_ - drained_; }

private:
    std::uint64_t window_;
    std::uint64_t pingEvery_;
    std::uint64_t queued_ = 0;
    std::uint64_t drained_ = 0;
    std::uint64_t pingMark_ = 0;  // queued_ when the outstanding ping went out
    bool pingOutstanding_ = false;
};

}  // namespace mptcp::dbus
