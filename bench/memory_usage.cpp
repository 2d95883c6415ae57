#include "memory_usage.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace mptcp::bench {

std::optional<MemoryUsage> memoryOf(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
    bool havePss = false;
    bool haveAnon = false;
    MemoryUsage m;
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string key;
        double kib = 0;
        fields >> key >> kib;
        if (key == "Pss:") {
            m.pssKiB = kib;
            havePss = true;
        } else if (key == "Anonymous:") {
            m.anonKiB = kib;
            haveAnon = true;
        }
    }
    if (!havePss || !haveAnon) {
        return std::nullopt;
    }
    return m;
}

}  // namespace mptcp::bench
