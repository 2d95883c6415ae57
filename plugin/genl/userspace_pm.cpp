#include "userspace_pm.hpp"

#include "pm_protocol.hpp"
#include "pm_rules.hpp"

#include <bitset>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace mptcp {
namespace {

std::string withKernelText(std::string message, const KernelError& e)
{
    if (!e.message.empty()) {
        message += " (kernel: " + e.message + ")";
    }
    return message;
}

// The kernel's texts that say "no such thing" (seen on Linux 6.18).
bool isNotFound(const KernelError& e)
{
    if (e.error == ESRCH) {
        return true;
    }
    return e.error == EINVAL && (e.message == "subflow not found" || e.message == "address not found" ||
                                 (e.message.starts_with("address with id ") && e.message.ends_with(" not found")));
}

genl::AddrSpec addressOnly(const IpAddress& address, std::uint16_t port)
{
    genl::AddrSpec spec;
    spec.address = address;
    spec.port = port;
    return spec;
}

std::string describeAddress(const IpAddress& address, std::uint16_t port)
{
    std::string s = address.toString();
    if (port != 0) {
        s += " port " + std::to_string(port);
    }
    return s;
}

std::string describeSubflow(const IpAddress& local, std::uint16_t localPort, const IpAddress& remote,
                            std::uint16_t remotePort)
{
    return "subflow " + describeAddress(local, localPort) + " -> " + describeAddress(remote, remotePort);
}

}  // namespace

std::string describeToken(std::uint32_t token)
{
    char hex[16];
    std::snprintf(hex, sizeof hex, "%08x", token);
    return "token " + std::to_string(token) + " (0x" + hex + ")";
}

bool kernelAtLeast(std::string_view release, int major, int minor)
{
    int gotMajor = 0, gotMinor = 0;
    std::size_t i = 0;
    const auto number = [&](int& out) {
        const std::size_t start = i;
        while (i < release.size() && release[i] >= '0' && release[i] <= '9' && i - start < 6) {
            out = out * 10 + (release[i] - '0');
            ++i;
        }
        return i > start;
    };
    if (!number(gotMajor) || i >= release.size() || release[i] != '.') {
        return false;
    }
    ++i;
    if (!number(gotMinor)) {
        return false;
    }
    return gotMajor > major || (gotMajor == major && gotMinor >= minor);
}

void throwUserspaceRefusal(const KernelRefused& refusal, std::uint32_t token, const std::string& subject)
{
    const KernelError& e = refusal.status();
    if (e.error == EINVAL && e.message == "invalid token") {
        throw PmError(ErrorKind::NotFound, withKernelText("no MPTCP connection with " + describeToken(token), e),
                      e.error);
    }
    if (e.error == EINVAL && e.message == "userspace PM not selected") {
        throw PmError(ErrorKind::NotSupported,
                      withKernelText("the connection with " + describeToken(token) +
                                         " uses the in-kernel path manager; only connections created while the "
                                         "path manager is \"userspace\" can be controlled (set the PathManager "
                                         "property, `mptcpctl path-manager set userspace`, then open the "
                                         "connection again)",
                                     e),
                      e.error);
    }
    if (isNotFound(e)) {
        throw PmError(ErrorKind::NotFound,
                      withKernelText("no " + subject + " on the connection with " + describeToken(token), e), e.error);
    }
    if (e.error == EINVAL) {
        throw PmError(ErrorKind::InvalidArgs,
                      subject + ": " + (e.message.empty() ? std::string("invalid argument (EINVAL)") : e.message),
                      e.error);
    }
    if (e.error == EADDRNOTAVAIL) {
        throw PmError(ErrorKind::InvalidArgs,
                      withKernelText(subject + ": the local address is not configured on this host", e), e.error);
    }
    throw PmError(ErrorKind::Failed,
                  subject + ": " + errnoName(e.error) + " (" + std::strerror(e.error) + ")" +
                      (e.message.empty() ? "" : ": " + e.message),
                  e.error);
}

std::int32_t UserspacePm::ifindexOf(std::string_view interface)
{
    if (interface.empty()) {
        return 0;
    }
    const auto index = names_.indexOf(interface);
    if (!index) {
        throw PmError(ErrorKind::InvalidArgs, "no interface named " + rules::quoteArg(interface));
    }
    return *index;
}

void UserspacePm::announce(std::uint32_t token, std::uint8_t id, std::string_view address, std::uint16_t port,
                           std::string_view interface)
{
    rules::checkAnnounceId(id);
    const IpAddress parsed = rules::parseAddress(address);
    genl::AddrSpec spec = addressOnly(parsed, port);
    spec.id = id;
    spec.flags = proto::FLAG_SIGNAL;  // the kernel announces only signal addresses
    spec.ifindex = ifindexOf(interface);
    try {
        client_.announce(token, spec);
    } catch (const KernelRefused& e) {
        throwUserspaceRefusal(e, token,
                              "announcement of " + describeAddress(parsed, port) + " id " + std::to_string(id));
    }
}

