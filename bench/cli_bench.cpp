#include "cli_bench.hpp"

#include "endpoint_table.hpp"
#include "machine_load.hpp"
#include "netlink_transport.hpp"
#include "stats.hpp"

#include <stdexcept>
#include <vector>

namespace mptcp::bench {
namespace {

// The endpoint every "add" makes; deleted directly (untimed) after each.
constexpr std::uint8_t kAddId = 60;
const char* const kAddAddress = "10.0.8.1";

struct Command {
    std::string label;
    std::vector<std::string> argv;
};

struct Tool {
    std::string name;
    Command add;
    Command show;
};

std::vector<std::string> dbusSend(const std::string& method, std::vector<std::string> args)
{
    std::vector<std::string> argv = {"dbus-send",     "--system",
                                     "--print-reply", "--dest=" + std::string(kServiceName),
                                     kServicePath,    std::string(kServiceInterface) + "." + method};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

double runTimed(const Command& c, const std::string& busEnv, const std::string& log)
{
    SpawnOptions o;
    o.argv = c.argv;
    o.extraEnv = {busEnv};
    o.logPath = log;
    // Output is read as a user's terminal would take it, through a pipe.
    const RunResult r = runProcess(o, std::chrono::seconds(10), true);
    if (r.exitCode != 0) {
        throw std::runtime_error("`" + c.label + "` exited with status " + std::to_string(r.exitCode) + " (stderr in " +
                                 log + ")");
    }
    return r.seconds * 1000;
}

}  // namespace

void measureCommands(ServiceSet& services, const Programs& programs, const CliPlan& plan, Report& report)
{
    report.beginFigure("2", "Per invocation, as processes (floor: dbus-send of the same call)");
    const std::string addr = kAddAddress;
    const std::string id = std::to_string(kAddId);
    std::vector<Tool> tools = {
        {"dbus-send",
         {"dbus-send AddEndpoint",
          dbusSend("AddEndpoint", {"string:" + addr, "uint16:0", "string:lo", "uint32:" + id, "array:string:subflow"})},
         {"dbus-send ListEndpoints", dbusSend("ListEndpoints", {})}},
        {"ip",
         {"ip mptcp endpoint add", {"ip", "mptcp", "endpoint", "add", addr, "id", id, "dev", "lo", "subflow"}},
         {"ip mptcp endpoint show", {"ip", "mptcp", "endpoint", "show"}}},
    };
    const bool haveCtl = !programs.mptcpctl.empty();
    if (haveCtl) {
        tools.push_back(
            {"mptcpctl",
             {"mptcpctl endpoint add", {programs.mptcpctl, "endpoint", "add", addr, "id", id, "dev", "lo", "subflow"}},
             {"mptcpctl endpoint show", {programs.mptcpctl, "endpoint", "show"}}});
    } else {
        report.notMeasured("mptcpctl", "not built (no cli/mptcpctl in this build; pass --mptcpctl PATH)");
    }

    auto transport = openGenericNetlink();
    PmClient kernel(*transport);
    fillTable(kernel);
    dropLastTableEntry(kernel);
    const std::string log = services.bus().dir() + "/commands.log";

    // add[tool][repeat], show[tool][repeat]
    std::vector<std::vector<std::vector<double>>> add(tools.size()), show(tools.size());
    const auto before = sampleLoad();
    for (int r = 0; r < plan.repeats; ++r) {
        for (auto& v : add) {
            v.emplace_back();
        }
        for (auto& v : show) {
            v.emplace_back();
        }
        for (int i = 0; i < plan.invocations; ++i) {
            for (std::size_t t = 0; t < tools.size(); ++t) {
                add[t].back().push_back(runTimed(tools[t].add, services.bus().environment(), log));
                kernel.delAddr(idOnly(kAddId));
                show[t].back().push_back(runTimed(tools[t].show, services.bus().environment(), log));
            }
        }
    }
    const auto load = between(before, sampleLoad());
    fillTable(kernel);

    const Summary addFloor = summarize(add[0]);
    const Summary showFloor = summarize(show[0]);
    for (std::size_t t = 0; t < tools.size(); ++t) {
        for (const bool isAdd : {true, false}) {
            const Summary s = summarize(isAdd ? add[t] : show[t]);
            const Summary& floor = isAdd ? addFloor : showFloor;
            Row row;
            row.name = (isAdd ? tools[t].add : tools[t].show).label;
            row.value = s.p50;
            row.unit = "ms";
            row.p99 = s.p99;
            if (t != 0) {
                row.floor = floor.p50;
                row.floorName = (isAdd ? tools[0].add : tools[0].show).label;
                row.ratio = floor.p50 > 0 ? s.p50 / floor.p50 : 0;
            }
            if (tools[t].name == "mptcpctl") {
                row.goal = Goal{Goal::Kind::RatioAtMost, 1.2};
            }
            if (tools[t].name == "ip") {
                row.note = "the kernel directly, no bus: for the record";
            }
            report.add(row);
        }
    }
    if (const auto w = busyWarning("per-invocation commands", load); !w.empty()) {
        report.warn(w);
    }
}

}  // namespace mptcp::bench
