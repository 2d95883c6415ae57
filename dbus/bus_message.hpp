// Reading arguments from and writing results into sd-bus messages, for the
// adaptors' vtables (sd_bus_add_object_vtable). sd-bus has checked a
// call's signature against the vtable before a handler runs, so a read can
// only fail on a broken message; it then throws PmError(InvalidArgs).
// Writes throw std::runtime_error (out of memory).
#pragma once

#include "option_value.hpp"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace mptcp::dbus {

// An sd_bus_message reference that is dropped with the owner.
class MessageRef {
public:
    MessageRef() = default;
    // Takes a new reference on m.
    explicit MessageRef(sd_bus_message* m) : m_(sd_bus_message_ref(m)) {}
    MessageRef(const MessageRef& other) : MessageRef(other.m_) {}
    MessageRef(MessageRef&& other) noexcept : m_(std::exchange(other.m_, nullptr)) {}
    MessageRef& operator=(MessageRef other) noexcept
    {
        std::swap(m_, other.m_);
        return *this;
    }
    ~MessageRef() { sd_bus_message_unref(m_); }
    // Adopts a reference the caller owned (sd_bus_message_new_*).
    static MessageRef adopt(sd_bus_message* m)
    {
        MessageRef r;
        r.m_ = m;
        return r;
    }
    sd_bus_message* get() const { return m_; }

private:
    sd_bus_message* m_ = nullptr;
};

// An interface's vtable on an object path: added by the constructor
// (throws std::runtime_error when sd-bus refuses it), removed by the
// destructor.
class VtableSlot {
public:
    VtableSlot(sd_bus* bus, const char* path, const char* interface, const sd_bus_vtable* vtable, void* userData);
    ~VtableSlot() { sd_bus_slot_unref(slot_); }
    VtableSlot(const VtableSlot&) = delete;
    VtableSlot& operator=(const VtableSlot&) = delete;

private:
    sd_bus_slot* slot_ = nullptr;
};

namespace msg {

// Reads one basic value; type is its D-Bus type character.
void readBasic(sd_bus_message* m, char type, void* value);
std::uint8_t readByte(sd_bus_message* m);
std::uint16_t readUint16(sd_bus_message* m);
std::uint32_t readUint32(sd_bus_message* m);
bool readBool(sd_bus_message* m);
std::string readString(sd_bus_message* m);
std::vector<std::string> readStrings(sd_bus_message* m);  // as
OptionMap readOptions(sd_bus_message* m);                 // a{sv}

// Throws std::runtime_error "cannot <what>: <strerror>" for a negative
// sd-bus return value. Inline, with the throw out of line: it wraps every
// sd-bus call of a reply (over a hundred per connection in ListConnections).
[[noreturn]] void failed(int r, const char* what);
inline void check(int r, const char* what)
{
    if (r < 0) [[unlikely]] {
        failed(r, what);
    }
}
// Appends text that is ASCII by construction (keys, addresses, state
// names), or valid UTF-8 without a NUL by construction (an interface label:
// interfaceLabel()), as a string, through
// sd_bus_message_append_string_space(): no UTF-8 check and no strlen, a
// fifth of a dict entry's cost.
void appendAscii(sd_bus_message* m, const char* text, std::size_t size, const char* what);
void appendStrings(sd_bus_message* m, const std::vector<std::string>& strings);  // as
void appendOptions(sd_bus_message* m, const OptionMap& options);                 // a{sv}

// A method return for call; throws std::runtime_error.
MessageRef newReturn(sd_bus_message* call);
// Sends a reply; a failure (the caller is gone) is only logged.
void send(const char* what, sd_bus_message* reply) noexcept;

// Whatever was thrown, as the D-Bus error the caller gets: PmError by its
// kind, anything else Failed ("<method>: internal error: ..."). Never throws.
std::pair<std::string, std::string> toError(const char* method, std::exception_ptr thrown) noexcept;
// Sets error from toError() and returns the negative errno sd-bus wants
// from a vtable handler that failed.
int setError(sd_bus_error* error, const char* method, std::exception_ptr thrown) noexcept;
// Answers call with an error now; a failure to send is only logged.
void replyError(const char* what, sd_bus_message* call, const std::string& name, const std::string& message) noexcept;

// NotSupported with `why`, as the negative errno a vtable handler returns
// (a kernel without MPTCP).
int notSupported(sd_bus_error* error, const std::string& why) noexcept;

// First line of an adaptor's vtable handler: an adaptor built for a kernel
// without MPTCP answers NotSupported (its refused() is negative) and the
// handler returns that.
#define MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)                                \
    if (const int refusal = static_cast<Adaptor*>(self)->refused(error); refusal < 0) { \
        return refusal;                                                                 \
    }

// A vtable handler's frame: fn returns the handler's result; whatever it
// throws becomes the call's error (nothing may unwind into sd-bus's C
// frames).
template <typename Fn>
int guarded(sd_bus_error* error, const char* method, Fn&& fn) noexcept
{
    try {
        return fn();
    } catch (...) {
        return setError(error, method, std::current_exception());
    }
}

// The body of a vtable method handler that answers at once: fn(reply)
// writes the results into a new method return, which is then sent;
// whatever fn throws becomes the error reply instead.
template <typename Fn>
int answerNow(sd_bus_message* call, sd_bus_error* error, const char* method, Fn&& fn) noexcept
{
    try {
        MessageRef reply = newReturn(call);
        fn(reply.get());
        check(sd_bus_send(nullptr, reply.get(), nullptr), "send the reply");
        return 1;
    } catch (...) {
        return setError(error, method, std::current_exception());
    }
}

}  // namespace msg
}  // namespace mptcp::dbus
