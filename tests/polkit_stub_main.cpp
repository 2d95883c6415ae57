// polkit-stub: a polkit of the tests' own on a private system bus. It owns
// org.freedesktop.PolicyKit1 and answers CheckAuthorization the way a test
// told it to, asynchronously like polkitd (which keeps a check open while
// a password dialog is up): "yes", "no", "challenge" (is_challenge: polkit
// would ask had the caller allowed interaction), "yes-if-interactive" (as
// if the user typed the password whenever interaction was allowed, else a
// challenge), "dismissed", or "hold" (no answer until the test releases
// the check). It records every check and every CancelCheckAuthorization.
// A cancelled held check stays held, so that a test can still make it say
// yes and show that the service ignores a late answer.
//
// The control interface org.mptcp.Test.PolkitStub (same object):
//   SetAnswer(s action, s answer)     action "" = every action without its own
//   Checks() -> a(ssus)               (bus name, action, flags, cancellation id)
//   Cancellations() -> as             cancellation ids, in order
//   Held() -> as                      cancellation ids of the held checks
//   Release(s id, s answer) -> b      answers a held check now
#include <sdbus-c++/sdbus-c++.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr const char* kAuthority = "org.freedesktop.PolicyKit1.Authority";
constexpr const char* kControl = "org.mptcp.Test.PolkitStub";

using Subject = sdbus::Struct<std::string, std::map<std::string, sdbus::Variant>>;
using AuthResult = sdbus::Struct<bool, bool, std::map<std::string, std::string>>;
using CheckRecord = sdbus::Struct<std::string, std::string, std::uint32_t, std::string>;

class PolkitStub {
public:
    explicit PolkitStub(sdbus::IObject& object) : object_(object)
    {
        object_.registerMethod("CheckAuthorization")
            .onInterface(kAuthority)
            .implementedAs([this](sdbus::Result<AuthResult>&& result, Subject subject, std::string action,
                                  std::map<std::string, std::string>, std::uint32_t flags,
                                  std::string id) { check(std::move(result), subject, action, flags, id); });
        object_.registerMethod("CancelCheckAuthorization")
            .onInterface(kAuthority)
            .implementedAs([this](std::string id) { cancellations_.push_back(id); });
        object_.registerMethod("SetAnswer")
            .onInterface(kControl)
            .implementedAs([this](std::string action, std::string answer) { answers_[action] = answer; });
        object_.registerMethod("Checks").onInterface(kControl).implementedAs([this] { return checks_; });
        object_.registerMethod("Cancellations").onInterface(kControl).implementedAs([this] { return cancellations_; });
        object_.registerMethod("Held").onInterface(kControl).implementedAs([this] {
            std::vector<std::string> ids;
            for (const auto& [id, held] : held_) {
                ids.push_back(id);
            }
            return ids;
        });
        object_.registerMethod("Release").onInterface(kControl).implementedAs(
            [this](std::string id, std::string answer) {
                const auto it = held_.find(id);
                if (it == held_.end()) {
                    return false;
                }
                reply(it->second.result, answer, it->second.flags);
                held_.erase(it);
                return true;
            });
        object_.finishRegistration();
    }

private:
    struct Held {
        sdbus::Result<AuthResult> result;
        std::uint32_t flags;
    };

    void check(sdbus::Result<AuthResult>&& result, const Subject& subject, const std::string& action,
               std::uint32_t flags, const std::string& id)
    {
        std::string name;
        if (const auto it = subject.get<1>().find("name"); it != subject.get<1>().end()) {
            name = it->second.get<std::string>();
        }
        checks_.push_back(CheckRecord{name, action, flags, id});
        std::string answer = "no";
        if (const auto it = answers_.find(action); it != answers_.end()) {
            answer = it->second;
        } else if (const auto all = answers_.find(""); all != answers_.end()) {
            answer = all->second;
        }
        if (answer == "hold") {
            held_.insert_or_assign(id, Held{std::move(result), flags});
            return;
        }
        reply(result, answer, flags);
    }

    static void reply(const sdbus::Result<AuthResult>& result, const std::string& answer, std::uint32_t flags)
    {
        const bool interactive = (flags & 1) != 0;
        if (answer == "yes" || (answer == "yes-if-interactive" && interactive)) {
            result.returnResults(AuthResult{true, false, {}});
        } else if (answer == "challenge" || answer == "yes-if-interactive") {
            result.returnResults(AuthResult{false, true, {}});
        } else if (answer == "dismissed") {
            result.returnResults(AuthResult{false, false, {{"polkit.dismissed", "true"}}});
        } else {
            result.returnResults(AuthResult{false, false, {}});
        }
    }

    sdbus::IObject& object_;
    std::map<std::string, std::string> answers_;
    std::vector<CheckRecord> checks_;
    std::vector<std::string> cancellations_;
    std::map<std::string, Held> held_;
};

}  // namespace

int main()
{
    try {
        auto bus = sdbus::createSystemBusConnection();
        auto object = sdbus::createObject(*bus, "/org/freedesktop/PolicyKit1/Authority");
        PolkitStub stub(*object);
        bus->requestName("org.freedesktop.PolicyKit1");
        bus->enterEventLoop();
    } catch (const sdbus::Error& e) {
        std::fprintf(stderr, "polkit-stub: %s: %s\n", e.getName().c_str(), e.getMessage().c_str());
        return 1;
    }
    return 0;
}
