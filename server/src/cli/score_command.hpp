#pragma once
#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>

namespace aplc {

struct score_options {
    std::string event_file;
    std::string db;
    std::string format = "json";
    std::string explain;
};

void register_score_command(CLI::App& app, score_options& options);
int run_score(const score_options& options, std::ostream& out, std::ostream& err);

} // namespace aplc
