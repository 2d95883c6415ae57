#include "interface_names.hpp"

#include "pm_error.hpp"
#include "utf8_text.hpp"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mptcp {
namespace {

class SystemInterfaceNames final : public InterfaceNames {
public:
    SystemInterfaceNames()
    {
        // AF_UNIX: device ioctls work on any socket, and the daemon's unit
        // only allows unix and netlink sockets.
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            throw PmError(ErrorKind::Failed, "socket for interface lookups: " + errnoName(errno), errno);
        }
    }
    ~SystemInterfaceNames() override { close(fd_); }
    SystemInterfaceNames(const SystemInterfaceNames&) = delete;
    SystemInterfaceNames& operator=(const SystemInterfaceNames&) = delete;

    std::optional<std::int32_t> indexOf(std::string_view name) override
    {
        ifreq req{};
        if (name.empty() || name.size() >= sizeof req.ifr_name || name.find('\0') != std::string_view::npos) {
            return std::nullopt;
        }
        std::memcpy(req.ifr_name, name.data(), name.size());
        if (ioctl(fd_, SIOCGIFINDEX, &req) < 0) {
            return std::nullopt;
        }
        return req.ifr_ifindex;
    }

    std::optional<std::string> nameOf(std::int32_t index) override
    {
        ifreq req{};
        req.ifr_ifindex = index;
        if (ioctl(fd_, SIOCGIFNAME, &req) < 0) {
            return std::nullopt;
        }
        return std::string(req.ifr_name, strnlen(req.ifr_name, sizeof req.ifr_name));
    }

private:
    int fd_ = -1;
};

}  // namespace

std::unique_ptr<InterfaceNames> systemInterfaceNames()
{
    return std::make_unique<SystemInterfaceNames>();
}

std::string interfaceLabel(InterfaceNames& names, std::int32_t ifindex)
{
    if (ifindex == 0) {
        return {};
    }
    if (auto name = names.nameOf(ifindex)) {
        return utf8Shown(*name);
    }
    return "if" + std::to_string(ifindex);
}

}  // namespace mptcp
