#include "aplc/cli.hpp"

#include "db_commands.hpp"
#include "score_command.hpp"
#include "serve_command.hpp"
#include "simulate_command.hpp"

#include <CLI/CLI.hpp>

#include <ostream>
#include <string>

namespace aplc {

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    CLI::App app{"APLC Scoring: live scoring for the Asian Prisons Lockdown Challenge", "aplc"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "aplc 0.1.0");
    score_options score;
    register_score_command(app, score);
    db_options db;
    register_db_commands(app, db);
    serve_options serve;
    serve.net.web_root = APLC_WEB_ROOT;
    register_serve_command(app, serve);
    simulate_command_options simulate;
    register_simulate_command(app, simulate);
    // Name an unknown command rather than CLI11's "A subcommand is required".
    if (argc > 1) {
        std::string first = argv[1];
        bool known = first.empty() || first[0] == '-';
        for (const auto* sub : app.get_subcommands({})) known = known || sub->get_name() == first;
        if (!known) {
            err << "aplc: '" << first << "' is not an aplc command (see 'aplc --help')\n";
            return 2;
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        out << app.help();
        return 0;
    } catch (const CLI::CallForAllHelp&) {
        out << app.help("", CLI::AppFormatMode::All);
        return 0;
    } catch (const CLI::CallForVersion& v) {
        out << v.what() << "\n";
        return 0;
    } catch (const CLI::ParseError& e) {
        err << "aplc: " << e.what() << " (see 'aplc --help')\n";
        return 2;
    }
    if (app.got_subcommand("score")) return run_score(score, out, err);
    if (app.got_subcommand("serve")) return run_serve(serve, out, err);
    if (app.got_subcommand("simulate")) return run_simulate(simulate, out, err);
    if (auto status = run_db_command(app, db, out, err)) return *status;
    return 2;
}

} // namespace aplc
