// Log lines as systemd's journal reads them from a service's stderr: each
// line starts with an sd-daemon priority prefix ("<3>" error, "<4>" warning,
// "<6>" info, "<7>" debug; see sd-daemon(3)), which the journal stores as the
// entry's priority and strips from the text. Debug lines are written only
// when asked for: enableDebug() (the daemon's --debug) or
// MPTCP_PATHMANAGER_DEBUG=1 in the environment. docs/logging.md says how to
// read them.
#pragma once

#include <string>
#include <string_view>

namespace mptcp::journal {

enum class Priority { Error = 3, Warning = 4, Info = 6, Debug = 7 };

// Debug lines on, for the rest of the process.
void enableDebug();

// True after enableDebug(), or while the environment holds
// MPTCP_PATHMANAGER_DEBUG=1.
bool debugEnabled();

// "<N>tag: text", the line without its newline.
std::string formatLine(Priority priority, std::string_view tag, std::string_view text);

// Writes the line and its newline to stderr in one write(2), so that lines
// of processes sharing the stream (hooks run side by side) never
// interleave. A debug line is dropped unless debugEnabled().
void logLine(Priority priority, std::string_view tag, std::string_view text);

}  // namespace mptcp::journal
