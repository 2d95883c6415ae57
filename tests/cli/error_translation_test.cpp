// The service's errors (messages as plugin/genl/path_manager.cpp and
// plugin/genl/pm_rules.cpp word them) become ip's lines and statuses.
#include "error_translation.hpp"

#include <gtest/gtest.h>

namespace mptcp::cli {
namespace {

constexpr const char* kInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";
constexpr const char* kNotFound = "org.mptcp.PathManager.Error.NotFound";
constexpr const char* kExists = "org.mptcp.PathManager.Error.Exists";

TEST(ErrorTranslation, KernelTextQuotedByTheService)
{
    const CliExit e =
        translateError(kExists, "10.0.0.1 is already an endpoint (kernel: too many addresses or duplicate one: -17)");
    EXPECT_EQ(e.status, 2);
    EXPECT_EQ(e.message, "Error: too many addresses or duplicate one: -17.\n");
    EXPECT_EQ(translateError("org.mptcp.PathManager.Error.LimitReached",
                             "the endpoint table is full (8 endpoints at most); cannot add 10.0.0.9 (kernel: too "
                             "many addresses or duplicate one: -34)")
                  .message,
              "Error: too many addresses or duplicate one: -34.\n");
    EXPECT_EQ(translateError(kNotFound, "no endpoint with id 9 (kernel: address not found)").message,
              "Error: address not found.\n");
}

TEST(ErrorTranslation, RulesTheServiceChecksFirstInTheKernelsWords)
{
    EXPECT_EQ(translateError(kInvalidArgs, "a port needs the signal flag and no subflow flag").message,
              "Error: flags must have signal and not subflow when using port.\n");
    EXPECT_EQ(translateError(kInvalidArgs, "an endpoint id or an address is needed").message,
              "Error: missing address ID.\n");
    EXPECT_EQ(translateError(kInvalidArgs, "subflows limit 9 is out of range (0..8)").message,
              "Error: limit greater than maximum (8).\n");
    EXPECT_EQ(translateError(kNotFound, "no endpoint with address 10.9.9.9").message, "Error: address not found.\n");
}

TEST(ErrorTranslation, MissingInterfaceIsIpsArgumentError)
{
    const CliExit e = translateError(kInvalidArgs, "no interface named \"eth9\"");
    EXPECT_EQ(e.status, 255);
    EXPECT_EQ(e.message, "Error: argument \"eth9\" is wrong: device does not exist\n\n");
}

TEST(ErrorTranslation, AuthenticationThatCouldNotBeAskedForSaysHowToGetIt)
{
    const CliExit e = translateError("org.freedesktop.DBus.Error.InteractiveAuthorizationRequired",
                                     "AddEndpoint: authentication is required: ...");
    EXPECT_EQ(e.status, 2);
    EXPECT_EQ(e.message,
              "Error: changing the MPTCP configuration needs authentication, and mptcpctl let polkit ask for no "
              "password (not on a terminal, or --no-ask-password): run it on a terminal, or as root.\n");
}

TEST(ErrorTranslation, NotAuthorizedAndUnreachableSaySoClearly)
{
    const CliExit denied = translateError("org.freedesktop.DBus.Error.AccessDenied", "Rejected send message, ...");
    EXPECT_EQ(denied.status, 2);
    EXPECT_NE(denied.message.find("not authorized"), std::string::npos);
    const CliExit gone = translateError("org.freedesktop.DBus.Error.ServiceUnknown",
                                        "The name org.mptcp.PathManager was not provided by any .service files");
    EXPECT_EQ(gone.status, 1);
    EXPECT_EQ(gone.message,
              "Error: cannot reach the MPTCP path manager service org.mptcp.PathManager on the system bus: The name "
              "org.mptcp.PathManager was not provided by any .service files.\n");
    EXPECT_EQ(busUnreachable("No such file or directory").status, 1);
}

TEST(ErrorTranslation, AnythingElseKeepsTheServicesWords)
{
    const CliExit e = translateError("org.mptcp.PathManager.Error.Failed", "table: EIO (Input/output error)");
    EXPECT_EQ(e.status, 2);
    EXPECT_EQ(e.message, "Error: table: EIO (Input/output error).\n");
    EXPECT_EQ(
        translateError("org.mptcp.PathManager.Error.NotSupported", "the kernel has no MPTCP path manager.").message,
        "Error: the kernel has no MPTCP path manager.\n");
}

}  // namespace
}  // namespace mptcp::cli
