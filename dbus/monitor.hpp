// The monitor half of the contract: Subscribe, SubscribeBatched and
// Unsubscribe, and the kernel's MPTCP events passed on to each subscriber.
//
// - The kernel's events group is joined only while at least one bus peer is
//   subscribed (or always, with --always-monitor): a busy MPTCP server does
//   not pay for events nobody reads. Subscribers are unique bus names, a
//   set: Subscribe twice is one subscription; subscribing again with the
//   other kind (or other batch options) changes the subscription. A peer
//   that leaves the bus is dropped (peerVanished(), fed by PeerTracker).
// - Signals go to each subscriber by its unique name (unicast), never
//   broadcast: a peer that did not subscribe gets none, and with nobody
//   subscribed no event is even decoded.
// - A batched subscriber gets EventBatch signals: the events in kernel
//   order, a batch sent when it holds max-events or when its first event
//   has waited max-delay-ms (BatchTimer). One message per batch instead of
//   one per event is what lets a subscriber keep up with the kernel: the
//   bus's cost per message dominates.
// - No silent loss, bounded memory: the kernel socket is read only while
//   the bus takes the signals (EventSignals::backlogged()), a bounded batch
//   per wakeup so that method calls are served during a storm. What the
//   kernel cannot queue meanwhile it drops and reports; that becomes
//   EventsLost (after the events read before the drop, a batch being filled
//   sent first), and reading goes on.
#pragma once

#include "batch_options.hpp"
#include "batch_timer.hpp"
#include "event_signals.hpp"
#include "event_socket.hpp"
#include "service_ports.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace mptcp::dbus {

class Monitor final : public MonitorControl {
public:
    struct Options {
        // Join at once and stay joined, subscribers or not.
        bool always = false;
        // Events read per wakeup of the event loop, at most.
        std::size_t batch = 64;
        // For max-delay-ms; without one, a batched subscriber's batch is
        // sent at the end of every wakeup that added to it.
        BatchTimer* timer = nullptr;
        // Events held in all open batches together, at most: reaching it
        // sends them all at once. Each subscriber chooses its max-events,
        // and any local user may subscribe from many connections; this
        // keeps the daemon's memory bounded whatever they choose (an event
        // takes about 250 bytes in a batch).
        std::size_t batchBudget = 16384;
    };

    // source may be null: a kernel without the events group; Subscribe
    // then answers NotSupported. With options.always, joins at once and
    // throws PmError when the kernel refuses.
    Monitor(EventSource* source, EventSignals& signals, std::uint16_t familyId, Options options);
    Monitor(EventSource* source, EventSignals& signals, std::uint16_t familyId)
        : Monitor(source, signals, familyId, Options{})
    {
    }

    // MonitorControl. subscribe() and subscribeBatched() throw PmError when
    // the group cannot be joined (and then record nothing); unsubscribe()
    // of a name that is not subscribed does nothing.
    void subscribe(const std::string& sender) override;
    void subscribeBatched(const std::string& sender, const BatchOptions& options) override;
    void unsubscribe(const std::string& sender) override;

    // A peer left the bus: the same as its Unsubscribe.
    void peerVanished(const std::string& uniqueName);

    // Holds the kernel subscription without anyone subscribed (the
    // userspace path manager needs a listener, see userspace_service.hpp):
    // the group stays joined and the socket drained, but no signal is sent
    // for nobody. hold(true) throws PmError when the group cannot be joined.
    void hold(bool on);
    bool held() const { return held_; }

    // For the event loop: the fd to poll (-1 without a source), whether to
    // poll it now, and what to do when it is readable. onReadable() never
    // throws.
    int fd() const;
    bool wantsInput();
    void onReadable();
    // The BatchTimer rang: send the batches that are due. Never throws.
    void onTimer();

    bool listening() const { return joined_; }
    std::size_t subscriberCount() const { return subscribers_.size(); }

private:
    struct Subscription {
        std::optional<BatchOptions> batch;  // none: one signal per event
        std::size_t inBatch = 0;            // events in the batch being filled
        BatchTimer::Clock::time_point due{};
        std::uint64_t lost = 0;    // lost events not yet in an EventsLost
        bool lostUnknown = false;  // ... some of them uncounted: report 0
    };
    using Subscribers = std::map<std::string, Subscription, std::less<>>;

    void add(const std::string& sender, std::optional<BatchOptions> batch);
    void startListening();
    void stopListening();
    void pass(const std::uint8_t* data, std::size_t size);
    void deliver(const std::string& to, Subscription& s, const PmEvent& event);
    void sendBatch(const std::string& to, Subscription& s);
    // s's batch is gone (sent, dropped or failed): its events leave the budget.
    void batchClosed(Subscription& s);
    void batchOpened(Subscription& s);
    void armTimer();
    // The kernel's queue has run dry after an overrun: the events it
    // dropped belong exactly here, between what it had queued and what
    // comes next.
    void reportOverrun();
    void flushLost();
    // EventsLost for what `s` lost so far; kept for later when it fails.
    void sendLost(const std::string& to, Subscription& s);
    void malformed(const std::string& what);

    EventSource* source_;
    EventSignals& signals_;
    std::uint16_t familyId_;
    Options options_;
    Subscribers subscribers_;
    bool joined_ = false;
    bool held_ = false;
    std::optional<BatchTimer::Clock::time_point> armedFor_;
    std::size_t inBatches_ = 0;  // events in all open batches (batchBudget)

    bool overrun_ = false;             // an Overrun not yet reported
    std::uint64_t dropsReported_ = 0;  // the source's cumulative drops, as far as reported
    // For the log's rate limit.
    std::uint64_t malformedCount_ = 0;
    std::uint64_t readFailures_ = 0;
    std::uint64_t signalFailures_ = 0;
    std::uint64_t lostSignalFailures_ = 0;

    // Not zeroed: only what the kernel writes is read (resident pages). On
    // the heap, not in the object: the daemon's Monitor lives in main's
    // stack frame, and a deeper frame pushes every call below it onto stack
    // pages of their own.
    static constexpr std::size_t kBufferSize = 8192;
    std::unique_ptr<std::uint8_t[]> buffer_ = std::make_unique_for_overwrite<std::uint8_t[]>(kBufferSize);
};

}  // namespace mptcp::dbus