void UserspacePm::remove(std::uint32_t token, std::uint8_t id)
{
    try {
        client_.remove(token, id);
    } catch (const KernelRefused& e) {
        throwUserspaceRefusal(e, token, "local address with id " + std::to_string(id));
    }
}

std::uint8_t UserspacePm::pickLocalId(std::uint32_t token, const IpAddress& address)
{
    if (!listSupported_) {
        throw PmError(ErrorKind::NotSupported,
                      "this kernel cannot list a connection's local addresses (Linux 6.9+), so the service cannot "
                      "pick an unused local id: give one (1..255)");
    }
    std::bitset<256> used;
    used.set(0);  // never 0: a later REMOVE of id 0 would take the initial subflow too
    for (const Endpoint& ep : listLocalAddresses(token)) {
        if (ep.port == 0 && ep.address.sameAs(address) && ep.id != 0) {
            return ep.id;  // the kernel insists on the id the address already has
        }
        used.set(ep.id);
    }
    for (unsigned id = 1; id <= proto::kMaxEndpointId; ++id) {
        if (!used.test(id)) {
            return static_cast<std::uint8_t>(id);
        }
    }
    throw PmError(ErrorKind::LimitReached,
                  "the connection with " + describeToken(token) + " uses every local id 1..255 already");
}

std::uint8_t UserspacePm::createSubflow(const CreateSubflowRequest& req)
{
    const IpAddress local = rules::parseAddress(req.localAddress);
    const IpAddress remote = rules::parseAddress(req.remoteAddress);
    rules::checkSameFamily(local, remote);
    rules::checkPortGiven(req.remotePort, "remote port");
    const std::int32_t ifindex = ifindexOf(req.interface);
    const std::uint8_t id = req.localId != 0 ? req.localId : pickLocalId(req.token, local);
    genl::AddrSpec spec = addressOnly(local, 0);
    spec.id = id;
    spec.ifindex = ifindex;
    spec.flags = req.backup ? proto::FLAG_BACKUP : 0u;
    try {
        client_.subflowCreate(req.token, spec, addressOnly(remote, req.remotePort));
    } catch (const KernelRefused& e) {
        throwUserspaceRefusal(e, req.token,
                              "new subflow from " + local.toString() + " (id " + std::to_string(id) + ") to " +
                                  describeAddress(remote, req.remotePort));
    }
    return id;
}

void UserspacePm::destroySubflow(const SubflowTuple& s)
{
    const IpAddress local = rules::parseAddress(s.localAddress);
    const IpAddress remote = rules::parseAddress(s.remoteAddress);
    rules::checkSameFamily(local, remote);
    rules::checkPortGiven(s.localPort, "local port");
    rules::checkPortGiven(s.remotePort, "remote port");
    try {
        client_.subflowDestroy(s.token, addressOnly(local, s.localPort), addressOnly(remote, s.remotePort));
    } catch (const KernelRefused& e) {
        throwUserspaceRefusal(e, s.token, describeSubflow(local, s.localPort, remote, s.remotePort));
    }
}

void UserspacePm::setSubflowBackup(const SubflowTuple& s, bool backup)
{
    const IpAddress local = rules::parseAddress(s.localAddress);
    const IpAddress remote = rules::parseAddress(s.remoteAddress);
    rules::checkSameFamily(local, remote);
    rules::checkPortGiven(s.remotePort, "remote port");
    genl::AddrSpec spec = addressOnly(local, s.localPort);
    spec.flags = backup ? proto::FLAG_BACKUP : 0u;  // always sent: 0 clears backup
    try {
        client_.setSubflowFlags(s.token, spec, addressOnly(remote, s.remotePort));
    } catch (const KernelRefused& e) {
        throwUserspaceRefusal(e, s.token, describeSubflow(local, s.localPort, remote, s.remotePort));
    }
}

std::vector<Endpoint> UserspacePm::listLocalAddresses(std::uint32_t token)
{
    if (!listSupported_) {
        throw PmError(ErrorKind::NotSupported,
                      "this kernel cannot list a connection's local addresses (GET_ADDR with a token came with "
                      "Linux 6.9)");
    }
    try {
        return client_.dumpAddrs(token);
    } catch (const KernelRefused& e) {
        throwUserspaceRefusal(e, token, "local addresses");
    }
}

}  // namespace mptcp
