// The log lines as the journal reads them: the sd-daemon priority prefix,
// the tag, and debug lines only when asked for.
#include "journal_log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace {

using mptcp::journal::Priority;

// Runs fn with stderr going into a pipe, and returns what it wrote.
template <typename Fn>
std::string capturedStderr(Fn fn)
{
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    const int saved = dup(STDERR_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    fn();
    dup2(saved, STDERR_FILENO);
    close(saved);
    std::string out;
    char buf[512];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) {
        out.append(buf, static_cast<std::size_t>(n));
    }
    close(fds[0]);
    return out;
}

TEST(JournalLog, EachPriorityHasItsPrefix)
{
    EXPECT_EQ(mptcp::journal::formatLine(Priority::Error, "mptcp-pathmanagerd", "lost the bus"),
              "<3>mptcp-pathmanagerd: lost the bus");
    EXPECT_EQ(mptcp::journal::formatLine(Priority::Warning, "t", "w"), "<4>t: w");
    EXPECT_EQ(mptcp::journal::formatLine(Priority::Info, "t", "i"), "<6>t: i");
    EXPECT_EQ(mptcp::journal::formatLine(Priority::Debug, "t", "d"), "<7>t: d");
}

TEST(JournalLog, WritesOneLineWithItsNewline)
{
    EXPECT_EQ(capturedStderr([] { mptcp::journal::logLine(Priority::Warning, "hook", "bad file"); }),
              "<4>hook: bad file\n");
}

TEST(JournalLog, DebugLinesOnlyWhenTheEnvironmentAsks)
{
    unsetenv("MPTCP_PATHMANAGER_DEBUG");
    EXPECT_EQ(capturedStderr([] { mptcp::journal::logLine(Priority::Debug, "t", "hidden"); }), "");
    setenv("MPTCP_PATHMANAGER_DEBUG", "0", 1);
    EXPECT_EQ(capturedStderr([] { mptcp::journal::logLine(Priority::Debug, "t", "hidden"); }), "");
    setenv("MPTCP_PATHMANAGER_DEBUG", "1", 1);
    EXPECT_EQ(capturedStderr([] { mptcp::journal::logLine(Priority::Debug, "t", "shown"); }), "<7>t: shown\n");
    unsetenv("MPTCP_PATHMANAGER_DEBUG");
}

// Last in this file: enableDebug() lasts for the rest of the process.
TEST(JournalLog, DebugLinesForTheRestOfTheProcessAfterEnableDebug)
{
    unsetenv("MPTCP_PATHMANAGER_DEBUG");
    EXPECT_FALSE(mptcp::journal::debugEnabled());
    mptcp::journal::enableDebug();
    EXPECT_TRUE(mptcp::journal::debugEnabled());
    EXPECT_EQ(capturedStderr([] { mptcp::journal::logLine(Priority::Debug, "t", "shown"); }), "<7>t: shown\n");
}

}  // namespace
