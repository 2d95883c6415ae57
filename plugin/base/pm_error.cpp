#include "pm_error.hpp"

#include <cerrno>

namespace mptcp {

std::string errnoName(int err)
{
    switch (err) {
#define MPTCP_ERRNO(e) \
    case e:            \
        return #e;
        MPTCP_ERRNO(EPERM)
        MPTCP_ERRNO(ENOENT)
        MPTCP_ERRNO(EINTR)
        MPTCP_ERRNO(EIO)
        MPTCP_ERRNO(EBADF)
        MPTCP_ERRNO(EAGAIN)
        MPTCP_ERRNO(ENOMEM)
        MPTCP_ERRNO(EACCES)
        MPTCP_ERRNO(EFAULT)
        MPTCP_ERRNO(EBUSY)
        MPTCP_ERRNO(EEXIST)
        MPTCP_ERRNO(ENODEV)
        MPTCP_ERRNO(EINVAL)
        MPTCP_ERRNO(ENOSPC)
        MPTCP_ERRNO(ERANGE)
        MPTCP_ERRNO(EMSGSIZE)
        MPTCP_ERRNO(EPROTO)
        MPTCP_ERRNO(EBADMSG)
        MPTCP_ERRNO(ENOBUFS)
        MPTCP_ERRNO(EOPNOTSUPP)
        MPTCP_ERRNO(EAFNOSUPPORT)
        MPTCP_ERRNO(EADDRINUSE)
        MPTCP_ERRNO(EADDRNOTAVAIL)
        MPTCP_ERRNO(ENETDOWN)
        MPTCP_ERRNO(ETIMEDOUT)
        MPTCP_ERRNO(ECONNREFUSED)
        MPTCP_ERRNO(EPROTONOSUPPORT)
#undef MPTCP_ERRNO
        default:
            return "errno " + std::to_string(err);
    }
}

}  // namespace mptcp
