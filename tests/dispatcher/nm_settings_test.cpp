// Reading GetSettings' reply: the fields the decision needs, from replies
// shaped like NetworkManager 1.42's, and no crash on odd ones.
#include "nm_settings.hpp"

#include <gio/gio.h>
#include <gtest/gtest.h>

#include <memory>

namespace mptcp::dispatch {
namespace {

using VariantPtr = std::unique_ptr<GVariant, void (*)(GVariant*)>;

VariantPtr parsed(const char* text, const char* type = "a{sa{sv}}")
{
    GError* error = nullptr;
    GVariant* v = g_variant_parse(G_VARIANT_TYPE(type), text, nullptr, nullptr, &error);
    EXPECT_NE(v, nullptr) << (error ? error->message : "");
    if (error != nullptr) {
        g_error_free(error);
    }
    return VariantPtr(v != nullptr ? g_variant_ref_sink(v) : nullptr, g_variant_unref);
}

// Trimmed from `busctl call org.freedesktop.NetworkManager .../Settings/1
// org.freedesktop.NetworkManager.Settings.Connection GetSettings` on 1.42.
constexpr const char* kNm142Reply =
    "{'connection': {'id': <'nm-e2e'>, 'uuid': <'5f1c2d3e-7a4b-4c8d-9e0f-0123456789ab'>,"
    " 'type': <'802-3-ethernet'>, 'interface-name': <'nm0'>, 'autoconnect': <false>,"
    " 'mptcp-flags': <uint32 34>, 'timestamp': <uint64 0>},"
    " 'ethernet': {}, 'ipv4': {'method': <'manual'>, 'address-data': <[{'address': <'10.77.0.1'>,"
    " 'prefix': <uint32 24>}]>}, 'ipv6': {'method': <'manual'>},"
    " 'user': {'data': <{'mptcp-pathmanager.flags': 'subflow,backup', 'other.key': 'x'}>},"
    " 'proxy': {}}";

TEST(NmSettings, ReadsWhatTheDecisionNeeds)
{
    const auto s = connectionSettingsFrom(parsed(kNm142Reply).get());
    EXPECT_EQ(s.id, "nm-e2e");
    EXPECT_EQ(s.uuid, "5f1c2d3e-7a4b-4c8d-9e0f-0123456789ab");
    EXPECT_EQ(s.type, "802-3-ethernet");
    EXPECT_EQ(s.nmMptcpFlags, 34u);
    EXPECT_FALSE(s.isPort);
    EXPECT_EQ(s.userFlags, "subflow,backup");
}

TEST(NmSettings, AbsentValuesAreDefaults)
{
    const auto s = connectionSettingsFrom(parsed("{'connection': {'type': <'gsm'>}}").get());
    EXPECT_EQ(s.type, "gsm");
    EXPECT_EQ(s.nmMptcpFlags, 0u);
    EXPECT_FALSE(s.userFlags.has_value());
    const auto empty = connectionSettingsFrom(parsed("@a{sa{sv}} {}").get());
    EXPECT_EQ(empty.type, "");
}

TEST(NmSettings, PortsOfOldAndNewNetworkManager)
{
    EXPECT_TRUE(connectionSettingsFrom(parsed("{'connection': {'master': <'br0'>}}").get()).isPort);
    EXPECT_TRUE(connectionSettingsFrom(parsed("{'connection': {'slave-type': <'bond'>}}").get()).isPort);
    EXPECT_TRUE(connectionSettingsFrom(parsed("{'connection': {'controller': <'br0'>}}").get()).isPort);
    EXPECT_TRUE(connectionSettingsFrom(parsed("{'connection': {'port-type': <'team'>}}").get()).isPort);
    EXPECT_FALSE(connectionSettingsFrom(parsed("{'connection': {'master': <''>}}").get()).isPort);
}

TEST(NmSettings, WrongTypesCountAsAbsent)
{
    const auto s =
        connectionSettingsFrom(parsed("{'connection': {'type': <uint32 3>, 'mptcp-flags': <'0x22'>, 'master': <true>},"
                                      " 'user': {'data': <{'mptcp-pathmanager.flags': <'subflow'>}>}}")
                                   .get());
    EXPECT_EQ(s.type, "");
    EXPECT_EQ(s.nmMptcpFlags, 0u);
    EXPECT_FALSE(s.isPort);
    EXPECT_FALSE(s.userFlags.has_value());
}

TEST(NmSettings, AReplyOfAnotherTypeIsALookupError)
{
    EXPECT_THROW(connectionSettingsFrom(nullptr), LookupError);
    EXPECT_THROW(connectionSettingsFrom(parsed("{'type': <'x'>}", "a{sv}").get()), LookupError);
}

TEST(NmSettings, APathThatIsNoObjectPathIsRefusedBeforeAnyCall)
{
    SystemBus bus;  // never connected: the path is checked first
    NmSettingsSource source(bus, 100);
    EXPECT_THROW(source.lookup("not/a path"), LookupError);
    EXPECT_THROW(source.lookup(""), LookupError);
}

}  // namespace
}  // namespace mptcp::dispatch
