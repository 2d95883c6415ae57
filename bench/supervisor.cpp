#include "supervisor.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace mptcp::bench {

int runSupervised(const std::function<int(const std::string& workDir)>& fn)
{
    char pattern[] = "/tmp/mptcp-pm-bench.XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
        std::cerr << "mptcp-pm-bench: mkdtemp: " << std::strerror(errno) << '\n';
        return 1;
    }
    const std::string workDir = pattern;
    std::cout.flush();
    std::cerr.flush();
    const pid_t child = fork();
    if (child < 0) {
        std::cerr << "mptcp-pm-bench: fork: " << std::strerror(errno) << '\n';
        std::filesystem::remove(workDir);
        return 1;
    }
    if (child == 0) {
        int rc = 1;
        try {
            rc = fn(workDir);
        } catch (const std::exception& e) {
            std::cerr << "mptcp-pm-bench: " << e.what() << '\n';
        }
        std::cout.flush();
        std::cerr.flush();
        std::exit(rc);
    }
    // Ctrl-C reaches the whole process group: the child ends, the
    // supervisor stays to clean up.
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::error_code ignored;
    if (rc == 0 || rc == 77 || WIFSIGNALED(status)) {
        std::filesystem::remove_all(workDir, ignored);
    } else {
        std::cerr << "mptcp-pm-bench: logs of the failed run kept in " << workDir << '\n';
    }
    return rc;
}

}  // namespace mptcp::bench
