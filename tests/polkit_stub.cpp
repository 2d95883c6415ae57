#include "polkit_stub.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace mptcp::test {
namespace {

constexpr const char* kControl = "org.mptcp.Test.PolkitStub";

std::string stubBinary()
{
    const char* path = std::getenv("MPTCP_POLKIT_STUB");
    return path != nullptr ? path : "";
}

template <typename Pred>
bool waitUntil(Pred&& pred, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (pred()) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

}  // namespace

std::string polkitStubObstacle()
{
    const std::string path = stubBinary();
    if (path.empty() || access(path.c_str(), X_OK) != 0) {
        return "MPTCP_POLKIT_STUB does not name the polkit-stub binary (run the test through `meson test`)";
    }
    return "";
}

PolkitStub::PolkitStub(const std::string& busAddress)
    : process_(busAddress, {stubBinary()}),
      connection_(sdbus::createSessionBusConnectionWithAddress(busAddress)),
      control_(sdbus::createProxy(*connection_, kPolkitBusName, kPolkitObjectPath))
{
}

PolkitStub::~PolkitStub()
{
    control_.reset();
    connection_.reset();
    process_.stop();
}

void PolkitStub::setAnswer(const std::string& answer, const std::string& action)
{
    control_->callMethod("SetAnswer").onInterface(kControl).withArguments(action, answer);
}

std::vector<PolkitStub::Check> PolkitStub::checks()
{
    std::vector<sdbus::Struct<std::string, std::string, std::uint32_t, std::string>> raw;
    control_->callMethod("Checks").onInterface(kControl).storeResultsTo(raw);
    std::vector<Check> out;
    for (const auto& c : raw) {
        out.push_back({c.get<0>(), c.get<1>(), c.get<2>(), c.get<3>()});
    }
    return out;
}

std::vector<std::string> PolkitStub::cancellations()
{
    std::vector<std::string> ids;
    control_->callMethod("Cancellations").onInterface(kControl).storeResultsTo(ids);
    return ids;
}

std::vector<std::string> PolkitStub::held()
{
    std::vector<std::string> ids;
    control_->callMethod("Held").onInterface(kControl).storeResultsTo(ids);
    return ids;
}

bool PolkitStub::release(const std::string& cancellationId, const std::string& answer)
{
    bool released = false;
    control_->callMethod("Release")
        .onInterface(kControl)
        .withArguments(cancellationId, answer)
        .storeResultsTo(released);
    return released;
}

bool PolkitStub::waitForHeld(std::size_t count, std::chrono::milliseconds timeout)
{
    return waitUntil([&] { return held().size() >= count; }, timeout);
}

bool PolkitStub::waitForCancellation(const std::string& cancellationId, std::chrono::milliseconds timeout)
{
    return waitUntil(
        [&] {
            const auto ids = cancellations();
            return std::find(ids.begin(), ids.end(), cancellationId) != ids.end();
        },
        timeout);
}

}  // namespace mptcp::test
