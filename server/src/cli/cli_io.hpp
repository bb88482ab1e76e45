#pragma once
// Small helpers shared by the subcommands: reading JSON files and reporting problems, with the
// exit statuses of the CLI conventions (1: run-time failure, 2: bad input).
#include "aplc/scoring/rulebook.hpp"

#include <nlohmann/json_fwd.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace aplc::cli {

// Reads and parses a JSON file; on failure writes the reason and returns the exit status.
int read_json_file(const std::string& path, nlohmann::json& doc, std::ostream& err);

// Writes "SOURCE: path: message" per problem; returns 2.
int report_problems(const std::string& source, const std::vector<scoring::problem>& problems,
                    std::ostream& err);

} // namespace aplc::cli
