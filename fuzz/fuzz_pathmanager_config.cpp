// libFuzzer target: the service's own configuration file
// (pathmanager.conf), read without GLib by the daemon as root. Any text is
// a configuration or mistakes, each one line naming the file and a line
// that exists; never a crash.
#include "declared_config.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::string path = "/etc/mptcp-pathmanager/pathmanager.conf";
    const mptcp::DeclaredConfigResult result = mptcp::parseDeclaredConfig(text, path);
    for (const std::string& m : result.mistakes) {
        if (m.rfind(path + ":", 0) != 0 || m.find('\n') != std::string::npos) {
            std::abort();  // every mistake is one line that names the file
        }
    }
    if (result.mistakes.empty()) {
        for (const auto& d : result.config.interfaces) {
            const bool isGlob = d.pattern.find_first_of("*?[\\") != std::string::npos;
            if (d.settings.flags == 0 || (!isGlob && result.config.find(d.pattern) == nullptr)) {
                std::abort();  // flags are required; a plain name matches itself
            }
        }
    }
    return 0;
}
