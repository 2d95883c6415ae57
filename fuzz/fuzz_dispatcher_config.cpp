// libFuzzer target: the NetworkManager hook's configuration file
// (dispatcher.conf), read with GKeyFile and the hook's own rules. Any text
// is a configuration or one line saying what is wrong; never a crash.
#include "config_file.hpp"
#include "config_lines.hpp"

#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    mptcp::dispatch::parseConfigText(text, "/etc/mptcp-pathmanager/dispatcher.conf");
    mptcp::dispatch::firstMalformedLine(text);
    mptcp::dispatch::lineOfKey(text, "dispatcher", "role");
    return 0;
}
