// The one error type of the core. Every failure the D-Bus boundary may see
// is a PmError whose kind picks the contract's error name and whose message
// is already fit for a person (with the kernel's own text where it gave one).
#pragma once

#include <stdexcept>
#include <string>

namespace mptcp {

enum class ErrorKind {
    InvalidArgs,   // org.freedesktop.DBus.Error.InvalidArgs
    AccessDenied,  // org.freedesktop.DBus.Error.AccessDenied
    NotFound,      // org.mptcp.PathManager.Error.NotFound
    Exists,        // org.mptcp.PathManager.Error.Exists
    LimitReached,  // org.mptcp.PathManager.Error.LimitReached
    NotSupported,  // org.mptcp.PathManager.Error.NotSupported
    Failed,        // org.mptcp.PathManager.Error.Failed
};

class PmError : public std::runtime_error {
public:
    PmError(ErrorKind kind, const std::string& message, int err = 0)
        : std::runtime_error(message), kind_(kind), errno_(err)
    {
    }
    ErrorKind kind() const { return kind_; }
    // The kernel's errno (positive), 0 when the refusal is the service's own.
    int error() const { return errno_; }

private:
    ErrorKind kind_;
    int errno_;
};

// What the kernel answered to a request: errno and its extended-ack text.
struct KernelError {
    int error = 0;        // positive errno
    std::string message;  // extack text, may be empty
};

// Symbolic errno name ("EEXIST"), or "errno N" for one this table lacks.
std::string errnoName(int err);

}  // namespace mptcp
