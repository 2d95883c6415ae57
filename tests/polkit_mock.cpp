#include "polkit_mock.hpp"

#include <unistd.h>

#include <sdbus-c++/sdbus-c++.h>

#include <cstdlib>

namespace mptcp::test {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

}  // namespace

std::string polkitMockObstacle()
{
    if (access(kPython, X_OK) != 0) {
        return std::string(kPython) + " is not installed";
    }
    // The module must be importable by that interpreter (apt: python3-dbusmock).
    const int rc = std::system("/usr/bin/python3 -c 'import dbusmock' >/dev/null 2>&1");
    if (rc != 0) {
        return "python3-dbusmock is not installed (/usr/bin/python3 cannot import dbusmock)";
    }
    return "";
}

PolkitMock::PolkitMock(const std::string& busAddress)
    : process_(busAddress, {kPython, "-m", "dbusmock", "--template", "polkitd"})
{
}

PolkitMock::~PolkitMock() = default;

void PolkitMock::grant(const std::vector<std::string>& actions)
{
    auto connection = sdbus::createSessionBusConnectionWithAddress(process_.busAddress());
    auto mock = sdbus::createProxy(*connection, kPolkitBusName, kPolkitObjectPath);
    mock->callMethod("SetAllowed").onInterface("org.freedesktop.DBus.Mock").withArguments(actions);
}

void PolkitMock::grantOnlyInteractiveChecksOfBusNames()
{
    auto connection = sdbus::createSessionBusConnectionWithAddress(process_.busAddress());
    auto mock = sdbus::createProxy(*connection, kPolkitBusName, kPolkitObjectPath);
    // dbusmock's AddMethod replaces the template's method; args are
    // (subject, action_id, details, flags, cancellation_id).
    mock->callMethod("AddMethod")
        .onInterface("org.freedesktop.DBus.Mock")
        .withArguments(std::string("org.freedesktop.PolicyKit1.Authority"), std::string("CheckAuthorization"),
                       std::string("(sa{sv})sa{ss}us"), std::string("(bba{ss})"),
                       std::string("ret = (args[3] == 1 and args[0][0] == 'system-bus-name' and "
                                   "str(args[0][1]['name']).startswith(':'), args[3] != 1, {})"));
}

void PolkitMock::stop()
{
    process_.stop();
}

}  // namespace mptcp::test
