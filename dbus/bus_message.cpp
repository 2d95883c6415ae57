#include "bus_message.hpp"

#include "daemon_log.hpp"
#include "dbus_errors.hpp"
#include "journal_log.hpp"
#include "pm_error.hpp"
#include "utf8_text.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mptcp::dbus {

VtableSlot::VtableSlot(sd_bus* bus, const char* path, const char* interface, const sd_bus_vtable* vtable,
                       void* userData)
{
    const int r = sd_bus_add_object_vtable(bus, &slot_, path, interface, vtable, userData);
    if (r < 0) {
        slot_ = nullptr;
        throw std::runtime_error(std::string("cannot serve ") + interface + " on " + path + ": " + std::strerror(-r));
    }
}

namespace msg {
namespace {

[[noreturn]] void unreadable(const char* what, int r)
{
    throw PmError(ErrorKind::InvalidArgs,
                  std::string("cannot read ") + what + " from the call: " + std::strerror(r < 0 ? -r : EBADMSG));
}

// Moves past one complete value of type `type` (a variant's content the
// service does not read).
void skip(sd_bus_message* m, const char* type)
{
    const int r = sd_bus_message_skip(m, type);
    if (r < 0) {
        unreadable("an option's value", r);
    }
}

OptionValue readOptionValue(sd_bus_message* m, const char* type)
{
    const std::string t = type;
    if (t == "b") {
        return OptionValue(readBool(m));
    }
    if (t == "q") {
        return OptionValue(readUint16(m));
    }
    if (t == "u") {
        return OptionValue(readUint32(m));
    }
    if (t == "s") {
        return OptionValue(readString(m));
    }
    if (t == "as") {
        return OptionValue(readStrings(m));
    }
    skip(m, type);
    return OptionValue::ofUnreadType(t);
}

}  // namespace

void readBasic(sd_bus_message* m, char type, void* value)
{
    const int r = sd_bus_message_read_basic(m, type, value);
    if (r <= 0) {
        unreadable("an argument", r);
    }
}

std::uint8_t readByte(sd_bus_message* m)
{
    std::uint8_t v = 0;
    readBasic(m, SD_BUS_TYPE_BYTE, &v);
    return v;
}

std::uint16_t readUint16(sd_bus_message* m)
{
    std::uint16_t v = 0;
    readBasic(m, SD_BUS_TYPE_UINT16, &v);
    return v;
}

std::uint32_t readUint32(sd_bus_message* m)
{
    std::uint32_t v = 0;
    readBasic(m, SD_BUS_TYPE_UINT32, &v);
    return v;
}

bool readBool(sd_bus_message* m)
{
    int v = 0;  // sd-bus reads a boolean as int
    readBasic(m, SD_BUS_TYPE_BOOLEAN, &v);
    return v != 0;
}

std::string readString(sd_bus_message* m)
{
    const char* s = nullptr;
    readBasic(m, SD_BUS_TYPE_STRING, &s);
    return s;
}

std::vector<std::string> readStrings(sd_bus_message* m)
{
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "s");
    if (r <= 0) {
        unreadable("a string array", r);
    }
    std::vector<std::string> out;
    const char* s = nullptr;
    while ((r = sd_bus_message_read_basic(m, SD_BUS_TYPE_STRING, &s)) > 0) {
        out.emplace_back(s);
    }
    if (r < 0 || sd_bus_message_exit_container(m) < 0) {
        unreadable("a string array", r);
    }
    return out;
}

OptionMap readOptions(sd_bus_message* m)
{
    int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "{sv}");
    if (r <= 0) {
        unreadable("the options", r);
    }
    OptionMap out;
    while ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv")) > 0) {
        std::string key = readString(m);
        const char* type = nullptr;
        r = sd_bus_message_peek_type(m, nullptr, &type);
        if (r <= 0 || type == nullptr) {
            unreadable("an option's value", r);
        }
        const std::string signature = type;
        r = sd_bus_message_enter_container(m, SD_BUS_TYPE_VARIANT, signature.c_str());
        if (r <= 0) {
            unreadable("an option's value", r);
        }
        // A repeated key: the last one counts, as when a{sv} is read into a map.
        out.insert_or_assign(std::move(key), readOptionValue(m, signature.c_str()));
        if (sd_bus_message_exit_container(m) < 0 || sd_bus_message_exit_container(m) < 0) {
            unreadable("the options", -EBADMSG);
        }
    }
    if (r < 0 || sd_bus_message_exit_container(m) < 0) {
        unreadable("the options", r);
    }
    return out;
}

