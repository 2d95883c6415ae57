// The whole of a small file (/proc, the state file, the configuration) in
// one string, with open(2) and read(2). The daemon uses no iostreams: an
// ifstream's locale and stream set-up alone keeps a few hundred KiB of
// libstdc++ resident for the daemon's whole life (docs/performance.md).
#pragma once

#include <cstddef>
#include <string>

namespace mptcp {

struct FileText {
    std::string text;
    int error = 0;          // errno of the failed open(2) or read(2); 0 when read whole
    bool tooLarge = false;  // stopped after more than maxBytes
};

// `openFlags` are added to O_RDONLY | O_CLOEXEC (e.g. O_NOFOLLOW).
FileText readFileText(const std::string& path, std::size_t maxBytes, int openFlags = 0);

}  // namespace mptcp
