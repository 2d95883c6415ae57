// The daemon's start on a kernel without MPTCP, with the fake kernel in the
// real kernel's place: main() of mptcp-pathmanagerd does the same steps
// (resolve the mptcp_pm family; on NotSupported serve the bus anyway).
// Run by fault_test.cpp through the bus harness, like the real daemon.
#include "fake_kernel.hpp"
#include "journal_log.hpp"
#include "no_mptcp_service.hpp"
#include "pm_client.hpp"

#include <cstdio>

int main()
{
    mptcp::testing::FakeKernel kernel(false);
    try {
        mptcp::PmClient client(kernel);
    } catch (const mptcp::PmError& e) {
        mptcp::journal::logLine(mptcp::journal::Priority::Error, "mptcp-pathmanagerd", e.what());
        if (e.kind() == mptcp::ErrorKind::NotSupported) {
            return mptcp::dbus::serveWithoutMptcp(e.what());
        }
        return 1;
    }
    std::fputs("the fake kernel without MPTCP resolved mptcp_pm\n", stderr);
    return 3;
}
