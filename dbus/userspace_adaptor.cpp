#include "userspace_adaptor.hpp"

#include "bus_message.hpp"
#include "daemon_log.hpp"
#include "dbus_errors.hpp"
#include "journal_log.hpp"
#include "path_manager_adaptor.hpp"

#include <cstring>
#include <stdexcept>

namespace mptcp::dbus {
namespace {

using Adaptor = UserspaceAdaptor;
constexpr auto kAnyone = SD_BUS_VTABLE_UNPRIVILEGED;  // the service decides (gate), not sd-bus

const sd_bus_vtable kVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_WRITABLE_PROPERTY("PathManager", "s", &Adaptor::getPathManager, &Adaptor::setPathManager, 0,
                             kAnyone | SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_METHOD_WITH_ARGS("Announce", SD_BUS_ARGS("u", token, "y", id, "s", address, "q", port, "s", interface),
                            SD_BUS_NO_RESULT, &Adaptor::onAnnounce, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("Remove", SD_BUS_ARGS("u", token, "y", id), SD_BUS_NO_RESULT, &Adaptor::onRemove, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("CreateSubflow",
                            SD_BUS_ARGS("u", token, "y", local_id, "s", local_address, "s", interface, "s",
                                        remote_address, "q", remote_port, "b", backup),
                            SD_BUS_RESULT("y", assigned_id), &Adaptor::onCreateSubflow, kAnyone),
    SD_BUS_METHOD_WITH_ARGS(
        "DestroySubflow",
        SD_BUS_ARGS("u", token, "s", local_address, "q", local_port, "s", remote_address, "q", remote_port),
        SD_BUS_NO_RESULT, &Adaptor::onDestroySubflow, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("SetSubflowBackup",
                            SD_BUS_ARGS("u", token, "s", local_address, "q", local_port, "s", remote_address, "q",
                                        remote_port, "b", backup),
                            SD_BUS_NO_RESULT, &Adaptor::onSetSubflowBackup, kAnyone),
    SD_BUS_METHOD_WITH_ARGS("ListLocalAddresses", SD_BUS_ARGS("u", token), SD_BUS_RESULT("a(usqsas)", addresses),
                            &Adaptor::onListLocalAddresses, kAnyone),
    SD_BUS_VTABLE_END,
};

// The 4-tuple of DestroySubflow and SetSubflowBackup.
struct FourTuple {
    std::string localAddress;
    std::uint16_t localPort;
    std::string remoteAddress;
    std::uint16_t remotePort;
};

FourTuple readFourTuple(sd_bus_message* call)
{
    FourTuple t;
    t.localAddress = msg::readString(call);
    t.localPort = msg::readUint16(call);
    t.remoteAddress = msg::readString(call);
    t.remotePort = msg::readUint16(call);
    return t;
}

}  // namespace

UserspaceAdaptor::UserspaceAdaptor(sd_bus* bus, UserspaceService& service, AuthorizationGate& gate)
    : bus_(bus), service_(&service), gate_(&gate), slot_(bus, kObjectPath, kUserspaceInterface, kVtable, this)
{
    gate.guardProperty<std::string>(kUserspaceInterface, "PathManager", Action::Modify,
                                    [&service](const std::string& value) { service.setPathManager(value); });
}

UserspaceAdaptor::UserspaceAdaptor(sd_bus* bus, std::string why)
    : bus_(bus), why_(std::move(why)), slot_(bus, kObjectPath, kUserspaceInterface, kVtable, this)
{
}

int UserspaceAdaptor::refused(sd_bus_error* error) const
{
    if (service_ != nullptr) {
        return 0;
    }
    return msg::notSupported(error, why_);
}

int UserspaceAdaptor::onAnnounce(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    return msg::guarded(error, "Announce", [&] {
        const std::uint32_t token = msg::readUint32(call);
        const std::uint8_t id = msg::readByte(call);
        std::string address = msg::readString(call);
        const std::uint16_t port = msg::readUint16(call);
        std::string interface = msg::readString(call);
        auto& a = *static_cast<Adaptor*>(self);
        a.gate_->run(
            Action::ControlConnections, "Announce", call,
            [&service = *a.service_, token, id, address = std::move(address), port, interface = std::move(interface)](
                sd_bus_message*) { service.announce(token, id, address, port, interface); });
        return 1;
    });
}

int UserspaceAdaptor::onRemove(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    return msg::guarded(error, "Remove", [&] {
        const std::uint32_t token = msg::readUint32(call);
        const std::uint8_t id = msg::readByte(call);
        auto& a = *static_cast<Adaptor*>(self);
        a.gate_->run(Action::ControlConnections, "Remove", call,
                     [&service = *a.service_, token, id](sd_bus_message*) { service.remove(token, id); });
        return 1;
    });
}

int UserspaceAdaptor::onCreateSubflow(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    return msg::guarded(error, "CreateSubflow", [&] {
        const std::uint32_t token = msg::readUint32(call);
        const std::uint8_t localId = msg::readByte(call);
        std::string localAddress = msg::readString(call);
        std::string interface = msg::readString(call);
        std::string remoteAddress = msg::readString(call);
        const std::uint16_t remotePort = msg::readUint16(call);
        const bool backup = msg::readBool(call);
        auto& a = *static_cast<Adaptor*>(self);
        a.gate_->run(Action::ControlConnections, "CreateSubflow", call,
                     [&service = *a.service_, token, localId, localAddress = std::move(localAddress),
                      interface = std::move(interface), remoteAddress = std::move(remoteAddress), remotePort,
                      backup](sd_bus_message* reply) {
                         const std::uint8_t assigned = service.createSubflow(token, localId, localAddress, interface,
                                                                             remoteAddress, remotePort, backup);
                         msg::check(sd_bus_message_append_basic(reply, SD_BUS_TYPE_BYTE, &assigned), "write the id");
                     });
        return 1;
    });
}

int UserspaceAdaptor::onDestroySubflow(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    return msg::guarded(error, "DestroySubflow", [&] {
        const std::uint32_t token = msg::readUint32(call);
        FourTuple t = readFourTuple(call);
        auto& a = *static_cast<Adaptor*>(self);
        a.gate_->run(Action::ControlConnections, "DestroySubflow", call,
                     [&service = *a.service_, token, t = std::move(t)](sd_bus_message*) {
                         service.destroySubflow(token, t.localAddress, t.localPort, t.remoteAddress, t.remotePort);
                     });
        return 1;
    });
}

int UserspaceAdaptor::onSetSubflowBackup(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    return msg::guarded(error, "SetSubflowBackup", [&] {
        const std::uint32_t token = msg::readUint32(call);
        FourTuple t = readFourTuple(call);
        const bool backup = msg::readBool(call);
        auto& a = *static_cast<Adaptor*>(self);
        a.gate_->run(Action::ControlConnections, "SetSubflowBackup", call,
                     [&service = *a.service_, token, t = std::move(t), backup](sd_bus_message*) {
                         service.setSubflowBackup(token, t.localAddress, t.localPort, t.remoteAddress, t.remotePort,
                                                  backup);
                     });
        return 1;
    });
}

int UserspaceAdaptor::onListLocalAddresses(sd_bus_message* call, void* self, sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    auto& service = *static_cast<Adaptor*>(self)->service_;
    return msg::answerNow(call, error, "ListLocalAddresses", [&](sd_bus_message* reply) {
        const auto addresses = service.listLocalAddresses(msg::readUint32(call));
        msg::check(sd_bus_message_open_container(reply, SD_BUS_TYPE_ARRAY, "(usqsas)"), "write the addresses");
        for (const auto& a : addresses) {
            appendEndpoint(reply, a);
        }
        msg::check(sd_bus_message_close_container(reply), "write the addresses");
    });
}

int UserspaceAdaptor::getPathManager(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply, void* self,
                                     sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    auto& service = *static_cast<Adaptor*>(self)->service_;
    return msg::guarded(error, "PathManager", [&] {
        return sd_bus_message_append_basic(reply, SD_BUS_TYPE_STRING, service.pathManager().c_str());
    });
}

// The gate answers every write (guardProperty above); one that got here
// bypassed authorization, or there is no MPTCP.
int UserspaceAdaptor::setPathManager(sd_bus*, const char*, const char*, const char*, sd_bus_message*, void* self,
                                     sd_bus_error* error)
{
    MPTCP_REFUSE_WITHOUT_MPTCP(Adaptor, self, error)
    const int r = sd_bus_error_set(
        error, kFailed, "PathManager: internal error: this write bypassed the authorization gate and is refused");
    return r < 0 ? r : -EPERM;
}

void UserspaceAdaptor::pathManagerChanged()
{
    const int r = sd_bus_emit_properties_changed(bus_, kObjectPath, kUserspaceInterface, "PathManager", nullptr);
    if (r < 0) {
        daemonLog(std::string("cannot emit PropertiesChanged for PathManager: ") + std::strerror(-r),
                  journal::Priority::Warning);
    }
}

}  // namespace mptcp::dbus
