#include "json_writer.hpp"

#include <cstdio>

namespace mptcp::cli {

void JsonWriter::separate()
{
    if (separator_ != '\0') {
        out_ += separator_;
    }
    separator_ = ',';
}

void JsonWriter::newline()
{
    if (!pretty_) {
        return;
    }
    out_ += '\n';
    out_.append(static_cast<std::size_t>(depth_) * 4, ' ');
}

void JsonWriter::begin(char c)
{
    separate();
    out_ += c;
    ++depth_;
    separator_ = '\0';
}

void JsonWriter::end(char c)
{
    --depth_;
    if (separator_ != '\0') {
        newline();
    }
    out_ += c;
    separator_ = ',';
}

void JsonWriter::startArray()
{
    begin('[');
    if (pretty_) {
        out_ += ' ';
    }
}

void JsonWriter::startArray(std::string_view fieldName)
{
    name(fieldName);
    startArray();
}

void JsonWriter::endArray()
{
    if (pretty_ && separator_ != '\0') {
        out_ += ' ';
    }
    separator_ = '\0';
    end(']');
}

void JsonWriter::startObject()
{
    begin('{');
}

void JsonWriter::endObject()
{
    end('}');
}

void JsonWriter::name(std::string_view name)
{
    separate();
    newline();
    separator_ = '\0';
    quoted(name);
    out_ += ':';
    if (pretty_) {
        out_ += ' ';
    }
}

void JsonWriter::quoted(std::string_view text)
{
    out_ += '"';
    for (const char c : text) {
        switch (c) {
            case '\t':
                out_ += "\\t";
                break;
            case '\n':
                out_ += "\\n";
                break;
            case '\r':
                out_ += "\\r";
                break;
            case '\f':
                out_ += "\\f";
                break;
            case '\b':
                out_ += "\\b";
                break;
            case '\\':
                out_ += "\\\\";
                break;
            case '"':
                out_ += "\\\"";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    // ip would print these raw; valid JSON needs them escaped.
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
                    out_ += escaped;
                } else {
                    out_ += c;
                }
        }
    }
    out_ += '"';
}

void JsonWriter::field(std::string_view key, std::string_view value)
{
    name(key);
    separate();
    quoted(value);
}

void JsonWriter::field(std::string_view key, std::uint64_t value)
{
    name(key);
    separate();
    out_ += std::to_string(value);
}

void JsonWriter::field(std::string_view key, bool value)
{
    name(key);
    separate();
    out_ += value ? "true" : "false";
}

}  // namespace mptcp::cli
