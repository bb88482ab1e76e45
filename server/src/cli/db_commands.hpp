#pragma once
// Subcommands over an event database: import, verify, backup, export.
#include <CLI/CLI.hpp>

#include <iosfwd>
#include <optional>
#include <string>

namespace aplc {

struct db_options {
    std::string db;
    std::string event_file; // import
    bool no_sheets = false; // import: the definition only
    std::string to;         // backup
    std::string format = "json";
    std::string out;         // export: file or directory; empty = standard output (json only)
    std::string export_file; // verify: an export to check against the log
};

// Imports an event file into the database at `db` (created if absent); returns the exit status
// after saying what happened on `out` or why not on `err`. Shared by `import` and `serve`. With
// `definition_only` the file's sheets and run rulings are left out (a rehearsal database for
// `aplc simulate`, which plays them).
int import_event_file(const std::string& db, const std::string& event_file, std::ostream& out,
                      std::ostream& err, bool definition_only = false);

// Registers the subcommands, filling `options` when one of them is named.
void register_db_commands(CLI::App& app, db_options& options);

// Runs the named subcommand if it is one of these; returns nullopt otherwise.
std::optional<int> run_db_command(const CLI::App& app, const db_options& options, std::ostream& out,
                                  std::ostream& err);

} // namespace aplc
