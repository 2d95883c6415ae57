#include "profile_view.hpp"

#include "json_writer.hpp"

namespace mptcp::profile {

using dispatch::Verdict;

ProfileView viewOf(const dispatch::ConnectionSettings& settings, const std::string& device, bool active,
                   const dispatch::DispatchConfig& config)
{
    ProfileView v;
    v.id = settings.id;
    v.uuid = settings.uuid;
    v.type = settings.type;
    v.device = device;
    v.active = active;
    v.stored = settings.userFlags;
    v.decision = dispatch::decideConfigure(device, settings, config);
    return v;
}

std::string decisionText(const dispatch::Decision& d)
{
    switch (d.verdict) {
        case Verdict::Manage:
            return "manage with " + dispatch::flagListText(d.flags) + (d.uniqueLocal ? " and unique-local" : "");
        case Verdict::Release:
            return "no endpoints (flags none)";
        case Verdict::Ignore:
            break;
    }
    return "left to NetworkManager";
}

namespace {

const char* verdictWord(Verdict v)
{
    switch (v) {
        case Verdict::Manage:
            return "manage";
        case Verdict::Release:
            return "release";
        case Verdict::Ignore:
            break;
    }
    return "ignore";
}

}  // namespace

std::string describeText(const std::vector<ProfileView>& views)
{
    std::string out;
    for (const auto& v : views) {
        out += v.id + "\n";
        out += "  uuid:      " + v.uuid + "\n";
        out += "  type:      " + v.type + "\n";
        out += "  device:    " + (v.device.empty() ? std::string("(any)") : v.device) + (v.active ? " (active)" : "") +
               "\n";
        out += "  flags:     " + v.stored.value_or("default") + "\n";
        out += "  the hook:  " + decisionText(v.decision) + "\n";
        out += "  because:   " + v.decision.reason + "\n";
    }
    return out;
}

std::string describeJson(const std::vector<ProfileView>& views, bool pretty)
{
    cli::JsonWriter w(pretty);
    w.startArray();
    for (const auto& v : views) {
        w.startObject();
        w.field("name", v.id);
        w.field("uuid", v.uuid);
        w.field("type", v.type);
        w.field("device", v.device);
        w.field("active", v.active);
        w.field("flags", v.stored.value_or("default"));
        w.field("decision", verdictWord(v.decision.verdict));
        w.field("decided-flags", dispatch::flagListText(v.decision.flags));
        w.field("reason", v.decision.reason);
        w.endObject();
    }
    w.endArray();
    return w.finish();
}

}  // namespace mptcp::profile
