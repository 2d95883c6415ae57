// Reading the configuration file from disk: a missing file is the
// defaults, an unreadable one is one clear line, and the installed example
// is valid both as shipped and with its settings uncommented.
#include "config_file.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#ifndef MPTCP_EXAMPLE_CONFIG
#error "MPTCP_EXAMPLE_CONFIG must be defined by the build"
#endif

namespace mptcp::dispatch {
namespace {

class TempDir {
public:
    TempDir()
    {
        char pattern[] = "/tmp/mptcp-dispatch-test.XXXXXX";
        path_ = mkdtemp(pattern);
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

std::string readFile(const std::string& path)
{
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

TEST(ConfigFile, MissingFileIsTheDefaultsWithoutAWord)
{
    TempDir dir;
    const auto loaded = loadConfigFile((dir.path() / "dispatcher.conf").string());
    EXPECT_EQ(loaded.problem, "");
    EXPECT_EQ(loaded.config, DispatchConfig{});
}

TEST(ConfigFile, UnreadableFileIsOneLineNamingIt)
{
    TempDir dir;
    const auto loaded = loadConfigFile(dir.path().string());  // a directory
    EXPECT_EQ(loaded.problem,
              dir.path().string() + ": cannot read it: Is a directory; ignoring the file, using the built-in defaults");
    EXPECT_EQ(loaded.config, DispatchConfig{});
}

TEST(ConfigFile, HugeFileIsRefused)
{
    TempDir dir;
    const auto path = (dir.path() / "dispatcher.conf").string();
    std::ofstream(path) << "[dispatcher]\n" << std::string(2 << 20, '#') << "\n";
    const auto loaded = loadConfigFile(path);
    EXPECT_NE(loaded.problem.find("is larger than"), std::string::npos) << loaded.problem;
}

TEST(ConfigFile, ReadsAGoodFile)
{
    TempDir dir;
    const auto path = (dir.path() / "dispatcher.conf").string();
    std::ofstream(path) << "[dispatcher]\nrole=server\n[interface:wwan*]\nflags=subflow,backup\n";
    const auto loaded = loadConfigFile(path);
    EXPECT_EQ(loaded.problem, "");
    EXPECT_EQ(loaded.config.defaults.role, Role::Server);
    ASSERT_EQ(loaded.config.interfaces.size(), 1u);
    EXPECT_EQ(loaded.config.interfaces[0].first, "wwan*");
}

TEST(ConfigFile, ControlCharactersOfTheFileDoNotReachTheLog)
{
    const auto loaded = parseConfigText("[dispatcher]\n\x1b[31mred\r\n", "/etc/x.conf");
    EXPECT_EQ(loaded.problem.rfind("/etc/x.conf:2: ", 0), 0u) << loaded.problem;
    EXPECT_NE(loaded.problem.find("?[31mred"), std::string::npos) << loaded.problem;
    for (const char c : loaded.problem) {
        EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20) << loaded.problem;
    }
}

TEST(ExampleConfig, AsShippedItIsTheDefaults)
{
    const auto loaded = loadConfigFile(MPTCP_EXAMPLE_CONFIG);
    EXPECT_EQ(loaded.problem, "");
    EXPECT_EQ(loaded.config, DispatchConfig{});
    EXPECT_FALSE(readFile(MPTCP_EXAMPLE_CONFIG).empty());
}

TEST(ExampleConfig, UncommentedItIsValidAndSaysSomething)
{
    // "#[group]" and "#key=value" lines are the settings; "# text" is prose.
    const std::regex setting("^#(\\[.*\\]|[a-z-]+=.*)$");
    std::istringstream in(readFile(MPTCP_EXAMPLE_CONFIG));
    std::string text;
    int settings = 0;
    for (std::string line; std::getline(in, line);) {
        if (std::regex_match(line, setting)) {
            line = line.substr(1);
            ++settings;
        }
        text += line + "\n";
    }
    EXPECT_GE(settings, 10);
    const auto loaded = parseConfigText(text, MPTCP_EXAMPLE_CONFIG);
    EXPECT_EQ(loaded.problem, "");
    EXPECT_EQ(loaded.config.connections.count("office-lan"), 1u);
    EXPECT_EQ(loaded.config.deviceTypes.count("wifi"), 1u);
    EXPECT_EQ(loaded.config.interfaces.size(), 1u);
}

}  // namespace
}  // namespace mptcp::dispatch
