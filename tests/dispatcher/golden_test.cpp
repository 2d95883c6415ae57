// Golden files of the dispatcher hook: each file under golden/ gives one
// event (argv and environment), the connection's settings as NetworkManager's
// GetSettings returns them (GVariant text), the configuration file's text
// and what the service answers; its "--- expect" section is everything the
// hook must do, in order: the calls to NetworkManager and to the service,
// and its log lines. The hook runs with the real configuration reader
// (GKeyFile) and the real settings reader (GVariant); only the bus is fake.
//
// File format: '#' lines before the first section describe the case, then
//   --- event     ARGV1=..., ARGV2=... and environment lines NAME=VALUE
//   --- settings  GVariant text of a{sa{sv}}, or "error: MESSAGE" (optional:
//                 without it a GetSettings call fails the test)
//   --- config    dispatcher.conf as written (optional: no file)
//   --- service   one answer per call: "ok", "ERROR.NAME: message", or
//                 "unanswered MS ERROR.NAME: message" (a call that timed out)
//                 (optional: every call succeeds)
//   --- expect    "GetSettings PATH", "ManageInterface ...",
//                 "ReleaseInterface IFACE", "log: LINE"
// With MPTCP_GOLDEN_UPDATE=1 the test rewrites the expect sections from
// what the hook did (review the diff before committing it).
#include "config_file.hpp"
#include "hook_runner.hpp"
#include "nm_settings.hpp"

#include <gio/gio.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#ifndef MPTCP_GOLDEN_DIR
#error "MPTCP_GOLDEN_DIR must be defined by the build"
#endif

namespace mptcp::dispatch {
namespace {

constexpr const char* kConfigPath = "/etc/mptcp-pathmanager/dispatcher.conf";

struct GoldenCase {
    std::string description;  // the leading comment lines
    std::map<std::string, std::string> sections;
};

std::string readFile(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

GoldenCase parseGolden(const std::string& text)
{
    GoldenCase c;
    std::string current;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("--- ")) {
            current = line.substr(4);
            c.sections[current];
            continue;
        }
        if (current.empty()) {
            c.description += line + "\n";
        } else {
            c.sections[current] += line + "\n";
        }
    }
    return c;
}

std::vector<std::string> linesOf(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            lines.push_back(line);
        }
    }
    return lines;
}

// Everything the hook did, one line each, in order.
class Recorder final : public ConnectionSettingsSource, public PathManagerCalls, public HookLog {
public:
    Recorder(const GoldenCase& c) : golden_(c) {}

    ConnectionSettings lookup(const std::string& dbusPath) override
    {
        lines_.push_back("GetSettings " + dbusPath);
        const auto it = golden_.sections.find("settings");
        if (it == golden_.sections.end()) {
            throw LookupError("the golden file has no settings section");
        }
        std::string text = it->second;
        while (!text.empty() && text.back() == '\n') {
            text.pop_back();
        }
        if (text.starts_with("error: ")) {
            throw LookupError(text.substr(7));
        }
        GError* error = nullptr;
        GVariant* v = g_variant_parse(G_VARIANT_TYPE("a{sa{sv}}"), text.c_str(), nullptr, nullptr, &error);
        if (v == nullptr) {
            const std::string what = std::string("bad settings text in the golden file: ") + error->message;
            g_error_free(error);
            throw std::runtime_error(what);
        }
        g_variant_ref_sink(v);
        const std::unique_ptr<GVariant, void (*)(GVariant*)> owned(v, g_variant_unref);
        return connectionSettingsFrom(v);
    }

    CallResult manageInterface(const std::string& interface, const std::vector<std::string>& flags,
                               const ManageOptions& options) override
    {
        std::string names;
        for (const auto& f : flags) {
            names += (names.empty() ? "" : ",") + f;
        }
        lines_.push_back("ManageInterface " + interface + " flags=[" + names +
                         "] unique-local=" + (options.uniqueLocal ? "true" : "false") + " owner=" + options.owner +
                         " transient=" + (options.transient ? "true" : "false") + " source=" + options.source);
        return nextAnswer();
    }

    CallResult releaseInterface(const std::string& interface) override
    {
        lines_.push_back("ReleaseInterface " + interface);
        return nextAnswer();
    }

