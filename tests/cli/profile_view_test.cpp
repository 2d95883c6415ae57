// What `mptcpctl profile show` prints for a profile: the stored flags and
// the hook's own decision with its reason, as text and as JSON.
#include "profile_view.hpp"

#include <gtest/gtest.h>

namespace {

using mptcp::dispatch::ConnectionSettings;
using mptcp::dispatch::DispatchConfig;
using mptcp::profile::describeJson;
using mptcp::profile::describeText;
using mptcp::profile::viewOf;

ConnectionSettings ethernet(std::optional<std::string> userFlags)
{
    ConnectionSettings c;
    c.id = "office";
    c.uuid = "6d0c5a52-3f6e-4a7e-8f1b-6a7e2f9c0d01";
    c.type = "802-3-ethernet";
    c.userFlags = std::move(userFlags);
    return c;
}

TEST(ProfileView, NothingStoredMeansTheBuiltInDecision)
{
    const auto v = viewOf(ethernet(std::nullopt), "eth0", true, DispatchConfig{});
    EXPECT_EQ(describeJson({v}, false),
              "[{\"name\":\"office\",\"uuid\":\"6d0c5a52-3f6e-4a7e-8f1b-6a7e2f9c0d01\",\"type\":\"802-3-ethernet\","
              "\"device\":\"eth0\",\"active\":true,\"flags\":\"default\",\"decision\":\"manage\","
              "\"decided-flags\":\"subflow\",\"reason\":\"built-in for device type \\\"ethernet\\\"\"}]\n");
}

TEST(ProfileView, StoredFlagsWinAndSaySo)
{
    const auto v = viewOf(ethernet("backup,subflow"), "", false, DispatchConfig{});
    EXPECT_EQ(describeText({v}),
              "office\n"
              "  uuid:      6d0c5a52-3f6e-4a7e-8f1b-6a7e2f9c0d01\n"
              "  type:      802-3-ethernet\n"
              "  device:    (any)\n"
              "  flags:     backup,subflow\n"
              "  the hook:  manage with subflow,backup\n"
              "  because:   from the connection's user data mptcp-pathmanager.flags\n");
}

TEST(ProfileView, NoneReleasesAndNetworkManagersOwnIsLeftAlone)
{
    auto none = viewOf(ethernet("none"), "eth0", false, DispatchConfig{});
    EXPECT_NE(describeJson({none}, false).find("\"decision\":\"release\",\"decided-flags\":\"none\""),
              std::string::npos);

    auto owned = ethernet(std::nullopt);
    owned.nmMptcpFlags = 0x20;
    const auto v = viewOf(owned, "eth0", true, DispatchConfig{});
    EXPECT_NE(describeText({v}).find("  the hook:  left to NetworkManager\n"), std::string::npos);
}

TEST(ProfileView, BrokenUserDataIsReportedAndTheNextLevelDecides)
{
    const auto v = viewOf(ethernet("signal,fullmesh"), "eth0", false, DispatchConfig{});
    const auto text = describeText({v});
    EXPECT_NE(text.find("  the hook:  manage with subflow\n"), std::string::npos) << text;
    EXPECT_NE(text.find("ignored the connection's user data"), std::string::npos) << text;
}

}  // namespace
