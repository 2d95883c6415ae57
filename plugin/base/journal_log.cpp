#include "journal_log.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace mptcp::journal {

namespace {

std::atomic<bool> debugForced{false};

}  // namespace

void enableDebug()
{
    debugForced = true;
}

bool debugEnabled()
{
    if (debugForced) {
        return true;
    }
    // Read each time: a debug line is rare, and a test may change it.
    const char* value = std::getenv("MPTCP_PATHMANAGER_DEBUG");
    return value != nullptr && std::strcmp(value, "1") == 0;
}

std::string formatLine(Priority priority, std::string_view tag, std::string_view text)
{
    std::string line;
    line.reserve(tag.size() + text.size() + 6);
    line += '<';
    line += static_cast<char>('0' + static_cast<int>(priority));
    line += '>';
    line += tag;
    line += ": ";
    line += text;
    return line;
}

void logLine(Priority priority, std::string_view tag, std::string_view text)
{
    if (priority == Priority::Debug && !debugEnabled()) {
        return;
    }
    const std::string line = formatLine(priority, tag, text) + '\n';
    // Nothing sensible is left to do when stderr itself fails.
    [[maybe_unused]] const ssize_t n = write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace mptcp::journal
