#include "simulate_command.hpp"

#include "aplc/codec/event_codec.hpp"
#include "aplc/sim/simulator.hpp"
#include "cli_io.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <ostream>
#include <random>
#include <regex>
#include <variant>

namespace aplc {

void register_simulate_command(CLI::App& app, simulate_command_options& o) {
    auto* cmd = app.add_subcommand(
        "simulate", "Rehearse: play an event's sheets against a running server as judges and "
                    "displays would, then compare its standings with `aplc score`");
    cmd->add_option("--url", o.url, "the server, e.g. http://127.0.0.1:8080")->required();
    cmd->add_option("--event", o.event_file, "event file whose sheets are played")->required();
    cmd->add_option("--judges", o.judges, "play only the first N judges of the event")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--displays", o.displays, "hall displays watching the overall board")
        ->capture_default_str()
        ->check(CLI::Range(0, 20000));
    cmd->add_option("--speed", o.speed, "event seconds per real second (60: an hour a minute)")
        ->capture_default_str()
        ->check(CLI::Range(0.01, 1e7));
    cmd->add_flag("--faults", o.faults,
                  "drop connections, resend, take tablets offline and back at random");
    cmd->add_option("--seed", o.seed, "seed for the timetable and the faults (default: random)");
    cmd->add_option("--correction-rate", o.correction_rate,
                    "share of sheets first sent wrongly and then corrected")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--organiser-password", o.organiser_password,
                    "the organiser's password (or APLC_ORGANISER_PASSWORD)");
    cmd->add_option("--report", o.report_file, "also write the report as JSON to this file");
}

namespace {

// http://HOST:PORT[/...] or ws://HOST:PORT[/...]; false for anything else.
bool parse_url(const std::string& url, sim::simulate_options& o) {
    static const std::regex form{R"(^(http|ws)://([A-Za-z0-9.\-]+)(:([0-9]{1,5}))?(/.*)?$)"};
    std::smatch m;
    if (!std::regex_match(url, m, form)) return false;
    o.host = m[2].str();
    const int port = m[4].matched ? std::stoi(m[4].str()) : 80;
    if (port < 1 || port > 65535) return false;
    o.port = static_cast<unsigned short>(port);
    return true;
}

std::string random_run_id(std::uint64_t seed) {
    std::random_device rd;
    std::uint64_t v = (std::uint64_t{rd()} << 32) ^ rd() ^ seed;
    static constexpr char hex[] = "0123456789abcdef";
    std::string id = "sim-";
    for (int i = 0; i < 10; ++i, v >>= 4) id += hex[v & 15];
    return id;
}

} // namespace

int run_simulate(const simulate_command_options& c, std::ostream& out, std::ostream& err) {
    sim::simulate_options o;
    if (!parse_url(c.url, o)) {
        err << "aplc: --url " << c.url
            << ": give the server as http://HOST:PORT or ws://HOST:PORT (the simulator does "
               "not speak TLS)\n";
        return 2;
    }
    nlohmann::json doc;
    if (int status = cli::read_json_file(c.event_file, doc, err)) return status;
    auto loaded = codec::load_event(doc);
    if (auto* problems = std::get_if<std::vector<scoring::problem>>(&loaded))
        return cli::report_problems(c.event_file, *problems, err);

    o.organiser_password = c.organiser_password;
    if (o.organiser_password.empty())
        if (const char* env = std::getenv("APLC_ORGANISER_PASSWORD")) o.organiser_password = env;
    if (o.organiser_password.empty()) {
        err << "aplc: the simulator signs in as the organiser: give --organiser-password or set "
               "APLC_ORGANISER_PASSWORD\n";
        return 2;
    }
    o.displays = c.displays;
    o.speed = c.speed;
    o.faults = c.faults;
    o.seed = c.seed ? *c.seed : std::random_device{}();

    sim::plan_options po;
    po.judges = c.judges;
    po.correction_rate = c.correction_rate;
    po.seed = o.seed;
    po.run_id = random_run_id(o.seed);
    const auto plan = sim::make_plan(doc, po);
    out << "simulating " << plan.sheets.size() << " sheets and " << plan.rulings.size()
        << " rulings over " << static_cast<long>(plan.length / 60) << " event minutes at "
        << o.speed << "x (about " << static_cast<long>(plan.length / o.speed) << " s), seed "
        << o.seed << (o.faults ? ", with faults" : "") << std::endl;

    std::size_t shown = 0;
    auto progress = [&](std::size_t acked, std::size_t total) {
        if (acked * 10 / std::max<std::size_t>(total, 1) > shown || acked == total) {
            shown = acked * 10 / std::max<std::size_t>(total, 1);
            out << "progress: " << acked << "/" << total << " sheets acknowledged" << std::endl;
        }
    };
    sim::simulate_report report;
    try {
        report = sim::simulate(plan, o, progress);
    } catch (const std::exception& e) {
        err << "aplc: simulate: " << e.what() << "\n";
        return 1;
    }
    sim::print_report(out, plan, o, report);
    if (!c.report_file.empty()) {
        std::ofstream file{c.report_file};
        file << sim::report_json(o, report).dump(2) << "\n";
        if (!file) {
            err << "aplc: cannot write " << c.report_file << "\n";
            return 1;
        }
    }
    return report.ok() ? 0 : 1;
}

} // namespace aplc
