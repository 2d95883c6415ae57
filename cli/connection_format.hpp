// The output of `connection show`: one line per connection (token in hex,
// local and remote address:port, state, owner, subflows, bytes), with -d
// one indented line per subflow, or with -j a JSON array. A key the
// service did not send (an older kernel) is left out, never printed as 0.
#pragma once

#include "connection_view.hpp"
#include "global_options.hpp"

#include <span>
#include <string>

namespace mptcp::cli {

std::string formatConnections(std::span<const ConnectionView> connections, const GlobalOptions& options);

// "0a1b2c3d": how tokens are printed and read back (`token TOKEN`).
std::string tokenText(std::uint32_t token);

}  // namespace mptcp::cli
