#include "connection_storm.hpp"

#include "mptcp_sockets.hpp"

#include <atomic>
#include <chrono>
#include <exception>
#include <thread>
#include <vector>

namespace mptcp::bench {

StormResult runConnectionStorm(int connections, int threads, double connectionsPerSecond)
{
    using Clock = std::chrono::steady_clock;
    std::vector<std::thread> workers;
    std::exception_ptr failure;
    std::atomic<bool> failed{false};
    const auto start = Clock::now();
    for (int t = 0; t < threads; ++t) {
        const int share = connections / threads + (t < connections % threads ? 1 : 0);
        workers.emplace_back([=, &failure, &failed] {
            try {
                // Each thread its own listener: each accept() is the peer of
                // the connect() just made.
                const auto listener = testing::mptcpListen("127.0.0.1");
                // Paced: connection i of this thread is due at start + i *
                // threads / rate (offset per thread), never earlier.
                const double interval = connectionsPerSecond > 0 ? threads / connectionsPerSecond : 0;
                for (int i = 0; i < share && !failed; ++i) {
                    if (interval > 0) {
                        std::this_thread::sleep_until(
                            start + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>((i + t / double(threads)) * interval)));
                    }
                    const auto c = testing::mptcpConnect(listener, "127.0.0.1");
                    testing::exchangeData(c);
                }
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
    if (failure) {
        std::rethrow_exception(failure);
    }
    return {connections, std::chrono::duration<double>(Clock::now() - start).count()};
}

}  // namespace mptcp::bench
