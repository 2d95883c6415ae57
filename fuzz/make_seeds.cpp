// Writes the binary seed corpora of fuzz/corpus/ from the tests' byte-exact
// fakes, so that the fuzzers start from what the kernel really sends:
//   genl_reply/  the replies FakeKernel gives PmClient's requests
//   events/      mptcp_pm events (EventBytes)
//   rtnl/        rtnetlink link and address messages (fake_route.hpp)
//   sock_diag/   socket diagnostics of MPTCP sockets and subflows (diag_bytes.hpp)
// Run from the fuzz build: fuzz/make-seeds <source>/fuzz/corpus
// (the text corpora are written by hand).
#include "diag_bytes.hpp"
#include "event_bytes.hpp"
#include "fake_kernel.hpp"
#include "fake_route.hpp"
#include "pm_client.hpp"
#include "pm_protocol.hpp"

#include <linux/rtnetlink.h>

#include <cstdio>
#include <fstream>
#include <span>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<std::uint8_t>;

void write(const std::string& path, const Bytes& bytes)
{
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Records every datagram the client receives, in the fuzzer's framing.
class Recorder final : public mptcp::NetlinkTransport {
public:
    explicit Recorder(mptcp::NetlinkTransport& inner) : inner_(inner) {}
    void send(std::span<const std::uint8_t> m) override { inner_.send(m); }
    std::size_t receive(std::span<std::uint8_t> buffer) override
    {
        const std::size_t n = inner_.receive(buffer);
        framed.push_back(static_cast<std::uint8_t>(n & 0xff));
        framed.push_back(static_cast<std::uint8_t>(n >> 8));
        framed.insert(framed.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
        return n;
    }
    std::uint32_t portId() const override { return inner_.portId(); }
    Bytes framed;

private:
    mptcp::NetlinkTransport& inner_;
};

// The fuzz target's order: family, dump, get id 1, limits, add, flush.
void genlSeed(const std::string& path, bool withEndpoints)
{
    mptcp::testing::FakeKernel kernel;
    Recorder recorder(kernel);
    mptcp::PmClient client(recorder);
    if (withEndpoints) {
        for (const char* a : {"10.0.0.1", "2001:db8::1", "::ffff:10.0.0.3"}) {
            mptcp::genl::AddrSpec spec;
            spec.address = mptcp::IpAddress::parse(a);
            spec.flags = mptcp::proto::FLAG_SUBFLOW;
            client.addAddr(spec);
        }
        recorder.framed.resize(0);
        // Start again with the family reply only, then the table's answers.
        mptcp::PmClient again(recorder);
    }
    client.dumpAddrs();
    try {
        client.getAddr(1);
    } catch (const std::exception&) {
    }
    client.getLimits();
    mptcp::genl::AddrSpec spec;
    spec.id = 3;
    try {
        client.addAddr(spec);
    } catch (const std::exception&) {
    }
    client.flushAddrs();
    write(path, recorder.framed);
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fputs("usage: make-seeds CORPUS_DIR\n", stderr);
        return 2;
    }
    const std::string dir = argv[1];
    using mptcp::testing::EventBytes;
    namespace proto = mptcp::proto;

    genlSeed(dir + "/genl_reply/empty-table", false);
    genlSeed(dir + "/genl_reply/three-endpoints", true);

    // Events: a family-id byte (0x0f + 0x10 = 0x1f), then the datagram.
    auto event = [&](const std::string& name, const Bytes& datagram) {
        Bytes b{0x0f};
        b.insert(b.end(), datagram.begin(), datagram.end());
        write(dir + "/events/" + name, b);
    };
    event("created-v4-server", mptcp::testing::createdV4(0x12345678, true));
    event("closed", mptcp::testing::closedEvent(0x12345678));
    event("sub-established-v6", EventBytes(proto::EVENT_SUB_ESTABLISHED)
                                    .u32(proto::EV_ATTR_TOKEN, 7)
                                    .u16(proto::EV_ATTR_FAMILY, 10)
                                    .address(proto::EV_ATTR_SADDR6, "2001:db8::1")
                                    .address(proto::EV_ATTR_DADDR6, "2001:db8::2")
                                    .be16(proto::EV_ATTR_SPORT, 40000)
                                    .be16(proto::EV_ATTR_DPORT, 80)
                                    .u8(proto::EV_ATTR_LOC_ID, 1)
                                    .u8(proto::EV_ATTR_REM_ID, 2)
                                    .u8(proto::EV_ATTR_BACKUP, 1)
                                    .bytes());
    event("listener-created", EventBytes(proto::EVENT_LISTENER_CREATED)
                                  .u16(proto::EV_ATTR_FAMILY, 2)
                                  .address(proto::EV_ATTR_SADDR4, "10.0.2.1")
                                  .be16(proto::EV_ATTR_SPORT, 8080)
                                  .bytes());
    event("unknown-type", EventBytes(99).u32(proto::EV_ATTR_TOKEN, 1).bytes());

    using mptcp::testing::addressMessage;
    using mptcp::testing::linkMessage;
    write(dir + "/rtnl/newlink", linkMessage(RTM_NEWLINK, 2, "eth0"));
    write(dir + "/rtnl/dellink", linkMessage(RTM_DELLINK, 3, "wlan0"));
    write(dir + "/rtnl/newaddr-v4", addressMessage(RTM_NEWADDR, 2, "192.0.2.1/24", 0, RT_SCOPE_UNIVERSE));
    write(dir + "/rtnl/newaddr-v6-tentative", addressMessage(RTM_NEWADDR, 2, "2001:db8::1/64", 0x40, 0));
    write(dir + "/rtnl/deladdr-v6", addressMessage(RTM_DELADDR, 2, "2001:db8::1/64", 0, 0));

    // sock_diag: what ConnectionReader receives.
    using mptcp::testing::diagMessage;
    auto join = [](std::initializer_list<Bytes> parts) {
        Bytes all;
        for (const Bytes& p : parts) {
            all.insert(all.end(), p.begin(), p.end());
        }
        return all;
    };
    mptcp::testing::DiagMptcpInfo info;
    info.token = 0x12345678;
    info.subflows = 1;
    info.subflowsTotal = 2;
    info.bytesSent = 1000;
    const Bytes full = mptcp::testing::mptcpInfoBytes(info);
    const Bytes old(full.begin(), full.begin() + 48);  // a 5.14 kernel's struct
    const mptcp::testing::DiagSocket v4{"127.0.0.1", 40000, "127.0.0.1", 5000, 1, 65534, 0};
    const mptcp::testing::DiagSocket v6{"::1", 5000, "::1", 40001, 8, 0, 2};
    write(dir + "/sock_diag/mptcp-dump", join({diagMessage(v4, full, std::nullopt, 1),
                                               diagMessage(v6, old, std::nullopt, 1), mptcp::testing::diagDone(1)}));
    mptcp::testing::DiagSubflowInfo ulp;
    ulp.tokenLocal = 0x12345678;
    ulp.tokenRemote = 0;
    ulp.idLocal = 1;
    ulp.idRemote = 0;
    ulp.flags = 0x4c;
    ulp.rttUs = 100;
    write(dir + "/sock_diag/tcp-subflows",
          join({diagMessage(v4, mptcp::testing::tcpInfoBytes(ulp), ulp, 2),
                diagMessage(v6, std::nullopt, std::nullopt, 2), mptcp::testing::diagDone(2)}));
    write(dir + "/sock_diag/enoent", mptcp::testing::diagError(2, 3));
    return 0;
}
