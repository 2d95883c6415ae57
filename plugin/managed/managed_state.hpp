// The managed interfaces and the endpoints the service created, kept in a
// file under /run so that a restart of the service neither orphans nor
// duplicates endpoints. A small line-based text format, versioned; written
// to a temporary file and renamed over the old one, so a crash mid-write
// leaves the previous state, never half of one.
#pragma once

#include "reconciler.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mptcp {

inline constexpr const char* kDefaultStateFile = "/run/mptcp-pathmanager/managed.state";

struct ManagedState {
    // The network namespace the endpoints live in (its SO_NETNS_COOKIE):
    // the state of another namespace must never be applied to this one.
    std::uint64_t netns = 0;
    ManagedSet interfaces;
    std::vector<OwnedEndpoint> endpoints;

    bool operator==(const ManagedState&) const = default;
};

std::string formatState(const ManagedState& state);
// Throws PmError(Failed) naming `origin`, the line and what is wrong.
ManagedState parseState(std::string_view text, std::string_view origin);

class StateFile {
public:
    explicit StateFile(std::string path) : path_(std::move(path)) {}

    // nullopt when there is no file yet. Throws PmError(Failed) when it
    // cannot be read, is a symbolic link, holds a byte the writer never
    // writes (anything but printable ASCII and newlines) or is not a state
    // file.
    std::optional<ManagedState> load() const;
    // Creates the directory (one level, mode 0700) when missing (an existing
    // one must be a directory, not a link); writes PATH.tmp (O_EXCL,
    // O_NOFOLLOW, mode 0600), fsyncs it and renames it over PATH. Throws
    // PmError(Failed) with the errno when it cannot write.
    void save(const ManagedState& state) const;

    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// The cookie (SO_NETNS_COOKIE) of this process's network namespace; 0 when
// the kernel does not tell it.
std::uint64_t currentNetnsId();

}  // namespace mptcp