void failed(int r, const char* what)
{
    throw std::runtime_error(std::string("cannot ") + what + ": " + std::strerror(-r));
}

void appendAscii(sd_bus_message* m, const char* text, std::size_t size, const char* what)
{
    char* space = nullptr;
    check(sd_bus_message_append_string_space(m, size, &space), what);
    std::memcpy(space, text, size);
}

void appendStrings(sd_bus_message* m, const std::vector<std::string>& strings)
{
    check(sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "s"), "write a string array");
    for (const auto& s : strings) {
        check(sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, s.c_str()), "write a string");
    }
    check(sd_bus_message_close_container(m), "write a string array");
}

void appendOptions(sd_bus_message* m, const OptionMap& options)
{
    check(sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "{sv}"), "write options");
    for (const auto& [key, value] : options) {
        if (value.holds<std::monostate>()) {
            continue;  // only what was read can be written back
        }
        check(sd_bus_message_open_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv"), "write an option");
        check(sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, key.c_str()), "write an option");
        check(sd_bus_message_open_container(m, SD_BUS_TYPE_VARIANT, value.type().c_str()), "write an option");
        std::visit(
            [m](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, bool>) {
                    const int b = v ? 1 : 0;
                    check(sd_bus_message_append_basic(m, SD_BUS_TYPE_BOOLEAN, &b), "write an option");
                } else if constexpr (std::is_same_v<T, std::uint16_t>) {
                    check(sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT16, &v), "write an option");
                } else if constexpr (std::is_same_v<T, std::uint32_t>) {
                    check(sd_bus_message_append_basic(m, SD_BUS_TYPE_UINT32, &v), "write an option");
                } else if constexpr (std::is_same_v<T, std::string>) {
                    // owner and source may come from the configuration file.
                    check(sd_bus_message_append_basic(m, SD_BUS_TYPE_STRING, utf8Shown(v).c_str()), "write an option");
                } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                    appendStrings(m, v);
                }
            },
            value.content());
        check(sd_bus_message_close_container(m), "write an option");
        check(sd_bus_message_close_container(m), "write an option");
    }
    check(sd_bus_message_close_container(m), "write options");
}

MessageRef newReturn(sd_bus_message* call)
{
    sd_bus_message* reply = nullptr;
    check(sd_bus_message_new_method_return(call, &reply), "create the reply");
    return MessageRef::adopt(reply);
}

void send(const char* what, sd_bus_message* reply) noexcept
{
    const int r = sd_bus_send(nullptr, reply, nullptr);
    if (r < 0) {
        try {
            daemonLog(std::string("cannot answer ") + what + ": " + std::strerror(-r), journal::Priority::Warning);
        } catch (...) {
        }
    }
}

std::pair<std::string, std::string> toError(const char* method, std::exception_ptr thrown) noexcept
{
    try {
        try {
            std::rethrow_exception(thrown);
        } catch (const PmError& e) {
            return {errorName(e.kind()), e.what()};
        } catch (const std::exception& e) {
            return {kFailed, std::string(method) + ": internal error: " + e.what()};
        } catch (...) {
            return {kFailed, std::string(method) + ": internal error"};
        }
    } catch (...) {
        return {};  // out of memory building the text: setError() says so
    }
}

int setError(sd_bus_error* error, const char* method, std::exception_ptr thrown) noexcept
{
    const auto [name, message] = toError(method, thrown);
    if (name.empty()) {
        return sd_bus_error_set_errno(error, ENOMEM);
    }
    const int r = sd_bus_error_set(error, name.c_str(), message.c_str());
    return r < 0 ? r : -EIO;
}

int notSupported(sd_bus_error* error, const std::string& why) noexcept
{
    const int r = sd_bus_error_set(error, kNotSupported, why.c_str());
    return r < 0 ? r : -EOPNOTSUPP;
}

void replyError(const char* what, sd_bus_message* call, const std::string& name, const std::string& message) noexcept
{
    const sd_bus_error error = SD_BUS_ERROR_MAKE_CONST(name.c_str(), message.c_str());
    const int r = sd_bus_reply_method_error(call, &error);
    if (r < 0) {
        try {
            daemonLog(std::string("cannot answer ") + what + ": " + std::strerror(-r), journal::Priority::Warning);
        } catch (...) {
        }
    }
}

}  // namespace msg
}  // namespace mptcp::dbus
