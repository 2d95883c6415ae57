// A JSON writer that lays out text exactly as iproute2's json_writer does,
// so that `mptcpctl -j [-p]` prints what `ip -j [-p]` prints, byte for
// byte (including its pretty form "[ {" ... "},{" ... "} ]").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mptcp::cli {

class JsonWriter {
public:
    explicit JsonWriter(bool pretty) : pretty_(pretty) {}

    void startArray();
    // An array as the value of a field of the object being written.
    void startArray(std::string_view name);
    void endArray();
    void startObject();
    void endObject();
    void field(std::string_view name, std::string_view value);
    // Without it a string literal would pick the bool overload.
    void field(std::string_view name, const char* value) { field(name, std::string_view(value)); }
    void field(std::string_view name, std::uint64_t value);
    void field(std::string_view name, bool value);

    // The text so far plus ip's final newline.
    std::string finish() { return out_ + "\n"; }

private:
    void separate();  // ip's jsonw_eor()
    void newline();   // ip's jsonw_eol()
    void name(std::string_view name);
    void quoted(std::string_view text);
    void begin(char c);
    void end(char c);

    bool pretty_;
    std::string out_;
    char separator_ = '\0';
    int depth_ = 0;
};

}  // namespace mptcp::cli
