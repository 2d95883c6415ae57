#include "file_text.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace mptcp {

FileText readFileText(const std::string& path, std::size_t maxBytes, int openFlags)
{
    FileText result;
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | openFlags);
    if (fd < 0) {
        result.error = errno;
        return result;
    }
    char buf[4096];
    for (;;) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            result.error = errno;
            break;
        }
        if (n == 0) {
            break;
        }
        result.text.append(buf, static_cast<std::size_t>(n));
        if (result.text.size() > maxBytes) {
            result.tooLarge = true;
            break;
        }
    }
    close(fd);
    return result;
}

}  // namespace mptcp
