// A method call the daemon makes itself (to the bus driver, to polkit),
// with sd-bus, never awaited: the reply arrives on the event loop. sd-bus
// answers a call that runs out of time itself, with an error reply
// (NoReply), so every call gets exactly one answer while the connection
// lives.
#pragma once

#include "bus_message.hpp"

#include <systemd/sd-bus.h>

#include <chrono>
#include <functional>
#include <string>

namespace mptcp::dbus {

// A reply as the handler sees it: failed() and the error's name and
// message, or the message to read the results from.
class CallReply {
public:
    explicit CallReply(sd_bus_message* m) : m_(m), error_(sd_bus_message_get_error(m)) {}

    bool failed() const { return error_ != nullptr; }
    std::string errorName() const { return error_ && error_->name ? error_->name : ""; }
    // "<name>: <message>", the way the daemon reports an outside error.
    std::string errorText() const;
    sd_bus_message* message() const { return m_; }

private:
    sd_bus_message* m_;
    const sd_bus_error* error_;
};

using ReplyHandler = std::function<void(const CallReply& reply)>;

// Sends `call` (built with sd_bus_message_new_method_call and its
// arguments) and hands its reply to onReply, within `timeout`. What
// onReply throws is logged under `what` and goes no further (sd-bus's C
// frames are below it). Throws BusFailure when the call cannot be sent.
void callAsync(const MessageRef& call, std::chrono::milliseconds timeout, const char* what, ReplyHandler onReply);

// A new method call on `bus`, for its arguments to be appended; throws
// BusFailure.
MessageRef newMethodCall(sd_bus* bus, const char* destination, const char* path, const char* interface,
                         const char* member);

}  // namespace mptcp::dbus
