// The Connections interface's dictionaries (a{sv}), made from what the
// kernel's socket diagnostics said: only the keys the kernel provided (a
// field it sent is present even when zero; one an older kernel does not
// send is absent), written straight into the reply with sd-bus.
//
// Why straight into the message, with sd-bus's own calls: each dict entry
// costs sd-bus six calls (open the entry, the key, open the variant, the
// value, two closes), about 2,500 instructions in libsystemd alone, and a
// connection has up to 19 entries. Anything on top of that (an
// sdbus::Variant is a whole sd-bus message of its own; a std::string per
// address; sd_bus_message_append()'s format parsing, a third more) is
// paid 19 times per connection. docs/connections.md, "Costs", has the
// numbers.
#pragma once

#include "bus_message.hpp"
#include "connection_reader.hpp"
#include "interface_names.hpp"

#include <systemd/sd-bus.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mptcp::dbus {

// Writes the dicts of one reply. Keep one for the whole reply: it
// remembers the interface names it looked up (one ioctl each), so a
// thousand sockets bound to the same device cost one lookup.
// Every method throws std::runtime_error when sd-bus refuses a value (no
// memory, a string that is not UTF-8): the message is then unusable.
class InfoWriter {
public:
    InfoWriter(sd_bus_message* msg, InterfaceNames& names) : msg_(msg), names_(names) {}

    // A connection's info (family, addresses, ports, state, uid,
    // subflows, ...), appended as one a{sv}.
    void connection(const diag::Connection& c);
    // A subflow's dict (addresses, ports, ids, backup flags, state, rtt, ...).
    void subflow(const diag::TcpSubflow& s);

private:
    // A key is a string literal: its length is known, and it is ASCII.
    struct Key {
        template <std::size_t N>
        Key(const char (&literal)[N]) : text(literal), size(N - 1)  // NOLINT: implicit on purpose
        {
        }
        const char* text;
        std::size_t size;
    };

    void socketId(const diag::SocketId& id);
    void open(Key key, const char* signature);
    void close();
    // No UTF-8 check, for text this file makes from ASCII only (keys,
    // addresses, state names): msg::appendAscii().
    void ascii(const char* text, std::size_t size) { msg::appendAscii(msg_, text, size, "write the reply"); }
    void entry(Key key, char type, const char* signature, const void* value)
    {
        open(key, signature);
        append(type, value);
        close();
    }
    void append(char type, const void* value);
    void string(Key key, const char* value) { entry(key, 's', "s", value); }  // checked by sd-bus
    void asciiString(Key key, const char* value, std::size_t size)
    {
        open(key, "s");
        ascii(value, size);
        close();
    }
    void u16(Key key, std::uint16_t value) { entry(key, 'q', "q", &value); }
    void u32(Key key, std::uint32_t value) { entry(key, 'u', "u", &value); }
    void u64(Key key, std::uint64_t value) { entry(key, 't', "t", &value); }
    void byte(Key key, std::uint8_t value) { entry(key, 'y', "y", &value); }
    void boolean(Key key, bool value)
    {
        const int b = value ? 1 : 0;  // sd-bus reads a 'b' as an int
        entry(key, 'b', "b", &b);
    }
    const char* interfaceName(std::uint32_t ifindex);

    sd_bus_message* msg_;
    InterfaceNames& names_;
    std::vector<std::pair<std::uint32_t, std::string>> interfaces_;  // looked up during this reply
};

// An sd-bus return value, checked: a negative errno is thrown as
// std::runtime_error "cannot write the reply: <strerror>" (msg::check).
inline void checkWrite(int r)
{
    msg::check(r, "write the reply");
}

}  // namespace mptcp::dbus
