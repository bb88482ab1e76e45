#include "live_fixture.hpp"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace aplc::itest {
namespace {

void drop_sheets(json& event, const std::string& scenario, const std::string& entrant,
                 const std::vector<std::string>& judges) {
    auto& sheets = event["sheets"];
    json kept = json::array();
    for (const auto& s : sheets) {
        bool match = s["scenario"] == scenario && s["entrant"] == entrant &&
                     (judges.empty() || std::find(judges.begin(), judges.end(),
                                                  s["judge"].get<std::string>()) != judges.end());
        if (!match) kept.push_back(s);
    }
    sheets = std::move(kept);
}

json named_values(const std::vector<std::string>& names, const std::vector<std::string>& marks) {
    if (names.size() != marks.size()) throw std::logic_error("one mark per field");
    json values = json::object();
    for (std::size_t i = 0; i < names.size(); ++i) values[names[i]] = marks[i];
    return values;
}

} // namespace

json load_json(const std::string& path) {
    std::ifstream in{path};
    if (!in) throw std::runtime_error("cannot read " + path);
    return json::parse(in);
}

void save_json(const std::string& path, const json& document) {
    std::ofstream out{path};
    out << document.dump(2);
    if (!out) throw std::runtime_error("cannot write " + path);
}

json demo_event() { return load_json(std::string{APLC_EXAMPLES} + "/aplc-demo.json"); }

json test_event() {
    json event = demo_event();
    drop_sheets(event, "riot-control", "BRN", {"J05"});
    drop_sheets(event, "hostage-rescue", "BRN", {});
    drop_sheets(event, "cell-extraction", "BRN", {});
    for (auto& s : event["scenarios"]) {
        if (s["id"] == "first-aid-under-stress") s["panel"].push_back("J09");
    }
    if (event["event"]["judges_own_country"] != false)
        throw std::logic_error("the demo event is expected to forbid judging one's own country");
    return event;
}

json expected_standings(const json& event, const std::vector<json>& extra_sheets) {
    json copy = event;
    for (const auto& s : extra_sheets) copy["sheets"].push_back(s);
    temp_dir dir;
    std::string path = dir.file("event.json");
    save_json(path, copy);
    command_result r = run_aplc({"score", path});
    if (r.status != 0) throw std::runtime_error("aplc score failed: " + r.err);
    return json::parse(r.out);
}

json scenario_of(const json& standings, const std::string& scenario) {
    for (const auto& s : standings.at("scenarios")) {
        if (s.at("id") == scenario) return s;
    }
    throw std::runtime_error("no scenario " + scenario + " in the standings");
}

json entry_of(const json& scenario_standings, const std::string& entrant) {
    for (const auto& e : scenario_standings.at("entries")) {
        if (e.at("entrant") == entrant) return e;
    }
    return nullptr;
}

std::string differences(const json& got, const json& want) {
    if (got == want) return {};
    json patch = json::diff(got, want);
    std::string text;
    std::size_t shown = 0;
    for (const auto& op : patch) {
        if (++shown > 6) {
            text += "... (" + std::to_string(patch.size()) + " differences)";
            break;
        }
        std::string line = op.dump();
        if (line.size() > 300) line = line.substr(0, 300) + "...";
        text += line + "\n";
    }
    return text;
}

json riot_sheet(const std::string& entrant, const std::string& judge,
                const std::vector<std::string>& marks) {
    return {{"scenario", "riot-control"},
            {"entrant", entrant},
            {"judge", judge},
            {"values",
             named_values({"formation", "command", "shield_work", "arrest_technique"}, marks)}};
}

json hostage_sheet(const std::string& entrant, const std::string& judge,
                   const std::vector<std::string>& marks) {
    return {{"scenario", "hostage-rescue"},
            {"entrant", entrant},
            {"judge", judge},
            {"values", named_values({"planning", "execution", "communication"}, marks)}};
}

json cell_sheet(const std::string& entrant, const std::string& judge,
                const std::vector<std::string>& marks) {
    return {{"scenario", "cell-extraction"},
            {"entrant", entrant},
            {"judge", judge},
            {"values", named_values({"approach", "control", "subject_safety", "teamwork"}, marks)}};
}

json timed_sheet(const std::string& scenario, const std::string& entrant, const std::string& judge,
                 json values) {
    return {{"scenario", scenario}, {"entrant", entrant}, {"judge", judge}, {"values", values}};
}

std::string new_submission_id() {
    static const std::uint64_t run = std::random_device{}();
    static std::atomic<int> counter{0};
    std::ostringstream id;
    id << "it-" << std::hex << run << "-" << std::dec << ++counter;
    return id.str();
}

json change(const std::string& type, json members) {
    members["type"] = type;
    members["submission_id"] = new_submission_id();
    return members;
}

live_server::live_server(std::vector<std::string> extra_args, json event)
    : event_(std::move(event)) {
    std::string path = files_.file("event.json");
    save_json(path, event_);
    server_options options;
    options.event_file = path;
    options.organiser_password = password_;
    options.extra_args = std::move(extra_args);
    process_ = std::make_unique<server_process>(std::move(options));
}

ws_client& live_server::organiser() {
    if (!organiser_) {
        organiser_ = connect();
        organiser_->sign_in("organiser", password_);
    }
    return *organiser_;
}

std::string live_server::issue(const std::string& subject, const std::string& role) {
    json reply = organiser().request({{"type", "auth.issue"}, {"subject", subject}, {"role", role}},
                                     sign_in_timeout);
    expect_ok(reply, "auth.issue " + role + " " + subject);
    return reply.at("secret").get<std::string>();
}

std::unique_ptr<ws_client> live_server::connect(ws_options options) {
    return std::make_unique<ws_client>(port(), std::move(options));
}

std::unique_ptr<ws_client> live_server::sign_in(const std::string& subject,
                                                const std::string& role) {
    std::string secret = issue(subject, role);
    auto client = connect();
    json reply = client->sign_in(subject, secret);
    if (reply.value("role", "") != role)
        throw std::runtime_error("signed in as " + subject + " with role " + reply.dump());
    return client;
}

std::int64_t live_server::health_seq() {
    http_response r = http_get(port(), "/healthz");
    if (r.status != 200) throw std::runtime_error("/healthz answered " + std::to_string(r.status));
    return json::parse(r.body).at("seq").get<std::int64_t>();
}

std::map<std::string, double> live_server::metric_samples() {
    return itest::metric_samples(port());
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit,
                std::chrono::milliseconds pause) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= until) return false;
        std::this_thread::sleep_for(pause);
    }
    return true;
}

std::map<std::string, double> metric_samples(unsigned short port) {
    http_response r = http_get(port, "/metrics");
    if (r.status != 200) throw std::runtime_error("/metrics answered " + std::to_string(r.status));
    return parse_metric_samples(r.body);
}

std::map<std::string, double> parse_metric_samples(const std::string& text) {
    std::map<std::string, double> out;
    std::istringstream lines{text};
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto space = line.rfind(' ');
        out[line.substr(0, space)] = std::stod(line.substr(space + 1));
    }
    return out;
}

json submit(ws_client& client, const json& sheet, const std::string& submission_id) {
    return client.request(
        {{"type", "sheet.submit"},
         {"submission_id", submission_id.empty() ? new_submission_id() : submission_id},
         {"sheet", sheet}});
}

} // namespace aplc::itest
