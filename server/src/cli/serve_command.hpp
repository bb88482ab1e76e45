#pragma once
// `aplc serve`: the venue server (docs/operations.md).
#include "aplc/net/server.hpp"

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>

namespace aplc {

struct serve_options {
    std::string db;
    std::string event_file; // imported first when given
    bool no_sheets = false; // ...without its sheets and run rulings
    net::server_options net;
    std::string organiser_password; // first start (or every start with demo_codes)
    bool demo_codes = false;
    double session_hours = 14;
};

void register_serve_command(CLI::App& app, serve_options& options);

int run_serve(const serve_options& options, std::ostream& out, std::ostream& err);

} // namespace aplc
