#include "mptcp_sysctl.hpp"

#include "pm_error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace mptcp {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int err)
{
    // No such file: this kernel has no MPTCP at all.
    const ErrorKind kind = err == ENOENT ? ErrorKind::NotSupported : ErrorKind::Failed;
    throw PmError(kind, "cannot " + what + " " + path + ": " + errnoName(err) + " (" + std::strerror(err) + ")", err);
}

// The first line of a file, without its newline; nullopt when it does not
// exist (ENOENT); PmError for other failures.
std::optional<std::string> readLine(const std::string& path)
{
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            return std::nullopt;
        }
        fail("read", path, errno);
    }
    char buf[64] = {};
    const ssize_t n = read(fd, buf, sizeof buf - 1);
    const int err = errno;
    close(fd);
    if (n <= 0) {
        fail("read", path, n < 0 ? err : EIO);
    }
    std::string line(buf, static_cast<std::size_t>(n));
    if (const auto end = line.find('\n'); end != std::string::npos) {
        line.erase(end);
    }
    return line;
}

// false when the file does not exist; PmError for other failures.
bool writeValue(const std::string& path, const std::string& value)
{
    const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            return false;
        }
        fail("write", path, errno);
    }
    const ssize_t n = write(fd, value.data(), value.size());
    const int err = errno;
    close(fd);
    if (n != static_cast<ssize_t>(value.size())) {
        fail("write", path, n < 0 ? err : EIO);
    }
    return true;
}

[[noreturn]] void noUserspacePm()
{
    throw PmError(ErrorKind::NotSupported,
                  "this kernel has no userspace path manager (neither net.mptcp.path_manager nor "
                  "net.mptcp.pm_type exists; pm_type came with Linux 5.19)",
                  ENOENT);
}

}  // namespace

std::string PathManagerSetting::get() const
{
    if (auto name = readLine(directory_ + "/path_manager")) {
        return *name;
    }
    const auto type = readLine(directory_ + "/pm_type");
    if (!type) {
        noUserspacePm();
    }
    if (*type == "0") {
        return "kernel";
    }
    if (*type == "1") {
        return "userspace";
    }
    return "pm_type " + *type;
}

void PathManagerSetting::set(std::string_view name)
{
    if (name != "kernel" && name != "userspace") {
        std::string shown;
        for (const char c : name.substr(0, 32)) {
            shown += (c >= 0x20 && c < 0x7f) ? c : '?';
        }
        throw PmError(ErrorKind::InvalidArgs,
                      "unknown path manager \"" + shown + "\" (known: \"kernel\", \"userspace\")");
    }
    if (writeValue(directory_ + "/path_manager", std::string(name) + "\n")) {
        return;
    }
    if (!writeValue(directory_ + "/pm_type", name == "kernel" ? "0\n" : "1\n")) {
        noUserspacePm();
    }
}

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
