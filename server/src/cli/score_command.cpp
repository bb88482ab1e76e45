#include "score_command.hpp"

#include "aplc/codec/event_codec.hpp"
#include "aplc/codec/standings_codec.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace aplc {
namespace sc = aplc::scoring;

void register_score_command(CLI::App& app, score_options& options) {
    auto* cmd =
        app.add_subcommand("score", "Compute the standings of an event file (with its sheets)");
    cmd->add_option("EVENT", options.event_file, "event file (JSON, schemas/event.schema.json)")
        ->required();
    cmd->add_option("--format", options.format, "json (schemas/standings.schema.json) or table")
        ->check(CLI::IsMember({"json", "table"}));
    cmd->add_option("--explain", options.explain,
                    "show how each number of this team or member was made");
}

namespace {

// Reads and parses a JSON file; on failure writes the reason and returns the exit status.
int read_json(const std::string& path, nlohmann::json& doc, std::ostream& err) {
    std::ifstream in{path, std::ios::binary};
    if (!in) {
        err << "aplc: cannot read '" << path << "': " << std::strerror(errno)
            << " (check the path and permissions)\n";
        return 1;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    try {
        doc = nlohmann::json::parse(buffer.str());
    } catch (const nlohmann::json::parse_error& e) {
        err << path << ": not valid JSON: " << e.what() << "\n";
        return 2;
    }
    return 0;
}

} // namespace

int run_score(const score_options& options, std::ostream& out, std::ostream& err) {
    nlohmann::json doc;
    if (int status = read_json(options.event_file, doc, err)) return status;
    auto loaded = codec::load_event(doc);
    if (auto* problems = std::get_if<std::vector<sc::problem>>(&loaded)) {
        for (const auto& p : *problems)
            err << options.event_file << ": " << (p.path.empty() ? "(document)" : p.path) << ": "
                << p.message << "\n";
        return 2;
    }
    const auto& rules = std::get<sc::rulebook>(loaded);
    sc::standings_options so;
    if (!options.explain.empty()) {
        if (!rules.entrant_index({options.explain})) {
            err << "aplc: '" << options.explain << "' is not a team or member of "
                << rules.source().id << "\n";
            return 2;
        }
        so.explain = sc::entrant_id{options.explain};
    }
    auto standings = sc::compute_standings(rules, std::span<const sc::sheet>{rules.source().sheets},
                                           rules.source().rulings, so);
    if (!options.explain.empty() && options.format == "table")
        out << codec::format_explanation(rules, standings, {options.explain});
    else if (options.format == "table")
        out << codec::format_table(rules, standings);
    else
        out << codec::encode_standings(rules, standings).dump(2) << "\n";
    return 0;
}

} // namespace aplc
