// libFuzzer target: sock_diag datagrams, as the live connections' reader
// receives them. Every socket message is read both ways (as an MPTCP
// socket with its mptcp_info, and as a TCP socket with tcp_info and the
// MPTCP ULP info): parsed or refused with PmError; nothing else may happen.
#include "pm_error.hpp"
#include "sock_diag_codec.hpp"

#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        mptcp::diag::forEachMessage(std::span<const std::uint8_t>(data, size), [](const mptcp::diag::Message& m) {
            if (m.kind != mptcp::diag::Message::Kind::Socket) {
                return;
            }
            try {
                (void)mptcp::diag::parseMptcpSocket(m.nlh);
            } catch (const mptcp::PmError&) {
            }
            try {
                (void)mptcp::diag::parseTcpSubflow(m.nlh);
            } catch (const mptcp::PmError&) {
            }
        });
    } catch (const mptcp::PmError&) {
    }
    return 0;
}
