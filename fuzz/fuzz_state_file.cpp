// libFuzzer target: the managed-interfaces state file under /run, which a
// restarted service reads back. Any text is either a state (which then
// formats and parses back to itself) or a PmError naming the problem.
#include "managed_state.hpp"
#include "pm_error.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    mptcp::ManagedState state;
    try {
        state = mptcp::parseState(text, "fuzz");
    } catch (const mptcp::PmError&) {
        return 0;
    }
    const mptcp::ManagedState again = mptcp::parseState(mptcp::formatState(state), "fuzz");
    if (!(again == state)) {
        std::abort();
    }
    return 0;
}
