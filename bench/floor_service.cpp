// mptcp-pm-bench-floor: the yardstick service. The same library as the
// daemon (sdbus-c++), one no-op method and one property, nothing else: its
// empty call is the floor of every method latency, and its memory and
// start-up time are what "a service on the bus" costs before it does
// anything. It owns its name on the bus DBUS_SYSTEM_BUS_ADDRESS names, in
// the same order as the daemon (object first, then the name).
#include <sdbus-c++/sdbus-c++.h>

#include <cstdio>
#include <string>

namespace {

constexpr const char* kName = "org.mptcp.BenchFloor";
constexpr const char* kPath = "/org/mptcp/BenchFloor";
constexpr const char* kInterface = "org.mptcp.BenchFloor";

}  // namespace

int main()
{
    try {
        auto bus = sdbus::createSystemBusConnection();
        auto object = sdbus::createObject(*bus, kPath);
        object->registerMethod("Ping").onInterface(kInterface).implementedAs([] {});
        object->registerProperty("Version").onInterface(kInterface).withGetter([] { return std::string("1"); });
        object->finishRegistration();
        bus->requestName(kName);
        // SIGTERM ends it (default action): the benchmark stops it by pid.
        bus->enterEventLoop();
    } catch (const sdbus::Error& e) {
        std::fprintf(stderr, "mptcp-pm-bench-floor: %s: %s\n", e.getName().c_str(), e.getMessage().c_str());
        return 1;
    }
    return 0;
}
