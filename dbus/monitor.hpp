// The monitor half of the contract: Subscribe / Unsubscribe, and the
// kernel's MPTCP events passed on as signals while anyone listens.
//
// - The kernel's events group is joined only while at least one bus peer is
//   subscribed (or always, with --always-monitor): a busy MPTCP server does
//   not pay for events nobody reads. Subscribers are unique bus names, a
//   set: Subscribe twice is one subscription. A peer that leaves the bus is
//   dropped (peerVanished(), fed by PeerTracker).
// - No silent loss, bounded memory: the kernel socket is read only while
//   the bus takes the signals (EventSignals::backlogged()), a bounded batch
//   per wakeup so that method calls are served during a storm. What the
//   kernel cannot queue meanwhile it drops and reports; that becomes
//   EventsLost, and reading goes on.
#pragma once

#include "event_signals.hpp"
#include "event_socket.hpp"
#include "service_ports.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

namespace mptcp::dbus {

class Monitor final : public MonitorControl {
public:
    struct Options {
        // Join at once and stay joined, subscribers or not.
        bool always = false;
        // Events read per wakeup of the event loop, at most.
        std::size_t batch = 64;
    };

    // source may be null: a kernel without the events group; Subscribe
    // then answers NotSupported. With options.always, joins at once and
    // throws PmError when the kernel refuses.
    Monitor(EventSource* source, EventSignals& signals, std::uint16_t familyId, Options options);
    Monitor(EventSource* source, EventSignals& signals, std::uint16_t familyId)
        : Monitor(source, signals, familyId, Options{})
    {
    }

    // MonitorControl. subscribe() throws PmError when the group cannot be
    // joined (and then records nothing); unsubscribe() of a name that is
    // not subscribed does nothing.
    void subscribe(const std::string& sender) override;
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

    bool listening() const { return joined_; }
    std::size_t subscriberCount() const { return subscribers_.size(); }

private:
    void startListening();
    void stopListening();
    void pass(const std::uint8_t* data, std::size_t size);
    // The kernel's queue has run dry after an overrun: the events it
    // dropped belong exactly here, between what it had queued and what
    // comes next.
    void reportOverrun();
    void flushLost();
    void malformed(const std::string& what);

    EventSource* source_;
    EventSignals& signals_;
    std::uint16_t familyId_;
    Options options_;
    std::set<std::string> subscribers_;
    bool joined_ = false;
    bool held_ = false;

    bool overrun_ = false;             // an Overrun not yet reported
    std::uint64_t dropsReported_ = 0;  // the source's cumulative drops, as far as reported
    std::uint64_t lostPending_ = 0;    // lost events not yet in an EventsLost
    bool lostUnknown_ = false;         // ... some of them uncounted: report 0
    // For the log's rate limit.
    std::uint64_t malformedCount_ = 0;
    std::uint64_t readFailures_ = 0;
    std::uint64_t lostSignalFailures_ = 0;

    alignas(4) std::array<std::uint8_t, 8192> buffer_{};
};

}  // namespace mptcp::dbus
