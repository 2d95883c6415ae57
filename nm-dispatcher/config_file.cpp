#include "config_file.hpp"

#include "config_lines.hpp"
#include "pm_rules.hpp"

#include <fcntl.h>
#include <glib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace mptcp::dispatch {
namespace {

// Far more than any real configuration; a bigger file is a mistake.
constexpr std::size_t kMaxConfigSize = 1 << 20;
constexpr const char* kFallback = "; ignoring the file, using the built-in defaults";

struct GFreeDeleter {
    void operator()(void* p) const { g_free(p); }
};
struct KeyFileDeleter {
    void operator()(GKeyFile* f) const { g_key_file_free(f); }
};
struct StrvDeleter {
    void operator()(gchar** v) const { g_strfreev(v); }
};
struct ErrorDeleter {
    void operator()(GError* e) const { g_error_free(e); }
};
using ErrorPtr = std::unique_ptr<GError, ErrorDeleter>;

LoadedConfig problem(const std::string& path, std::size_t line, const std::string& what)
{
    LoadedConfig loaded;
    loaded.problem = path + (line != 0 ? ":" + std::to_string(line) : "") + ": " + what + kFallback;
    // GKeyFile quotes the offending line: no control character of the file
    // may reach the journal (UTF-8 text stays as it is).
    for (char& c : loaded.problem) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            c = '?';
        }
    }
    return loaded;
}

}  // namespace

LoadedConfig loadConfigFile(const std::string& path)
{
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            return {};
        }
        return problem(path, 0, std::string("cannot open it: ") + std::strerror(errno));
    }
    std::string text;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = read(fd, buffer, sizeof buffer)) > 0 && text.size() <= kMaxConfigSize) {
        text.append(buffer, static_cast<std::size_t>(n));
    }
    const int readErrno = errno;
    close(fd);
    if (n < 0) {
        return problem(path, 0, std::string("cannot read it: ") + std::strerror(readErrno));
    }
    if (text.size() > kMaxConfigSize) {
        return problem(path, 0, "it is larger than " + std::to_string(kMaxConfigSize) + " bytes");
    }
    return parseConfigText(text, path);
}

LoadedConfig parseConfigText(const std::string& text, const std::string& path)
{
    std::unique_ptr<GKeyFile, KeyFileDeleter> file(g_key_file_new());
    GError* rawError = nullptr;
    if (!g_key_file_load_from_data(file.get(), text.data(), text.size(), G_KEY_FILE_NONE, &rawError)) {
        const ErrorPtr error(rawError);
        return problem(path, firstMalformedLine(text), error->message);
    }

    LoadedConfig loaded;
    const std::unique_ptr<gchar*, StrvDeleter> groups(g_key_file_get_groups(file.get(), nullptr));
    for (gchar** g = groups.get(); *g != nullptr; ++g) {
        const std::string group = *g;
        if (auto why = addConfigGroup(loaded.config, group); !why.empty()) {
            return problem(path, lineOfKey(text, group, ""), why);
        }
        const std::unique_ptr<gchar*, StrvDeleter> keys(g_key_file_get_keys(file.get(), *g, nullptr, nullptr));
        for (gchar** k = keys.get(); keys && *k != nullptr; ++k) {
            const std::string key = *k;
            const auto where = "key " + rules::quoteArg(key) + " in [" + group + "]: ";
            const std::size_t line = lineOfKey(text, group, key);
            const std::unique_ptr<gchar, GFreeDeleter> value(g_key_file_get_string(file.get(), *g, *k, &rawError));
            if (!value) {
                const ErrorPtr error(rawError);
                return problem(path, line, where + (error ? error->message : "no value"));
            }
            if (auto why = setConfigValue(loaded.config, group, key, value.get()); !why.empty()) {
                return problem(path, line, where + why);
            }
        }
    }
    return loaded;
}

}  // namespace mptcp::dispatch
