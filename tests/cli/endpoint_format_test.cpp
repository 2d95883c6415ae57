// ip 6.1's output, byte for byte (lines taken from ip itself).
#include "endpoint_format.hpp"

#include <gtest/gtest.h>

namespace mptcp::cli {
namespace {

const std::vector<EndpointView> kTable = {
    {16, "10.0.0.2", 0, "lo", {"subflow", "backup", "fullmesh"}},
    {17, "127.0.0.1", 80, "", {"signal"}},
    {18, "::1", 81, "", {"signal", "backup"}},
};

TEST(EndpointFormat, TextLinesEndWithASpace)
{
    EXPECT_EQ(formatEndpoints(kTable, {}),
              "10.0.0.2 id 16 subflow backup fullmesh dev lo \n"
              "127.0.0.1 port 80 id 17 signal \n"
              "::1 port 81 id 18 signal backup \n");
    EXPECT_EQ(formatEndpoints({}, {}), "");
}

TEST(EndpointFormat, JsonAsIp)
{
    GlobalOptions json;
    json.json = true;
    EXPECT_EQ(formatEndpoints(kTable, json),
              "[{\"address\":\"10.0.0.2\",\"id\":16,\"subflow\":true,\"backup\":true,\"fullmesh\":true,\"dev\":\"lo\"},"
              "{\"address\":\"127.0.0.1\",\"port\":80,\"id\":17,\"signal\":true},"
              "{\"address\":\"::1\",\"port\":81,\"id\":18,\"signal\":true,\"backup\":true}]\n");
    EXPECT_EQ(formatEndpoints({}, json), "[]\n");
}

TEST(EndpointFormat, PrettyJsonAsIp)
{
    GlobalOptions pretty;
    pretty.json = pretty.pretty = true;
    EXPECT_EQ(formatEndpoints({kTable.data(), 2}, pretty),
              "[ {\n"
              "        \"address\": \"10.0.0.2\",\n"
              "        \"id\": 16,\n"
              "        \"subflow\": true,\n"
              "        \"backup\": true,\n"
              "        \"fullmesh\": true,\n"
              "        \"dev\": \"lo\"\n"
              "    },{\n"
              "        \"address\": \"127.0.0.1\",\n"
              "        \"port\": 80,\n"
              "        \"id\": 17,\n"
              "        \"signal\": true\n"
              "    } ]\n");
    EXPECT_EQ(formatEndpoints({}, pretty), "[ ]\n");
}

TEST(EndpointFormat, FlagsIpCannotNameAndUnknownBits)
{
    const std::vector<EndpointView> e = {{3, "10.0.0.3", 0, "if9", {"laminar", "implicit", "0x40", "0x80", "subflow"}}};
    EXPECT_EQ(formatEndpoints(e, {}), "10.0.0.3 id 3 subflow implicit laminar rawflags c0 dev if9 \n");
    GlobalOptions json;
    json.json = true;
    EXPECT_EQ(formatEndpoints(e, json),
              "[{\"address\":\"10.0.0.3\",\"id\":3,\"subflow\":true,\"implicit\":true,\"laminar\":true,"
              "\"rawflags\":\"c0\",\"dev\":\"if9\"}]\n");
}

TEST(EndpointFormat, JsonEscapesInterfaceNames)
{
    GlobalOptions json;
    json.json = true;
    const std::vector<EndpointView> e = {{1, "10.0.0.1", 0, "a\"b\\c", {}}};
    EXPECT_EQ(formatEndpoints(e, json), "[{\"address\":\"10.0.0.1\",\"id\":1,\"dev\":\"a\\\"b\\\\c\"}]\n");
}

TEST(EndpointFormat, Limits)
{
    EXPECT_EQ(formatLimits(2, 0, {}), "add_addr_accepted 0 subflows 2 \n");
    GlobalOptions json;
    json.json = true;
    EXPECT_EQ(formatLimits(8, 1, json), "[{\"add_addr_accepted\":1,\"subflows\":8}]\n");
}

}  // namespace
}  // namespace mptcp::cli
