#include "mptcp_sysctl.hpp"

#include "pm_error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mptcp {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int err)
{
    // No such file: this kernel has no MPTCP at all.
    const ErrorKind kind = err == ENOENT ? ErrorKind::NotSupported : ErrorKind::Failed;
    throw PmError(kind, "cannot " + what + " " + path + ": " + errnoName(err) + " (" + std::strerror(err) + ")", err);
}

}  // namespace

bool MptcpEnabledSetting::get() const
{
    const int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail("read", path_, errno);
    }
    char buf[16] = {};
    const ssize_t n = read(fd, buf, sizeof buf - 1);
    const int err = errno;
    close(fd);
    if (n <= 0) {
        fail("read", path_, n < 0 ? err : EIO);
    }
    return buf[0] != '0';
}

void MptcpEnabledSetting::set(bool enabled)
{
    const int fd = open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        fail("write", path_, errno);
    }
    const char* value = enabled ? "1\n" : "0\n";
    const ssize_t n = write(fd, value, 2);
    const int err = errno;
    close(fd);
    if (n != 2) {
        fail("write", path_, n < 0 ? err : EIO);
    }
}

}  // namespace mptcp
