#include "score_command.hpp"

#include "aplc/app/event_database.hpp"
#include "aplc/codec/event_codec.hpp"
#include "aplc/codec/standings_codec.hpp"
#include "cli_io.hpp"

#include <nlohmann/json.hpp>

namespace aplc {
namespace sc = aplc::scoring;

void register_score_command(CLI::App& app, score_options& options) {
    auto* cmd = app.add_subcommand(
        "score", "Compute the standings of an event file, or of an event database's log");
    auto* file = cmd->add_option("EVENT", options.event_file,
                                 "event file (JSON, schemas/event.schema.json)");
    auto* db = cmd->add_option("--db", options.db, "event database: replay its log instead");
    file->excludes(db);
    cmd->add_option("--format", options.format, "json (schemas/standings.schema.json) or table")
        ->check(CLI::IsMember({"json", "table"}));
    cmd->add_option("--explain", options.explain,
                    "show how each number of this team or member was made");
    cmd->callback([file, db] {
        if (file->count() + db->count() == 0) throw CLI::RequiredError{"an EVENT file or --db"};
    });
}

namespace {

// The rules of an event file, or of a database's replayed log; nullopt after reporting why.
std::optional<sc::rulebook> load_rules(const score_options& o, std::ostream& err, int& status) {
    if (!o.db.empty()) {
        auto log = store::log_store::open(o.db, store::open_mode::read_only);
        if (!log) {
            err << "aplc: " << log.error().message << " [" << store::code_name(log.error().code)
                << "]\n";
            status = 1;
            return std::nullopt;
        }
        auto state = app::replay(**log);
        if (!state) {
            err << "aplc: " << state.error().message << " [" << store::code_name(state.error().code)
                << "]\n";
            status = 1;
            return std::nullopt;
        }
        auto compiled = sc::rulebook::compile(state->scored_event());
        if (auto* problems = std::get_if<std::vector<sc::problem>>(&compiled)) {
            status = cli::report_problems(o.db, *problems, err);
            return std::nullopt;
        }
        return std::get<sc::rulebook>(std::move(compiled));
    }
    nlohmann::json doc;
    if ((status = cli::read_json_file(o.event_file, doc, err)) != 0) return std::nullopt;
    auto loaded = codec::load_event(doc);
    if (auto* problems = std::get_if<std::vector<sc::problem>>(&loaded)) {
        status = cli::report_problems(o.event_file, *problems, err);
        return std::nullopt;
    }
    return std::get<sc::rulebook>(std::move(loaded));
}

} // namespace

int run_score(const score_options& options, std::ostream& out, std::ostream& err) {
    int status = 0;
    auto rules = load_rules(options, err, status);
    if (!rules) return status;
    sc::standings_options so;
    if (!options.explain.empty()) {
        if (!rules->entrant_index({options.explain})) {
            err << "aplc: '" << options.explain << "' is not a team or member of "
                << rules->source().id << "\n";
            return 2;
        }
        so.explain = sc::entrant_id{options.explain};
    }
    auto standings = sc::compute_standings(*rules, so);
    if (!options.explain.empty() && options.format == "table")
        out << codec::format_explanation(*rules, standings, {options.explain});
    else if (options.format == "table")
        out << codec::format_table(*rules, standings);
    else
        out << codec::encode_standings(*rules, standings).dump(2) << "\n";
    return 0;
}

} // namespace aplc
