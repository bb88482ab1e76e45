#pragma once
// `aplc simulate`: a rehearsal of a whole event against a running server (docs/reliability.md).
#include <CLI/CLI.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace aplc {

struct simulate_command_options {
    std::string url;
    std::string event_file;
    std::optional<std::size_t> judges;
    std::size_t displays = 10;
    double speed = 60;
    bool faults = false;
    std::optional<std::uint64_t> seed;
    double correction_rate = 0.05;
    std::string organiser_password;
    std::string report_file;
};

void register_simulate_command(CLI::App& app, simulate_command_options& options);

int run_simulate(const simulate_command_options& options, std::ostream& out, std::ostream& err);

} // namespace aplc
