#include "monitor.hpp"

#include "daemon_log.hpp"
#include "journal_log.hpp"
#include "pm_error.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>

namespace mptcp::dbus {
namespace {

// A kernel (or a bug) that sends one bad event sends thousands: say what
// the first few were, then only every thousandth.
bool worthLogging(std::uint64_t nth)
{
    return nth <= 5 || nth % 1000 == 0;
}

// What leaving the group discards at most: more than the receive buffer
// can hold, so it always ends before this in practice.
constexpr std::size_t kMaxDiscard = 1u << 20;

}  // namespace

Monitor::Monitor(EventSource* source, EventSignals& signals, std::uint16_t familyId, Options options)
    : source_(source), signals_(signals), familyId_(familyId), options_(options)
{
    if (options_.batch == 0) {
        options_.batch = 1;
    }
    if (options_.always) {
        startListening();
    }
}

void Monitor::subscribe(const std::string& sender)
{
    add(sender, std::nullopt);
}

void Monitor::subscribeBatched(const std::string& sender, const BatchOptions& options)
{
    add(sender, options);
}

void Monitor::add(const std::string& sender, std::optional<BatchOptions> batch)
{
    if (!joined_) {
        startListening();  // throws: then nobody is recorded as subscribed
    }
    const auto [it, added] = subscribers_.try_emplace(sender);
    Subscription& s = it->second;
    if (!added && s.batch != batch) {
        // A new kind or new options from now on; what the old batch holds
        // goes out first, so that the change loses nothing.
        sendBatch(sender, s);
    }
    s.batch = batch;
}

void Monitor::unsubscribe(const std::string& sender)
{
    const auto it = subscribers_.find(sender);
    if (it != subscribers_.end()) {
        // The subscriber asked to stop: what its batch holds is not sent.
        if (it->second.inBatch > 0) {
            signals_.dropBatch(sender);
            batchClosed(it->second);
        }
        subscribers_.erase(it);
    }
    if (subscribers_.empty() && !options_.always && !held_ && joined_) {
        stopListening();
    }
}

void Monitor::hold(bool on)
{
    if (on && !joined_) {
        startListening();  // throws: then nothing is held
    }
    held_ = on;
    if (!on && subscribers_.empty() && !options_.always && joined_) {
        stopListening();
    }
}

void Monitor::peerVanished(const std::string& uniqueName)
{
    if (subscribers_.count(uniqueName) != 0) {
        unsubscribe(uniqueName);
    }
}

int Monitor::fd() const
{
    return source_ != nullptr ? source_->fd() : -1;
}

bool Monitor::wantsInput()
{
    return joined_ && !signals_.backlogged();
}

void Monitor::startListening()
{
    if (source_ == nullptr) {
        throw PmError(ErrorKind::NotSupported,
                      "this kernel sends no MPTCP events (its mptcp_pm family has no mptcp_pm_events group)");
    }
    source_->join();
    joined_ = true;
    overrun_ = false;
    dropsReported_ = source_->droppedSoFar().value_or(0);
}

void Monitor::stopListening()
{
    source_->leave();
    joined_ = false;
    // What the kernel queued before we left was for subscribers that are
    // gone; a later subscriber must not get it as news.
    try {
        for (std::size_t i = 0; i < kMaxDiscard; ++i) {
            if (source_->read({buffer_.get(), kBufferSize}).status == EventSource::Status::Empty) {
                break;
            }
        }
    } catch (const std::exception& e) {
        daemonLog(std::string("monitor: discarding queued events: ") + e.what(), journal::Priority::Warning);
    }
    overrun_ = false;
}

void Monitor::onReadable()
{
    if (!joined_) {
        return;
    }
    try {
        for (std::size_t i = 0; i < options_.batch; ++i) {
            if (i > 0 && signals_.backlogged()) {
                break;  // the bus is full: leave the rest to the kernel's queue
            }
            const EventSource::Read r = source_->read({buffer_.get(), kBufferSize});
            if (r.status == EventSource::Status::Empty) {
                if (overrun_) {
                    reportOverrun();
                }
                break;
            }
            switch (r.status) {
                case EventSource::Status::Overrun:
                    // Keep reading: what the kernel queued before the drops
                    // comes first, the gap after it (reportOverrun()).
                    overrun_ = true;
                    break;
                case EventSource::Status::Truncated:
                    malformed("an event larger than " + std::to_string(kBufferSize) + " bytes");
                    break;
                case EventSource::Status::Message:
                    pass(buffer_.get(), r.size);
                    break;
                case EventSource::Status::Empty:
                    break;
            }
        }
    } catch (const std::exception& e) {
        if (worthLogging(++readFailures_)) {
            daemonLog(std::string("monitor: reading the kernel's events: ") + e.what(), journal::Priority::Error);
        }
    }
    flushLost();
    // Batches with no time to wait (max-delay-ms 0, or no timer) go now.
    for (auto& [name, s] : subscribers_) {
        if (s.inBatch > 0 && (options_.timer == nullptr || s.batch->maxDelayMs == 0)) {
            sendBatch(name, s);
        }
    }
}

void Monitor::pass(const std::uint8_t* data, std::size_t size)
{
    if (subscribers_.empty()) {
        return;  // held or --always-monitor with nobody listening: drained, no work for nobody
    }
    decodeDatagram({data, size}, familyId_, [this](DecodedEvent&& decoded) {
        if (!decoded.event) {
            malformed(decoded.problem);
            return;
        }
        for (auto& [name, s] : subscribers_) {
            deliver(name, s, *decoded.event);
        }
    });
}

void Monitor::deliver(const std::string& to, Subscription& s, const PmEvent& event)
{
    try {
        if (!s.batch) {
            signals_.event(to, event);
            return;
        }
        signals_.addToBatch(to, event);
    } catch (const std::exception& e) {
        // Not queued: as lost as a kernel drop, and reported the same way;
        // a batch that failed took the events already in it along.
        s.lost += 1 + (s.batch ? s.inBatch : 0);
        batchClosed(s);
        if (worthLogging(++signalFailures_)) {
            daemonLog("monitor: cannot queue an event signal for " + to + ": " + e.what(), journal::Priority::Error);
        }
        sendLost(to, s);  // before the events that follow, if the bus lets us
        return;
    }
    ++inBatches_;
    if (++s.inBatch == 1) {
        batchOpened(s);
    }
    if (s.inBatch >= s.batch->maxEvents) {
        sendBatch(to, s);
    }
    if (inBatches_ >= options_.batchBudget) {
        for (auto& [name, other] : subscribers_) {
            sendBatch(name, other);
        }
    }
}

void Monitor::batchOpened(Subscription& s)
{
    if (options_.timer == nullptr || s.batch->maxDelayMs == 0) {
        return;  // sent at the end of this wakeup (onReadable)
    }
    s.due = options_.timer->now() + std::chrono::milliseconds(s.batch->maxDelayMs);
    if (!armedFor_ || s.due < *armedFor_) {
        armedFor_ = s.due;
        try {
            options_.timer->arm(s.due);
        } catch (const std::exception& e) {
            armedFor_.reset();
            daemonLog(std::string("monitor: cannot arm the batch timer: ") + e.what(), journal::Priority::Error);
        }
    }
}

void Monitor::sendBatch(const std::string& to, Subscription& s)
{
    if (s.inBatch == 0) {
        return;
    }
    const std::size_t events = s.inBatch;
    batchClosed(s);
    try {
        signals_.sendBatch(to);
    } catch (const std::exception& e) {
        s.lost += events;
        if (worthLogging(++signalFailures_)) {
            daemonLog("monitor: cannot queue an EventBatch for " + to + ": " + e.what(), journal::Priority::Error);
        }
        sendLost(to, s);
    }
}

void Monitor::batchClosed(Subscription& s)
{
    inBatches_ -= std::min(inBatches_, s.inBatch);
    s.inBatch = 0;
}

void Monitor::onTimer()
{
    armedFor_.reset();
    if (options_.timer == nullptr) {
        return;
    }
    const auto now = options_.timer->now();
    for (auto& [name, s] : subscribers_) {
        if (s.inBatch > 0 && s.due <= now) {
            sendBatch(name, s);
        }
    }
    armTimer();
}

// Rings for the earliest batch still waiting, if any.
void Monitor::armTimer()
{
    std::optional<BatchTimer::Clock::time_point> next;
    for (const auto& [name, s] : subscribers_) {
        if (s.inBatch > 0 && s.batch && s.batch->maxDelayMs > 0 && (!next || s.due < *next)) {
            next = s.due;
        }
    }
    if (next && options_.timer != nullptr) {
        armedFor_ = next;
        try {
            options_.timer->arm(*next);
        } catch (const std::exception& e) {
            armedFor_.reset();
            daemonLog(std::string("monitor: cannot arm the batch timer: ") + e.what(), journal::Priority::Error);
        }
    }
}

void Monitor::reportOverrun()
{
    overrun_ = false;
    const auto drops = source_->droppedSoFar();
    std::uint64_t count = 0;
    bool unknown = false;
    if (drops && *drops > dropsReported_) {
        count = *drops - dropsReported_;
        dropsReported_ = *drops;
    } else {
        // The kernel said it dropped something and we cannot say how much.
        unknown = true;
        if (drops) {
            dropsReported_ = *drops;
        }
    }
    for (auto& [name, s] : subscribers_) {
        s.lost += count;
        s.lostUnknown |= unknown;
    }
}

void Monitor::flushLost()
{
    for (auto& [name, s] : subscribers_) {
        if (s.lost == 0 && !s.lostUnknown) {
            continue;
        }
        // The events read before the loss come before its EventsLost.
        sendBatch(name, s);
        sendLost(name, s);
    }
}

void Monitor::sendLost(const std::string& to, Subscription& s)
{
    if (s.lost == 0 && !s.lostUnknown) {
        return;
    }
    try {
        signals_.eventsLost(to, s.lostUnknown ? 0 : s.lost);
        s.lost = 0;
        s.lostUnknown = false;
    } catch (const std::exception& e) {
        if (worthLogging(++lostSignalFailures_)) {
            daemonLog("monitor: cannot emit EventsLost for " + to + " (will try again): " + e.what(),
                      journal::Priority::Error);
        }
    }
}

void Monitor::malformed(const std::string& what)
{
    if (worthLogging(++malformedCount_)) {
        daemonLog("monitor: skipped a malformed event (" + std::to_string(malformedCount_) + " so far): " + what,
                  journal::Priority::Warning);
    }
}

}  // namespace mptcp::dbus
