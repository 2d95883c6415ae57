#include "connection_format.hpp"

#include "json_writer.hpp"

#include <cstdio>

namespace mptcp::cli {
namespace {

const InfoValue* find(const InfoMap& info, const char* key)
{
    const auto it = info.find(key);
    return it == info.end() ? nullptr : &it->second;
}

bool isTrue(const InfoMap& info, const char* key)
{
    const InfoValue* v = find(info, key);
    return v != nullptr && v->number != 0;
}

// "10.0.0.1:80", "[2001:db8::1]:80"; "" without an address.
std::string endpointText(const InfoMap& info, const char* addressKey, const char* portKey)
{
    const InfoValue* address = find(info, addressKey);
    if (address == nullptr) {
        return {};
    }
    std::string text = address->text.find(':') != std::string::npos ? "[" + address->text + "]" : address->text;
    if (const InfoValue* port = find(info, portKey)) {
        text += ":" + std::to_string(port->number);
    }
    return text;
}

// " WORD VALUE" for a key that is there.
void putNumber(std::string& line, const InfoMap& info, const char* key, const char* word)
{
    if (const InfoValue* v = find(info, key)) {
        line += std::string(" ") + word + " " + std::to_string(v->number);
    }
}

void putAddresses(std::string& line, const InfoMap& info)
{
    if (const std::string local = endpointText(info, "local-address", "local-port"); !local.empty()) {
        line += " local " + local;
    }
    if (const std::string remote = endpointText(info, "remote-address", "remote-port"); !remote.empty()) {
        line += " remote " + remote;
    }
    if (const InfoValue* state = find(info, "state")) {
        line += " state " + state->text;
    }
}

std::string connectionLine(const ConnectionView& c)
{
    std::string line = "token " + tokenText(c.token);
    putAddresses(line, c.info);
    putNumber(line, c.info, "uid", "uid");
    if (const InfoValue* dev = find(c.info, "interface")) {
        line += " dev " + dev->text;
    }
    putNumber(line, c.info, "subflows", "subflows");
    if (isTrue(c.info, "fallback")) {
        line += " fallback";
    }
    putNumber(line, c.info, "bytes-sent", "bytes_sent");
    putNumber(line, c.info, "bytes-received", "bytes_received");
    return line + "\n";
}

std::string subflowLine(const InfoMap& s)
{
    std::string line = "\tsubflow";
    putAddresses(line, s);
    putNumber(line, s, "local-id", "local_id");
    putNumber(line, s, "remote-id", "remote_id");
    if (isTrue(s, "join")) {
        line += " join";
    }
    if (isTrue(s, "backup")) {
        line += " backup";
    }
    if (isTrue(s, "remote-backup")) {
        line += " remote_backup";
    }
    if (const InfoValue* dev = find(s, "interface")) {
        line += " dev " + dev->text;
    }
    putNumber(line, s, "rtt-us", "rtt_us");
    return line + "\n";
}

// JSON names are the service's keys with ip's underscores.
std::string jsonName(const std::string& key)
{
    std::string name = key;
    for (char& c : name) {
        if (c == '-') {
            c = '_';
        }
    }
    return name;
}

void jsonFields(JsonWriter& json, const InfoMap& info)
{
    for (const auto& [key, value] : info) {
        const std::string name = jsonName(key);
        switch (value.type) {
            case 's':
                json.field(name, value.text);
                break;
            case 'b':
                json.field(name, value.number != 0);
                break;
            default:
                json.field(name, value.number);
                break;
        }
    }
}

}  // namespace

std::string tokenText(std::uint32_t token)
{
    char hex[16];
    std::snprintf(hex, sizeof hex, "%08x", token);
    return hex;
}

std::string formatConnections(std::span<const ConnectionView> connections, const GlobalOptions& options)
{
    if (!options.json) {
        std::string text;
        for (const ConnectionView& c : connections) {
            text += connectionLine(c);
            if (options.details) {
                for (const InfoMap& s : c.subflows) {
                    text += subflowLine(s);
                }
            }
        }
        return text;
    }
    JsonWriter json(options.pretty);
    json.startArray();
    for (const ConnectionView& c : connections) {
        json.startObject();
        json.field("token", std::uint64_t{c.token});
        jsonFields(json, c.info);
        if (options.details) {
            json.startArray("subflow_list");
            for (const InfoMap& s : c.subflows) {
                json.startObject();
                jsonFields(json, s);
                json.endObject();
            }
            json.endArray();
        }
        json.endObject();
    }
    json.endArray();
    return json.finish();
}

}  // namespace mptcp::cli
