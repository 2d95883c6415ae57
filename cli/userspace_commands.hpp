// mptcpctl's commands for the userspace path manager, in ip's style (the
// org.mptcp.PathManager.Userspace interface; `ip mptcp` has none):
//
//   connection announce token T id N ADDR [ port P ] [ dev IF ]
//   connection remove token T id N
//   connection addresses token T
//   subflow add token T [ id N ] ADDR [ dev IF ] rip RADDR rport RPORT [ backup ]
//   subflow delete token T ADDR lport P rip RADDR rport RPORT
//   subflow change token T ADDR [ lport P ] rip RADDR rport RPORT backup|nobackup
//   path-manager [ show ]
//   path-manager set kernel|userspace
//
// T is the connection's token in hexadecimal, as `mptcpctl monitor` and
// `ip mptcp monitor` print it (a leading 0x is allowed).
#pragma once

#include "command_parser.hpp"
#include "global_options.hpp"
#include "path_manager_bus.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace mptcp::cli {

enum class UserspaceAction {
    Announce,         // Announce
    Remove,           // Remove
    ListAddresses,    // ListLocalAddresses
    SubflowAdd,       // CreateSubflow
    SubflowDelete,    // DestroySubflow
    SubflowChange,    // SetSubflowBackup
    PathManagerShow,  // property PathManager
    PathManagerSet,   // property PathManager, written
};

struct UserspaceCommand {
    UserspaceAction action = UserspaceAction::PathManagerShow;
    std::uint32_t token = 0;
    std::uint32_t id = 0;
    std::string address;     // the local address
    std::uint16_t port = 0;  // announce: port; subflow: lport
    std::string device;
    std::string remoteAddress;
    std::uint16_t remotePort = 0;
    bool backup = false;
    std::string pathManager;  // path-manager set
};

// nullopt when the words are not one of these commands (then the `ip
// mptcp` grammar, and `connection show`, take them). Throws CliFailure
// with ip's wording and status for a command line of ours it refuses.
std::optional<UserspaceCommand> parseUserspaceCommand(std::span<const std::string> words,
                                                      const DeviceExists& deviceExists);

// One call to the service; returns what to print on stdout. Throws
// CliFailure when the service refuses or cannot be reached.
std::string runUserspaceCommand(const UserspaceCommand& command, const GlobalOptions& options, PathManagerBus& service);

// The commands' lines for `mptcpctl -help` (`mptcpctl help` prints
// `ip mptcp help`'s usage alone, byte for byte).
extern const char* const kUserspaceUsage;

}  // namespace mptcp::cli
