#include "rtnl_dump.hpp"

#include "pm_error.hpp"

#include <linux/rtnetlink.h>

#include <array>
#include <cstring>
#include <memory>
#include <string>

namespace mptcp::rtnl {
namespace {

constexpr int kAttempts = 5;

// Runs one dump; false when the kernel marked it interrupted.
bool dumpOnce(NetlinkTransport& transport, std::uint16_t type, std::uint32_t seq, Snapshot& out)
{
    alignas(4) std::array<std::uint8_t, kRequestBufferSize> request{};
    transport.send(buildDumpRequest(request, type, seq));
    // Dumps are rare (start, lost events): no buffer kept between them.
    // Not zeroed: only what the kernel writes into it is ever touched.
    const auto reply = std::make_unique_for_overwrite<std::uint8_t[]>(kReceiveBufferSize);
    const std::uint32_t portId = transport.portId();
    bool interrupted = false;
    for (;;) {
        const std::size_t n = transport.receive({reply.get(), kReceiveBufferSize});
        bool done = false;
        forEachMessage({reply.get(), n}, [&](const Message& m) {
            // Answers to an earlier request (after a timeout) are not ours.
            if (done || m.seq != seq || (m.portId != 0 && m.portId != portId)) {
                return;
            }
            interrupted |= m.dumpInterrupted;
            switch (m.kind) {
                case Message::Kind::NewLink:
                    out.links.push_back(m.link);
                    break;
                case Message::Kind::NewAddr:
                    out.addresses.push_back(m.address);
                    break;
                case Message::Kind::Done:
                case Message::Kind::Error:
                    if (m.error != 0) {
                        throw PmError(ErrorKind::Failed,
                                      std::string("rtnetlink dump of ") +
                                          (type == RTM_GETLINK ? "links" : "addresses") +
                                          " refused: " + errnoName(m.error) + " (" + std::strerror(m.error) + ")",
                                      m.error);
                    }
                    done = true;
                    break;
                default:
                    break;
            }
        });
        if (done) {
            return !interrupted;
        }
    }
}

}  // namespace

Snapshot dumpLinksAndAddresses(NetlinkTransport& transport, std::uint32_t& seq)
{
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        Snapshot s;
        if (dumpOnce(transport, RTM_GETLINK, ++seq, s) && dumpOnce(transport, RTM_GETADDR, ++seq, s)) {
            return s;
        }
    }
    throw PmError(ErrorKind::Failed, "rtnetlink dumps kept being interrupted by changes; giving up for now", EAGAIN);
}

}  // namespace mptcp::rtnl
