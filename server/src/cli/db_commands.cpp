#include "db_commands.hpp"

#include "aplc/app/event_database.hpp"
#include "aplc/codec/event_codec.hpp"
#include "aplc/codec/standings_codec.hpp"
#include "aplc/export/export_writer.hpp"
#include "aplc/export/json_export.hpp"
#include "aplc/export/verify_export.hpp"
#include "cli_io.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace aplc {
namespace sc = aplc::scoring;
using nlohmann::json;

void register_db_commands(CLI::App& app, db_options& o) {
    auto* import = app.add_subcommand(
        "import", "Store an event file (definition, sheets, rulings) in an event database");
    import->add_option("--db", o.db, "event database (SQLite; created if absent)")->required();
    import->add_option("EVENT", o.event_file, "event file (JSON)")->required();
    import->add_flag("--no-sheets", o.no_sheets,
                     "store only the definition, not the file's sheets and run rulings (a "
                     "rehearsal database for `aplc simulate`)");

    auto* verify = app.add_subcommand("verify", "Check the log's hash chain and name the first "
                                                "entry that was edited, deleted or reordered");
    verify->add_option("--db", o.db, "event database")->required();
    verify->add_option("--export", o.export_file,
                       "also check that this export (a file, or a csv/letters directory) matches "
                       "the log");

    auto* backup = app.add_subcommand(
        "backup",
        "Take a consistent copy of an event database, even while the server writes to it");
    backup->add_option("--db", o.db, "event database")->required();
    backup->add_option("--to", o.to, "the copy to write (replaced if it exists)")->required();

    auto* cp = app.add_subcommand(
        "checkpoint", "Save the replayed state so the next start-up replays only newer entries");
    cp->add_option("--db", o.db, "event database")->required();

    auto* exp = app.add_subcommand(
        "export", "Write the official results: JSON (the event, its log and its standings), CSV, "
                  "XLSX, the PDF results book or a letter per team (docs/exports.md)");
    exp->add_option("--db", o.db, "event database")->required();
    exp->add_option("--format", o.format, "json, csv, xlsx, pdf or letters")
        ->check(CLI::IsMember({"json", "csv", "xlsx", "pdf", "letters"}));
    exp->add_option("--out", o.out,
                    "file to write (json, xlsx, pdf; json defaults to standard output) or "
                    "directory (csv, letters)");
}

namespace {

int store_failure(const store::store_error& e, std::ostream& err) {
    err << "aplc: " << e.message << " [" << store::code_name(e.code) << "]\n";
    return 1;
}

} // namespace

int import_event_file(const std::string& db, const std::string& event_file, std::ostream& out,
                      std::ostream& err, bool definition_only) {
    json doc;
    if (int status = cli::read_json_file(event_file, doc, err)) return status;
    if (definition_only) {
        doc.erase("sheets");
        doc.erase("runs");
    }
    auto loaded = codec::load_event(doc);
    if (auto* problems = std::get_if<std::vector<sc::problem>>(&loaded))
        return cli::report_problems(event_file, *problems, err);
    auto log = store::log_store::open(db, store::open_mode::read_write);
    if (!log) return store_failure(log.error(), err);
    auto summary = app::import_event(**log, doc, "organiser", app::now_utc());
    if (!summary) return store_failure(summary.error(), err);
    if (summary->stored == 0)
        out << event_file << " was already imported into " << db << " (entries "
            << summary->first_seq << "-" << summary->last_seq << "); nothing was stored\n";
    else
        out << "imported " << event_file << " into " << db << ": " << summary->stored
            << " entries (" << summary->first_seq << "-" << summary->last_seq << ")\n";
    return 0;
}

