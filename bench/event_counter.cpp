#include "event_counter.hpp"

#include "event_decoder.hpp"

#include <poll.h>

#include <array>

namespace mptcp::bench {
namespace {

// 64 MiB: what the kernel emits in a second of the storm, several times.
constexpr int kReceiveBuffer = 64 * 1024 * 1024;

}  // namespace

EventCounter::EventCounter()
    : transport_(openGenericNetlink()),
      client_(*transport_),
      source_(openEventSocket(client_.eventsGroup().value(), kReceiveBuffer))
{
    source_->join();
    dropsAtStart_ = source_->droppedSoFar().value_or(0);
    thread_ = std::thread([this] { run(); });
}

EventCounter::~EventCounter()
{
    stopping_ = true;
    thread_.join();
}

std::uint64_t EventCounter::dropped()
{
    const auto now = source_->droppedSoFar();
    // Without the kernel's drop count, an overrun still says "some".
    return now ? *now - dropsAtStart_ : overruns_.load();
}

void EventCounter::waitQuiet(std::chrono::milliseconds quiet, std::chrono::milliseconds limit) const
{
    const auto start = std::chrono::steady_clock::now();
    auto lastChange = start;
    std::uint64_t seen = events_;
    while (std::chrono::steady_clock::now() - lastChange < quiet && std::chrono::steady_clock::now() - start < limit) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (const std::uint64_t now = events_; now != seen) {
            seen = now;
            lastChange = std::chrono::steady_clock::now();
        }
    }
}

void EventCounter::run()
{
    alignas(4) std::array<std::uint8_t, 16384> buf{};
    const std::uint16_t family = client_.familyId();
    while (!stopping_) {
        pollfd p{source_->fd(), POLLIN, 0};
        ::poll(&p, 1, 20);
        for (;;) {
            const auto r = source_->read(buf);
            if (r.status == EventSource::Status::Empty) {
                break;
            }
            if (r.status == EventSource::Status::Overrun) {
                ++overruns_;
                continue;
            }
            if (r.status == EventSource::Status::Message) {
                std::uint64_t n = 0;
                decodeDatagram({buf.data(), r.size}, family, [&n](DecodedEvent&&) { ++n; });
                events_ += n;
            }
        }
    }
}

}  // namespace mptcp::bench
