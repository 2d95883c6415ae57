#include "dbus_errors.hpp"

namespace mptcp::dbus {

const char* errorName(ErrorKind kind)
{
    switch (kind) {
        case ErrorKind::InvalidArgs:
            return kInvalidArgs;
        case ErrorKind::AccessDenied:
            return kAccessDenied;
        case ErrorKind::NotFound:
            return kNotFound;
        case ErrorKind::Exists:
            return kExists;
        case ErrorKind::LimitReached:
            return kLimitReached;
        case ErrorKind::NotSupported:
            return kNotSupported;
        case ErrorKind::Failed:
            break;
    }
    return kFailed;
}

}  // namespace mptcp::dbus
