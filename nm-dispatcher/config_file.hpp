// Reads /etc/mptcp-pathmanager/dispatcher.conf with GKeyFile. Any problem
// (unreadable file, bad syntax, unknown group or key, bad value) gives one
// line naming the file, the line and the key, and the whole file is then
// ignored in favour of the built-in defaults: a typo must never silently
// mean "no endpoints", nor half a configuration.
#pragma once

#include "hook_runner.hpp"

#include <string>

namespace mptcp::dispatch {

// A missing file is no problem: the built-in defaults apply.
LoadedConfig loadConfigFile(const std::string& path);

// The same for a file's text (path only names it in the message).
LoadedConfig parseConfigText(const std::string& text, const std::string& path);

}  // namespace mptcp::dispatch
