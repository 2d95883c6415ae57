#include "private_bus.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace mptcp::bench {

PrivateBus::PrivateBus(const std::string& policyFile, const std::string& workDir)
{
    std::string pattern = workDir + "/bus.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
    }
    dir_ = pattern;
    try {
        writeConfig(policyFile);
        int pipeFds[2];
        if (pipe2(pipeFds, O_CLOEXEC) != 0) {
            throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
        }
        SpawnOptions opts;
        // dbus-daemon writes its address on stdout once it listens.
        opts.argv = {"dbus-daemon",      "--config-file=" + dir_ + "/bus.conf", "--nofork", "--nopidfile", "--nosyslog",
                     "--print-address=1"};
        opts.stdoutFd = pipeFds[1];
        opts.logPath = dir_ + "/dbus-daemon.log";
        try {
            bus_ = ChildProcess(spawnProcess(opts));
        } catch (...) {
            close(pipeFds[0]);
            close(pipeFds[1]);
            throw;
        }
        close(pipeFds[1]);
        std::string out;
        char buf[512];
        pollfd pfd{pipeFds[0], POLLIN, 0};
        while (out.find('\n') == std::string::npos && poll(&pfd, 1, 5000) > 0) {
            const ssize_t n = read(pipeFds[0], buf, sizeof buf);
            if (n <= 0) {
                break;
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
        close(pipeFds[0]);
        const auto newline = out.find('\n');
        if (newline == std::string::npos) {
            throw std::runtime_error("the private dbus-daemon did not come up (log: " + dir_ + "/dbus-daemon.log)");
        }
        address_ = out.substr(0, newline);
    } catch (...) {
        bus_.stop();
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        throw;
    }
}

PrivateBus::~PrivateBus()
{
    bus_.stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

// The rules of Debian's system.conf that apply to every message (without
// activation or a user switch), root allowed everything (the benchmark and
// its services run as root), then the project's policy as system.d adds it.
void PrivateBus::writeConfig(const std::string& policyFile) const
{
    if (access(policyFile.c_str(), R_OK) != 0) {
        throw std::runtime_error("the bus policy " + policyFile + ": " + std::strerror(errno));
    }
    std::ofstream conf(dir_ + "/bus.conf");
    conf << "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
            " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
            "<busconfig>\n"
            "  <type>system</type>\n"
            "  <listen>unix:path="
         << dir_
         << "/system_bus_socket</listen>\n"
            "  <auth>EXTERNAL</auth>\n"
            "  <include>" BENCH_SOURCE_ROOT
            "/tools/private-bus-defaults.conf</include>\n"
            "  <policy user=\"root\">\n"
            "    <allow own=\"*\"/>\n"
            "    <allow send_destination=\"*\"/>\n"
            "  </policy>\n"
            "  <include>"
         << policyFile << "</include>\n</busconfig>\n";
    conf.close();
    if (!conf) {
        throw std::runtime_error("cannot write " + dir_ + "/bus.conf");
    }
}

}  // namespace mptcp::bench
