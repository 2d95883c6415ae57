#include "monitor.hpp"

#include "journal_log.hpp"
#include "pm_error.hpp"

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
    if (!joined_) {
        startListening();  // throws: then nobody is recorded as subscribed
    }
    subscribers_.insert(sender);
}

void Monitor::unsubscribe(const std::string& sender)
{
    subscribers_.erase(sender);
    if (subscribers_.empty() && !options_.always && joined_) {
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
    lostPending_ = 0;
    lostUnknown_ = false;
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
            if (source_->read(buffer_).status == EventSource::Status::Empty) {
                break;
            }
        }
    } catch (const std::exception& e) {
        journal::logLine(journal::Priority::Warning, "mptcp-pathmanagerd",
                         std::string("monitor: discarding queued events: ") + e.what());
    }
    overrun_ = false;
    lostPending_ = 0;
    lostUnknown_ = false;
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
            const EventSource::Read r = source_->read(buffer_);
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
                    malformed("an event larger than " + std::to_string(buffer_.size()) + " bytes");
                    break;
                case EventSource::Status::Message:
                    pass(buffer_.data(), r.size);
                    break;
                case EventSource::Status::Empty:
                    break;
            }
        }
    } catch (const std::exception& e) {
        if (worthLogging(++readFailures_)) {
            journal::logLine(journal::Priority::Error, "mptcp-pathmanagerd",
                             std::string("monitor: reading the kernel's events: ") + e.what());
        }
    }
    flushLost();
}

void Monitor::pass(const std::uint8_t* data, std::size_t size)
{
    decodeDatagram({data, size}, familyId_, [this](DecodedEvent&& decoded) {
        if (!decoded.event) {
            malformed(decoded.problem);
            return;
        }
        try {
            signals_.event(*decoded.event);
        } catch (const std::exception& e) {
            // Not queued: as lost as a kernel drop, and reported the same way.
            ++lostPending_;
            if (worthLogging(lostPending_)) {
                journal::logLine(journal::Priority::Error, "mptcp-pathmanagerd",
                                 std::string("monitor: cannot emit an event signal: ") + e.what());
            }
        }
    });
}

void Monitor::reportOverrun()
{
    overrun_ = false;
    const auto drops = source_->droppedSoFar();
    if (drops && *drops > dropsReported_) {
        lostPending_ += *drops - dropsReported_;
        dropsReported_ = *drops;
    } else {
        // The kernel said it dropped something and we cannot say how much.
        lostUnknown_ = true;
        if (drops) {
            dropsReported_ = *drops;
        }
    }
}

void Monitor::flushLost()
{
    if (lostPending_ == 0 && !lostUnknown_) {
        return;
    }
    try {
        signals_.eventsLost(lostUnknown_ ? 0 : lostPending_);
        lostPending_ = 0;
        lostUnknown_ = false;
    } catch (const std::exception& e) {
        if (worthLogging(++lostSignalFailures_)) {
            journal::logLine(journal::Priority::Error, "mptcp-pathmanagerd",
                             std::string("monitor: cannot emit EventsLost (will try again): ") + e.what());
        }
    }
}

void Monitor::malformed(const std::string& what)
{
    if (worthLogging(++malformedCount_)) {
        journal::logLine(
            journal::Priority::Warning, "mptcp-pathmanagerd",
            "monitor: skipped a malformed event (" + std::to_string(malformedCount_) + " so far): " + what);
    }
}

}  // namespace mptcp::dbus