namespace {

int run_verify_export(const store::log_store& log, const db_options& o, std::ostream& out,
                      std::ostream& err);

int run_import(const db_options& o, std::ostream& out, std::ostream& err) {
    return import_event_file(o.db, o.event_file, out, err, o.no_sheets);
}

int run_verify(const db_options& o, std::ostream& out, std::ostream& err) {
    auto log = store::log_store::open(o.db, store::open_mode::read_only);
    if (!log) return store_failure(log.error(), err);
    auto check = app::check_log(**log);
    if (!check) return store_failure(check.error(), err);
    const auto& report = check->chain;
    if (report.first_bad) {
        err << "aplc: " << o.db << ": the log does NOT verify: " << report.problem << " (entries 1-"
            << *report.first_bad - 1 << " are intact)\n";
        return 1;
    }
    if (!check->checkpoint_matches) {
        err << "aplc: " << o.db << ": the log verifies, but the checkpoint at entry "
            << *check->checkpoint_seq
            << " does NOT match it (it was changed): run 'aplc checkpoint --db " << o.db
            << "' to rebuild it from the log\n";
        return 1;
    }
    out << o.db << ": the log verifies: " << report.entries << " entries, last hash "
        << store::to_hex(report.last_hash) << "; ";
    if (check->checkpoint_seq)
        out << "the checkpoint at entry " << *check->checkpoint_seq << " matches it\n";
    else
        out << "no checkpoint yet\n";
    if (!o.export_file.empty()) return run_verify_export(**log, o, out, err);
    return 0;
}

int run_checkpoint(const db_options& o, std::ostream& out, std::ostream& err) {
    if (!std::filesystem::exists(o.db)) {
        err << "aplc: '" << o.db << "' does not exist (check the path) [cannot_open]\n";
        return 1;
    }
    auto log = store::log_store::open(o.db, store::open_mode::read_write);
    if (!log) return store_failure(log.error(), err);
    auto state = app::replay_all(**log);
    if (!state) return store_failure(state.error(), err);
    if (auto saved = app::save_checkpoint(**log, *state); !saved)
        return store_failure(saved.error(), err);
    out << o.db << ": checkpoint saved at entry " << state->seq << "\n";
    return 0;
}

int run_backup(const db_options& o, std::ostream& out, std::ostream& err) {
    std::error_code ec;
    if (std::filesystem::weakly_canonical(o.db, ec) ==
        std::filesystem::weakly_canonical(o.to, ec)) {
        err << "aplc: --to names the database itself: choose another file for the copy\n";
        return 2;
    }
    auto log = store::log_store::open(o.db, store::open_mode::read_only);
    if (!log) return store_failure(log.error(), err);
    auto last = (*log)->last_seq();
    if (auto copied = (*log)->backup_to(o.to); !copied) return store_failure(copied.error(), err);
    out << "copied " << o.db << " to " << o.to << " (" << last << " entries or more)\n";
    return 0;
}

int export_failure(const exports::export_error& e, std::ostream& err) {
    err << "aplc: " << e.message << " [" << e.code << "]\n";
    return 1;
}

int run_export(const db_options& o, std::ostream& out, std::ostream& err) {
    auto format = exports::parse_format(o.format);
    if (!format) return 2; // CLI11 has checked the name
    if (o.out.empty() && *format != exports::export_format::json) {
        err << "aplc: --format " << o.format << " needs --out (a "
            << (*format == exports::export_format::csv || *format == exports::export_format::letters
                    ? "directory"
                    : "file")
            << " to write)\n";
        return 2;
    }
    auto log = store::log_store::open(o.db, store::open_mode::read_only);
    if (!log) return store_failure(log.error(), err);
    auto results = exports::load_results(**log, app::now_utc());
    if (!results) return export_failure(results.error(), err);
    if (o.out.empty()) {
        out << exports::export_json(*results).dump(2) << "\n";
        return 0;
    }
    if (auto failed = exports::write_export(*results, *format, o.out))
        return export_failure(*failed, err);
    out << "exported " << o.db << " as " << o.format << " to " << o.out << " ("
        << exports::status_name(results->made.official) << ", entries 1-" << results->made.last_seq
        << ", last hash " << results->made.last_hash << ")\n";
    return 0;
}

int run_verify_export(const store::log_store& log, const db_options& o, std::ostream& out,
                      std::ostream& err) {
    auto check = exports::verify_export(log, o.export_file);
    if (!check) return export_failure(check.error(), err);
    if (!check->matches) {
        err << "aplc: " << o.export_file << " does NOT match the log of " << o.db << ": "
            << check->problem << "\n";
        return 1;
    }
    out << o.export_file << ": the " << exports::format_name(check->format)
        << " export matches the log at entry " << check->last_seq << " (" << check->status
        << ", made " << check->generated_at << ")";
    if (check->newer > 0)
        out << "; the log has " << check->newer << " newer entries it does not reflect";
    out << "\n";
    return 0;
}

} // namespace

std::optional<int> run_db_command(const CLI::App& app, const db_options& o, std::ostream& out,
                                  std::ostream& err) {
    if (app.got_subcommand("import")) return run_import(o, out, err);
    if (app.got_subcommand("verify")) return run_verify(o, out, err);
    if (app.got_subcommand("backup")) return run_backup(o, out, err);
    if (app.got_subcommand("checkpoint")) return run_checkpoint(o, out, err);
    if (app.got_subcommand("export")) return run_export(o, out, err);
    return std::nullopt;
}

} // namespace aplc
