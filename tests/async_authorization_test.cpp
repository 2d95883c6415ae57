// The daemon never waits for polkit (the contract's "Authorization,
// refined"), as users meet it: the real daemon on a private bus, the tests'
// own polkit (polkit-stub) that can hold a check as polkitd does while a
// password dialog is open, and callers connected as nobody and as root.
// - While one caller's check is held, everyone else is served: reads,
//   root's changes, property writes, a managed interface's new address.
// - A caller that leaves the bus while its check is pending gets nothing
//   done, even when polkit says yes afterwards, and its check is cancelled.
// - A challenge for a caller that did not allow interaction is the standard
//   InteractiveAuthorizationRequired.
// - A check that polkit does not answer within the daemon's limit is
//   cancelled and refused, saying so.
#include "bus_harness.hpp"
#include "polkit_stub.hpp"
#include "raw_bus.hpp"
#include "unprivileged_connection.hpp"

#include <gtest/gtest.h>
#include <sdbus-c++/sdbus-c++.h>
#include <systemd/sd-bus.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace mptcp::test {
namespace {

constexpr const char* kModify = "org.mptcp.PathManager.modify";
constexpr const char* kAccessDenied = "org.freedesktop.DBus.Error.AccessDenied";
constexpr const char* kInteractiveRequired = "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired";

// What a call returned: "ok" or "ErrorName: message".
template <typename Fn>
std::string outcome(Fn&& fn)
{
    try {
        fn();
        return "ok";
    } catch (const sdbus::Error& e) {
        return e.getName() + ": " + e.getMessage();
    }
}

class AsyncAuthorizationTest : public BusTest {
protected:
    explicit AsyncAuthorizationTest(BusOptions options = {}) : BusTest(std::move(options)) {}

    void SetUp() override
    {
        BusTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        if (const std::string obstacle = polkitStubObstacle(); !obstacle.empty()) {
            GTEST_FAIL() << obstacle;
        }
        stub_ = std::make_unique<PolkitStub>(bus_.busAddress());
        // Root sets the scene: one endpoint (id 1).
        pm().AddEndpoint("10.0.0.1", 0, "", 1, {"subflow"});
        nobodyConnection_ = connectAs(kNobody, kNogroup, bus_.busAddress());
        nobody_ = std::make_unique<PathManagerClient>(*nobodyConnection_);
    }

    void TearDown() override
    {
        nobody_.reset();
        nobodyConnection_.reset();
        stub_.reset();
        BusTest::TearDown();
    }

    bool endpointListed(const std::string& address)
    {
        for (const auto& ep : pm().ListEndpoints()) {
            if (ep.get<1>() == address) {
                return true;
            }
        }
        return false;
    }

