// mptcp-pm-bench-call-loop: one client connection that makes the same
// call N times and waits for each reply, for bench/sched-trace.sh (a plain
// sd-bus client: the fewest of the client's own instructions between the
// calls, so that what the trace shows is the services' and the bus's).
//
//   mptcp-pm-bench-call-loop NAME PATH INTERFACE METHOD CALLS
//
// The arguments of the figure-1 methods that take some are the
// benchmark's: GetEndpoint(3); SetLimits(v, v) with v alternating 2 and 3,
// so that every call changes the limits; AddEndpoint("10.0.9.1", 0, "lo",
// 100, ["subflow"]), each followed by DeleteEndpoint(100, "") that makes
// room again (a CALL is then the pair). On the system bus
// (DBUS_SYSTEM_BUS_ADDRESS). Exit status 1, with the error, when a call
// fails.
#include <systemd/sd-bus.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int appendArguments(sd_bus_message* call, const std::string& method, long i)
{
    if (method == "AddEndpoint") {
        return sd_bus_message_append(call, "sqsuas", "10.0.9.1", std::uint16_t{0}, "lo", 100u, 1, "subflow");
    }
    if (method == "DeleteEndpoint") {
        return sd_bus_message_append(call, "us", 100u, "");
    }
    if (method == "GetEndpoint") {
        return sd_bus_message_append(call, "u", 3u);
    }
    if (method == "SetLimits") {
        const std::uint32_t v = 2 + static_cast<std::uint32_t>(i % 2);
        return sd_bus_message_append(call, "uu", v, v);
    }
    return 0;
}

// One call and its reply; false after a line on stderr.
bool callOnce(sd_bus* bus, const char* name, const char* path, const char* interface, const std::string& method, long i)
{
    sd_bus_message* call = nullptr;
    sd_bus_message* reply = nullptr;
    sd_bus_error error = SD_BUS_ERROR_NULL;
    int r = sd_bus_message_new_method_call(bus, &call, name, path, interface, method.c_str());
    if (r >= 0) {
        r = appendArguments(call, method, i);
    }
    if (r >= 0) {
        r = sd_bus_call(bus, call, 0, &error, &reply);
    }
    sd_bus_message_unref(reply);
    sd_bus_message_unref(call);
    if (r < 0) {
        std::fprintf(stderr, "mptcp-pm-bench-call-loop: %s.%s: %s\n", interface, method.c_str(),
                     error.message != nullptr ? error.message : std::strerror(-r));
    }
    sd_bus_error_free(&error);
    return r >= 0;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc != 6) {
        std::fprintf(stderr, "usage: mptcp-pm-bench-call-loop NAME PATH INTERFACE METHOD CALLS\n");
        return 2;
    }
    const char* name = argv[1];
    const char* path = argv[2];
    const char* interface = argv[3];
    const std::string method = argv[4];
    const long calls = std::strtol(argv[5], nullptr, 10);
    sd_bus* bus = nullptr;
    if (const int r = sd_bus_open_system(&bus); r < 0) {
        std::fprintf(stderr, "mptcp-pm-bench-call-loop: connecting to the system bus: %s\n", std::strerror(-r));
        return 1;
    }
    for (long i = 0; i < calls; ++i) {
        if (!callOnce(bus, name, path, interface, method, i) ||
            (method == "AddEndpoint" && !callOnce(bus, name, path, interface, "DeleteEndpoint", i))) {
            return 1;
        }
    }
    sd_bus_flush_close_unref(bus);
    return 0;
}
