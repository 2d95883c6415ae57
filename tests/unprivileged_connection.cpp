#include "unprivileged_connection.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <sdbus-c++/sdbus-c++.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <thread>

namespace mptcp::test {

std::unique_ptr<sdbus::IConnection> connectAs(uid_t uid, gid_t gid, const std::string& busAddress)
{
    std::unique_ptr<sdbus::IConnection> connection;
    std::exception_ptr failure;
    std::thread([&] {
        try {
            // This thread only; it ends right after connecting.
            if (syscall(SYS_setgroups, 0, nullptr) != 0 || syscall(SYS_setresgid, gid, gid, gid) != 0 ||
                syscall(SYS_setresuid, uid, uid, uid) != 0) {
                throw std::runtime_error(std::string("switching the connecting thread to uid ") + std::to_string(uid) +
                                         ": " + std::strerror(errno));
            }
            connection = sdbus::createSessionBusConnectionWithAddress(busAddress);
        } catch (...) {
            failure = std::current_exception();
        }
    }).join();
    if (failure) {
        std::rethrow_exception(failure);
    }
    return connection;
}

}  // namespace mptcp::test