    std::unique_ptr<PolkitStub> stub_;
    std::unique_ptr<sdbus::IConnection> nobodyConnection_;
    std::unique_ptr<PathManagerClient> nobody_;
};

TEST_F(AsyncAuthorizationTest, EveryoneElseIsServedWhileOneCheckIsHeld)
{
    stub_->setAnswer("hold");
    // nobody's AddEndpoint waits for polkit (a password dialog, say).
    auto held = std::async(std::launch::async, [&] {
        return outcome([&] { EXPECT_EQ(nobody_->AddEndpoint("10.0.0.5", 0, "", 5, {"subflow"}), 5u); });
    });
    ASSERT_TRUE(stub_->waitForHeld(1, kEventTimeout)) << "the daemon never asked polkit";

    // Meanwhile: reads by root and by another unprivileged client...
    EXPECT_EQ(pm().ListEndpoints().size(), 1u);
    auto otherConnection = connectAs(kNobody, kNogroup, bus_.busAddress());
    PathManagerClient other(*otherConnection);
    EXPECT_EQ(other.GetLimits(), pm().GetLimits());
    EXPECT_EQ(other.ListEndpoints().size(), 1u);
    // ... and root's changes, methods and property writes, are carried out.
    EXPECT_EQ(pm().AddEndpoint("10.0.0.2", 0, "", 2, {"subflow"}), 2u);
    pm().SubflowsLimit(3);
    EXPECT_EQ(inNamespace("ip mptcp limits show"), "add_addr_accepted 0 subflows 3 \n");
    // ... and a managed interface's new address gets its endpoint.
    inNamespace("ip link add mpt0 type veth peer name mpt1 && ip link set mpt0 up && ip link set mpt1 up");
    pm().ManageInterface("mpt0", {"subflow"}, {});
    inNamespace("ip addr add 192.0.2.20/24 dev mpt0");
    const auto deadline = std::chrono::steady_clock::now() + kEventTimeout;
    while (!endpointListed("192.0.2.20") && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(endpointListed("192.0.2.20")) << "no endpoint for a managed interface's new address";
    EXPECT_EQ(held.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
        << "the held call was answered before polkit decided";
    EXPECT_FALSE(endpointListed("10.0.0.5"));

    // polkit says yes: the held call is carried out and answered.
    const auto ids = stub_->held();
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_TRUE(stub_->release(ids[0], "yes"));
    EXPECT_EQ(held.get(), "ok");
    EXPECT_TRUE(endpointListed("10.0.0.5"));

    // polkit was asked about nobody's bus name, for the modify action,
    // without interaction (the proxy did not allow it).
    const auto checks = stub_->checks();
    ASSERT_EQ(checks.size(), 1u);
    EXPECT_EQ(checks[0].busName, nobodyConnection_->getUniqueName());
    EXPECT_EQ(checks[0].action, kModify);
    EXPECT_EQ(checks[0].flags, 0u);
    EXPECT_EQ(checks[0].cancellationId, ids[0]);
}

TEST_F(AsyncAuthorizationTest, ACallerThatLeavesGetsNothingDoneAndItsCheckIsCancelled)
{
    stub_->setAnswer("hold");
    {
        auto leaver = connectAs(kNobody, kNogroup, bus_.busAddress());
        auto proxy = sdbus::createProxy(*leaver, kBusName, kObjectPath);
        // Sent at once; the reply would never be read.
        proxy->callMethodAsync("AddEndpoint")
            .onInterface(kInterface)
            .withArguments(std::string("10.0.0.6"), std::uint16_t{0}, std::string(), std::uint32_t{6},
                           std::vector<std::string>{"subflow"})
            .uponReplyInvoke([](const sdbus::Error*, std::uint32_t) {});
        ASSERT_TRUE(stub_->waitForHeld(1, kEventTimeout)) << "the daemon never asked polkit";
    }  // the caller leaves the bus
    const auto ids = stub_->held();
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_TRUE(stub_->waitForCancellation(ids[0], kEventTimeout)) << "the check was not cancelled";
    // polkit says yes anyway, late. The bus delivers that answer to the
    // daemon before root's next call, so the list below comes after it.
    EXPECT_TRUE(stub_->release(ids[0], "yes"));
    EXPECT_FALSE(endpointListed("10.0.0.6")) << "a change was made for a caller that had left";
    EXPECT_EQ(inNamespace("ip mptcp endpoint show | grep -c 10.0.0.6 || true"), "0\n");
    EXPECT_NE(bus_.logs().find("nothing done"), std::string::npos) << bus_.logs();
}

// A call with or without ALLOW_INTERACTIVE_AUTHORIZATION, on the
// connection's sd_bus (sdbus-c++ 1.2 has no setter for the flag).
std::string setSubflowsLimitAs(sd_bus* bus, bool interactive, std::uint32_t value)
{
    sd_bus_message* call = nullptr;
    if (sd_bus_message_new_method_call(bus, &call, kBusName, kObjectPath, kInterface, "SetLimits") < 0 ||
        sd_bus_message_append(call, "uu", value, value) < 0 ||
        sd_bus_message_set_allow_interactive_authorization(call, interactive ? 1 : 0) < 0) {
        sd_bus_message_unref(call);
        return "cannot build the call";
    }
    sd_bus_error error = SD_BUS_ERROR_NULL;
    const int r = sd_bus_call(bus, call, 0, &error, nullptr);
    sd_bus_message_unref(call);
    std::string result =
        r >= 0 ? "ok" : std::string(error.name ? error.name : "?") + ": " + (error.message ? error.message : "");
    sd_bus_error_free(&error);
    return result;
}

TEST_F(AsyncAuthorizationTest, AChallengeWithoutInteractionIsInteractiveAuthorizationRequired)
{
    // polkit would ask for a password, had the caller allowed it.
    stub_->setAnswer("yes-if-interactive");
    const std::string before = inNamespace("ip mptcp endpoint show; ip mptcp limits show");
    const std::string method = outcome([&] { nobody_->AddEndpoint("10.0.0.7", 0, "", 7, {"subflow"}); });
    EXPECT_EQ(method.substr(0, method.find(':')), kInteractiveRequired) << method;
    EXPECT_NE(method.find("authentication is required"), std::string::npos) << method;
    const std::string property = outcome([&] { nobody_->SubflowsLimit(4); });
    EXPECT_EQ(property.substr(0, property.find(':')), kInteractiveRequired) << property;
    EXPECT_EQ(inNamespace("ip mptcp endpoint show; ip mptcp limits show"), before);

    // Allowing interaction, the same caller gets through (the stub's user
    // typed the password), and polkit saw the flag.
    mptcp::dbus::RawBus raw(*nobodyConnection_);
    EXPECT_EQ(setSubflowsLimitAs(raw.get(), true, 4), "ok");
    EXPECT_EQ(inNamespace("ip mptcp limits show"), "add_addr_accepted 4 subflows 4 \n");
    const auto checks = stub_->checks();
    ASSERT_EQ(checks.size(), 3u);
    EXPECT_EQ(checks[0].flags, 0u);
    EXPECT_EQ(checks[1].flags, 0u);
    EXPECT_EQ(checks[2].flags, 1u);
}

TEST_F(AsyncAuthorizationTest, EveryChangeOfAnotherActionOrADismissedDialogIsDenied)
{
    stub_->setAnswer("yes", "org.mptcp.PathManager.control-connections");
    EXPECT_EQ(outcome([&] { nobody_->FlushEndpoints(); }).substr(0, std::string_view(kAccessDenied).size()),
              kAccessDenied);
    stub_->setAnswer("dismissed");
    const std::string dismissed = outcome([&] { nobody_->Enabled(false); });
    EXPECT_NE(dismissed.find("authentication was dismissed"), std::string::npos) << dismissed;
    EXPECT_EQ(inNamespace("cat /proc/sys/net/mptcp/enabled"), "1\n");
    EXPECT_TRUE(endpointListed("10.0.0.1"));
}

// The daemon's limits shortened, so that a check runs out of time quickly.
class AuthorizationTimeLimitTest : public AsyncAuthorizationTest {
protected:
    AuthorizationTimeLimitTest()
        : AsyncAuthorizationTest(BusOptions{.daemonArgs = {"--polkit-timeout=1", "--polkit-interactive-timeout=1.5"}})
    {
    }
};

TEST_F(AuthorizationTimeLimitTest, ACheckPolkitDoesNotAnswerInTimeIsCancelledAndRefused)
{
    stub_->setAnswer("hold");
    const std::string result = outcome([&] { nobody_->AddEndpoint("10.0.0.8", 0, "", 8, {"subflow"}); });
    EXPECT_EQ(result.substr(0, result.find(':')), kAccessDenied) << result;
    EXPECT_NE(result.find("polkit did not answer within 1 s"), std::string::npos) << result;
    const auto checks = stub_->checks();
    ASSERT_EQ(checks.size(), 1u);
    EXPECT_TRUE(stub_->waitForCancellation(checks[0].cancellationId, kEventTimeout));
    EXPECT_FALSE(endpointListed("10.0.0.8"));

    // An interactive check has a limit of its own.
    mptcp::dbus::RawBus raw(*nobodyConnection_);
    const std::string interactive = setSubflowsLimitAs(raw.get(), true, 5);
    EXPECT_NE(interactive.find("polkit did not answer within 1500 ms"), std::string::npos) << interactive;
    EXPECT_EQ(inNamespace("ip mptcp limits show"), "add_addr_accepted 0 subflows 2 \n");
}

}  // namespace
}  // namespace mptcp::test
