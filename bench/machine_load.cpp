#include "machine_load.hpp"

#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace mptcp::bench {
namespace {

struct ProcStat {
    int pid = 0;
    int ppid = 0;
    double cpuTicks = 0;  // utime + stime + cutime + cstime
};

// Fields of /proc/PID/stat after the command (which may hold spaces).
bool readProcStat(int pid, ProcStat& out)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) {
        return false;
    }
    const auto close = line.rfind(')');
    if (close == std::string::npos) {
        return false;
    }
    std::istringstream fields(line.substr(close + 2));
    std::vector<std::string> f;
    for (std::string s; fields >> s;) {
        f.push_back(s);
    }
    // f[0] is field 3 (state): ppid is field 4, utime..cstime fields 14..17.
    if (f.size() < 15) {
        return false;
    }
    out.pid = pid;
    out.ppid = std::atoi(f[1].c_str());
    out.cpuTicks =
        std::atof(f[11].c_str()) + std::atof(f[12].c_str()) + std::atof(f[13].c_str()) + std::atof(f[14].c_str());
    return true;
}

std::vector<ProcStat> allProcesses()
{
    std::vector<ProcStat> out;
    DIR* dir = opendir("/proc");
    if (dir == nullptr) {
        return out;
    }
    while (const dirent* e = readdir(dir)) {
        const int pid = std::atoi(e->d_name);
        ProcStat s;
        if (pid > 0 && readProcStat(pid, s)) {
            out.push_back(s);
        }
    }
    closedir(dir);
    return out;
}

double load1()
{
    std::ifstream in("/proc/loadavg");
    double v = 0;
    in >> v;
    return v;
}

}  // namespace

LoadSample sampleLoad()
{
    const auto processes = allProcesses();
    std::map<int, int> parentOf;
    for (const auto& p : processes) {
        parentOf[p.pid] = p.ppid;
    }
    const int self = getpid();
    auto ours = [&](int pid) {
        for (int hops = 0; pid > 1 && hops < 64; ++hops) {
            if (pid == self) {
                return true;
            }
            const auto it = parentOf.find(pid);
            if (it == parentOf.end()) {
                return false;
            }
            pid = it->second;
        }
        return false;
    };
    const double ticksPerSecond = static_cast<double>(sysconf(_SC_CLK_TCK));
    LoadSample s;
    for (const auto& p : processes) {
        // Kernel threads (children of kthreadd, pid 2) do the kernel's share
        // of the benchmark's own traffic (softirq): not "someone else".
        if (p.pid == 2 || p.ppid == 2) {
            continue;
        }
        (ours(p.pid) ? s.ownCpuSeconds : s.otherCpuSeconds) += p.cpuTicks / ticksPerSecond;
    }
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    s.load1 = load1();
    return s;
}

PhaseLoad between(const LoadSample& before, const LoadSample& after)
{
    PhaseLoad p;
    p.wallSeconds = after.seconds - before.seconds;
    if (p.wallSeconds > 0) {
        // A process that exits and is reaped moves its time into its
        // parent's cutime/cstime, so the sums stay comparable.
        p.otherCpuShare = (after.otherCpuSeconds - before.otherCpuSeconds) / p.wallSeconds;
        p.ownCpuShare = (after.ownCpuSeconds - before.ownCpuSeconds) / p.wallSeconds;
    }
    p.load1Before = before.load1;
    p.load1After = after.load1;
    return p;
}

std::optional<double> cpuSecondsOf(int pid)
{
    const std::string taskDir = "/proc/" + std::to_string(pid) + "/task";
    DIR* dir = opendir(taskDir.c_str());
    if (dir == nullptr) {
        return std::nullopt;
    }
    double ns = 0;
    while (const dirent* e = readdir(dir)) {
        if (std::atoi(e->d_name) > 0) {
            std::ifstream in(taskDir + "/" + e->d_name + "/schedstat");
            double onCpu = 0;
            in >> onCpu;
            ns += onCpu;
        }
    }
    closedir(dir);
    return ns / 1e9;
}

std::string busyWarning(const std::string& phase, const PhaseLoad& load)
{
    if (load.otherCpuShare < kBusyOtherCpuShare) {
        return "";
    }
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "machine busy during %s: other processes used %.0f%% of a CPU over %.1f s (load average %.2f -> "
                  "%.2f); its figures may be skewed",
                  phase.c_str(), load.otherCpuShare * 100, load.wallSeconds, load.load1Before, load.load1After);
    return buf;
}

}  // namespace mptcp::bench
