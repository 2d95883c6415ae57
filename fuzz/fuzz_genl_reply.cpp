// libFuzzer target: the kernel's generic netlink replies, as PmClient reads
// them. The input is a sequence of datagrams (each a 16-bit little-endian
// length and that many bytes) that a transport hands out in answer to the
// client's requests, with each message's sequence number and port id set
// to those of the request, so that the bytes reach the parsers rather than
// being skipped as stale. Whatever the bytes, the client may only succeed or
// throw PmError / KernelRefused: anything else ends the run as a crash.
#include "genl_codec.hpp"
#include "netlink_transport.hpp"
#include "pm_client.hpp"
#include "pm_error.hpp"

#include <linux/netlink.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace {

class ReplayTransport final : public mptcp::NetlinkTransport {
public:
    explicit ReplayTransport(std::span<const std::uint8_t> input)
    {
        while (input.size() >= 2 && datagrams_.size() < 64) {
            const std::size_t len = std::min<std::size_t>(input[0] | (input[1] << 8), input.size() - 2);
            datagrams_.emplace_back(input.begin() + 2, input.begin() + 2 + static_cast<std::ptrdiff_t>(len));
            input = input.subspan(2 + len);
        }
    }

    void send(std::span<const std::uint8_t> message) override
    {
        if (message.size() >= sizeof(nlmsghdr)) {
            std::memcpy(&seq_, message.data() + offsetof(nlmsghdr, nlmsg_seq), sizeof seq_);
        }
    }

    std::size_t receive(std::span<std::uint8_t> buffer) override
    {
        if (next_ >= datagrams_.size()) {
            throw mptcp::PmError(mptcp::ErrorKind::Failed, "no more replies", ETIMEDOUT);
        }
        std::vector<std::uint8_t>& d = datagrams_[next_++];
        // Make every whole header in the datagram belong to the request.
        for (std::size_t off = 0; off + sizeof(nlmsghdr) <= d.size();) {
            nlmsghdr h;
            std::memcpy(&h, d.data() + off, sizeof h);
            h.nlmsg_seq = seq_;
            h.nlmsg_pid = kPortId;
            std::memcpy(d.data() + off, &h, sizeof h);
            const std::size_t step = NLMSG_ALIGN(h.nlmsg_len);
            if (step < sizeof(nlmsghdr)) {
                break;
            }
            off += step;
        }
        if (d.size() > buffer.size()) {
            throw mptcp::PmError(mptcp::ErrorKind::Failed, "reply larger than the buffer", EMSGSIZE);
        }
        std::copy(d.begin(), d.end(), buffer.begin());
        return d.size();
    }

    std::uint32_t portId() const override { return kPortId; }

private:
    static constexpr std::uint32_t kPortId = 4242;
    std::vector<std::vector<std::uint8_t>> datagrams_;
    std::size_t next_ = 0;
    std::uint32_t seq_ = 0;
};

template <typename Fn>
void tolerate(Fn&& fn)
{
    try {
        fn();
    } catch (const mptcp::PmError&) {
    } catch (const mptcp::KernelRefused&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ReplayTransport transport({data, size});
    std::unique_ptr<mptcp::PmClient> client;
    tolerate([&] { client = std::make_unique<mptcp::PmClient>(transport); });
    if (!client) {
        return 0;
    }
    tolerate([&] { client->dumpAddrs(); });
    tolerate([&] { client->getAddr(1); });
    tolerate([&] { client->getLimits(); });
    mptcp::genl::AddrSpec spec;
    spec.id = 3;
    tolerate([&] { client->addAddr(spec); });
    tolerate([&] { client->flushAddrs(); });
    return 0;
}
