// mptcp-burst: opens and closes many MPTCP connections over loopback in the
// network namespace it runs in, as fast as it can, to make the kernel emit
// an event storm; optionally counts, as a second and independent listener
// of the mptcp_pm_events group, what the kernel emitted. For checking the
// monitor by hand and for the benchmark:
//
//   nsenter --net=/proc/DAEMON_PID/ns/net mptcp-burst -n 2000 --count-events
//
// prints one line: connections=2000 threads=4 seconds=0.31 events=12000
// events_per_second=38710 overruns=0 dropped=0 (dropped: what the kernel
// could not queue for this counter itself; events then is a lower bound).
// Run it only in a namespace of your own: it needs root for the counter,
// and its traffic stays on that namespace's loopback.
#include "event_decoder.hpp"
#include "event_socket.hpp"
#include "mptcp_sockets.hpp"
#include "netlink_transport.hpp"
#include "pm_client.hpp"
#include "pm_protocol.hpp"

#include <poll.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using namespace mptcp;

constexpr const char* kUsage =
    "Usage: mptcp-burst [-n CONNECTIONS] [-j THREADS] [--count-events]\n"
    "Opens and closes CONNECTIONS (default 2000) MPTCP connections over 127.0.0.1\n"
    "in this network namespace, from THREADS threads (default 4), one byte each\n"
    "way. --count-events: count the kernel's MPTCP events with a listener of our\n"
    "own (needs CAP_NET_ADMIN).\n";

// The independent listener: its own socket with a large buffer, read on
// its own thread until told to stop.
class EventCounter {
public:
    EventCounter()
        : transport_(openGenericNetlink()),
          client_(*transport_),
          source_(openEventSocket(client_.eventsGroup().value(), 64 * 1024 * 1024))
    {
        source_->join();
        dropsAtStart_ = source_->droppedSoFar().value_or(0);
        thread_ = std::thread([this] { run(); });
    }
    ~EventCounter() { stop(); }

    // Waits until `closed` CLOSED events came or the kernel was quiet for a
    // while, then stops.
    void finish(std::uint64_t closedExpected)
    {
        auto lastChange = Clock::now();
        std::uint64_t lastSeen = events_;
        while (closed_ < closedExpected && Clock::now() - lastChange < std::chrono::seconds(2)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            if (events_ != lastSeen) {
                lastSeen = events_;
                lastChange = Clock::now();
            }
        }
        stop();
    }

    std::uint64_t events() const { return events_; }
    std::uint64_t overruns() const { return overruns_; }
    std::uint64_t dropped() { return source_->droppedSoFar().value_or(0) - dropsAtStart_; }

private:
    void stop()
    {
        stopping_ = true;
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    void run()
    {
        alignas(4) std::array<std::uint8_t, 8192> buf{};
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
                decodeDatagram({buf.data(), r.size}, client_.familyId(), [this](DecodedEvent&& d) {
                    ++events_;
                    if (d.event && d.event->type == proto::EVENT_CLOSED) {
                        ++closed_;
                    }
                });
            }
        }
    }

    std::unique_ptr<NetlinkTransport> transport_;
    PmClient client_;
    std::unique_ptr<EventSource> source_;
    std::uint64_t dropsAtStart_ = 0;
    std::atomic<std::uint64_t> events_{0}, closed_{0}, overruns_{0};
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

// One thread's share: its own listener, so that each accept() is the peer
// of the connect() just made.
void connections(int count)
{
    const testing::MptcpListener listener = testing::mptcpListen("127.0.0.1");
    for (int i = 0; i < count; ++i) {
        const testing::MptcpConnection c = testing::mptcpConnect(listener, "127.0.0.1");
        testing::exchangeData(c);
    }
}

int parsePositive(const char* text)
{
    char* end = nullptr;
    const long v = std::strtol(text, &end, 10);
    return end != text && *end == '\0' && v > 0 && v <= 1000000 ? static_cast<int>(v) : -1;
}

}  // namespace

int main(int argc, char** argv)
{
    int total = 2000, threads = 4;
    bool count = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if ((arg == "-n" || arg == "-j") && i + 1 < argc) {
            (arg == "-n" ? total : threads) = parsePositive(argv[++i]);
        } else if (arg == "--count-events") {
            count = true;
        } else if (arg == "-h" || arg == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        } else {
            std::fprintf(stderr, "mptcp-burst: unknown argument \"%s\"\n%s", argv[i], kUsage);
            return 2;
        }
    }
    if (total < 0 || threads < 0) {
        std::fprintf(stderr, "mptcp-burst: counts must be whole numbers from 1 to 1000000\n");
        return 2;
    }
    try {
        std::unique_ptr<EventCounter> counter;
        if (count) {
            counter = std::make_unique<EventCounter>();
        }
        const auto start = Clock::now();
        std::vector<std::thread> workers;
        std::exception_ptr failure;
        std::atomic<bool> failed{false};
        for (int t = 0; t < threads; ++t) {
            const int share = total / threads + (t < total % threads ? 1 : 0);
            workers.emplace_back([share, &failure, &failed] {
                try {
                    connections(share);
                } catch (...) {
                    if (!failed.exchange(true)) {
                        failure = std::current_exception();
                    }
                }
            });
        }
        for (auto& w : workers) {
            w.join();
        }
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        if (failure) {
            std::rethrow_exception(failure);
        }
        std::printf("connections=%d threads=%d seconds=%.3f", total, threads, seconds);
        if (counter) {
            // Both ends of every connection report CLOSED.
            counter->finish(2 * static_cast<std::uint64_t>(total));
            const auto events = counter->events();
            std::printf(" events=%llu events_per_second=%.0f overruns=%llu dropped=%llu",
                        static_cast<unsigned long long>(events), static_cast<double>(events) / seconds,
                        static_cast<unsigned long long>(counter->overruns()),
                        static_cast<unsigned long long>(counter->dropped()));
        }
        std::printf("\n");
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mptcp-burst: %s\n", e.what());
        return 1;
    }
}
