// The service's configuration file, /etc/mptcp-pathmanager/pathmanager.conf:
// interfaces declared to be managed (for hosts without NetworkManager), and
// optionally the limits. Pure but for loadDeclaredConfig, which reads the
// file.
//
//   [interface:NAME-or-GLOB]   flags=subflow,backup  families=ipv4,ipv6
//                              port=N  unique-local=true|false
//   [limits]                   subflows=N  add_addr_accepted=N
//
// The keys mean what ManageInterface's flags and options mean, with the
// same rules. A glob (fnmatch: *, ?, [...]) covers every interface whose
// name matches, present and future; when two sections match one
// interface, the first in the file counts.
#pragma once

#include "reconciler.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mptcp {

inline constexpr const char* kDefaultConfigFile = "/etc/mptcp-pathmanager/pathmanager.conf";
// The owner ListManagedInterfaces shows for declared interfaces; reserved.
inline constexpr const char* kConfigOwner = "config";

struct DeclaredInterface {
    std::string pattern;  // an interface name or a glob
    ManagedSettings settings;
    std::size_t line = 0;  // of its [interface:...] header

    bool operator==(const DeclaredInterface&) const = default;
};

struct DeclaredConfig {
    std::string path;                           // where it was read from ("" when there is no file)
    std::vector<DeclaredInterface> interfaces;  // in file order
    std::optional<std::uint32_t> subflows;
    std::optional<std::uint32_t> addAddrAccepted;

    bool operator==(const DeclaredConfig&) const = default;

    // The first section whose pattern matches `name`, or nullptr.
    const DeclaredInterface* find(std::string_view name) const;
};

struct DeclaredConfigResult {
    DeclaredConfig config;              // meaningful only without mistakes
    std::vector<std::string> mistakes;  // "FILE:LINE: KEY: what is wrong", one per mistake
};

// Checks everything; any mistake means the file must not be used.
DeclaredConfigResult parseDeclaredConfig(std::string_view text, const std::string& path);

// Reads and parses `path`. A missing file is an empty configuration (no
// mistake); one that cannot be read is one mistake.
DeclaredConfigResult loadDeclaredConfig(const std::string& path);

}  // namespace mptcp