    // An answer "released NAME..." is a successful ReleaseOwner that
    // released those interfaces.
    CallResult releaseOwner(const std::string& owner) override
    {
        lines_.push_back("ReleaseOwner " + owner);
        CallResult r = nextAnswer();
        if (r.ok && lastAnswer_.starts_with("released ")) {
            std::string rest = lastAnswer_.substr(9);
            for (std::size_t at = 0; at < rest.size();) {
                const auto space = rest.find(' ', at);
                r.released.push_back(rest.substr(at, space == std::string::npos ? std::string::npos : space - at));
                at = space == std::string::npos ? rest.size() : space + 1;
            }
        }
        return r;
    }

    void line(const std::string& text) override { lines_.push_back("log: " + text); }

    const std::vector<std::string>& lines() const { return lines_; }

private:
    CallResult nextAnswer()
    {
        const auto it = golden_.sections.find("service");
        const auto answers = it == golden_.sections.end() ? std::vector<std::string>{} : linesOf(it->second);
        if (answers.empty()) {
            return {};
        }
        const std::string& a = answers[std::min(calls_++, answers.size() - 1)];
        lastAnswer_ = a;
        if (a == "ok" || a.starts_with("released ")) {
            return {};
        }
        std::string error = a;
        int unansweredAfterMs = 0;
        if (error.starts_with("unanswered ")) {
            const auto space = error.find(' ', 11);
            unansweredAfterMs = std::stoi(error.substr(11, space - 11));
            error = error.substr(space + 1);
        }
        const auto colon = error.find(": ");
        return {false, error.substr(0, colon), colon == std::string::npos ? "" : error.substr(colon + 2),
                unansweredAfterMs};
    }

    const GoldenCase& golden_;
    std::vector<std::string> lines_;
    std::string lastAnswer_;
    std::size_t calls_ = 0;
};

HookEvent eventOf(const GoldenCase& c)
{
    HookEvent event;
    const auto it = c.sections.find("event");
    if (it == c.sections.end()) {
        return event;
    }
    for (const auto& line : linesOf(it->second)) {
        const auto eq = line.find('=');
        const auto name = line.substr(0, eq);
        const auto value = eq == std::string::npos ? "" : line.substr(eq + 1);
        if (name == "ARGV1") {
            event.interface = value;
        } else if (name == "ARGV2") {
            event.action = value;
        } else {
            event.env[name] = value;
        }
    }
    return event;
}

std::vector<std::string> runGolden(const GoldenCase& c)
{
    Recorder recorder(c);
    const auto config =
        c.sections.count("config") ? parseConfigText(c.sections.at("config"), kConfigPath) : LoadedConfig{};
    runHook(eventOf(c), config, recorder, recorder, recorder);
    return recorder.lines();
}

std::string joined(const std::vector<std::string>& lines)
{
    std::string out;
    for (const auto& l : lines) {
        out += l + "\n";
    }
    return out;
}

// Rewrites the expect section of one file (MPTCP_GOLDEN_UPDATE=1).
void updateGolden(const std::filesystem::path& path, const std::vector<std::string>& actual)
{
    std::string text = readFile(path);
    const auto at = text.find("--- expect\n");
    text = (at == std::string::npos ? text + (text.ends_with("\n") ? "" : "\n") : text.substr(0, at)) + "--- expect\n" +
           joined(actual);
    std::ofstream(path) << text;
}

std::vector<std::string> goldenFiles()
{
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(MPTCP_GOLDEN_DIR)) {
        if (entry.path().extension() == ".golden") {
            names.push_back(entry.path().stem().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, HookDoesWhatTheFileExpects)
{
    const auto path = std::filesystem::path(MPTCP_GOLDEN_DIR) / (GetParam() + ".golden");
    const GoldenCase c = parseGolden(readFile(path));
    ASSERT_TRUE(c.sections.count("event")) << path << " has no --- event section";
    const auto actual = runGolden(c);
    const char* update = std::getenv("MPTCP_GOLDEN_UPDATE");
    if (update != nullptr && std::string(update) == "1") {
        updateGolden(path, actual);
        return;
    }
    ASSERT_TRUE(c.sections.count("expect")) << path << " has no --- expect section";
    EXPECT_EQ(joined(linesOf(c.sections.at("expect"))), joined(actual)) << path << "\n" << c.description;
}

INSTANTIATE_TEST_SUITE_P(Dispatcher, Golden, ::testing::ValuesIn(goldenFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             std::string name = info.param;
                             std::replace_if(
                                 name.begin(), name.end(), [](char ch) { return !std::isalnum(ch); }, '_');
                             return name;
                         });

// A directory without golden files would pass vacuously.
TEST(GoldenFiles, ThereAreMany)
{
    EXPECT_GE(goldenFiles().size(), 30u);
}

}  // namespace
}  // namespace mptcp::dispatch
