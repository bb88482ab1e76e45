#pragma once
// Shared by the export tests: a scratch directory, an imported event database, the real `aplc`
// binary, and reading back what the exports wrote (files, unzip, pdftotext).
#include "../cli/process.hpp"

#include "aplc/codec/log_codec.hpp"
#include "aplc/store/log_store.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace aplc::test {

// A fresh directory for one test, removed afterwards.
struct scratch_dir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("aplc-export-test-" + std::to_string(::getpid()) + "-" +
                                  std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    scratch_dir() { std::filesystem::create_directories(path); }
    ~scratch_dir() { std::filesystem::remove_all(path); }
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;
    [[nodiscard]] std::string file(const std::string& name) const { return (path / name).string(); }
};

inline std::string read_text(const std::string& path) {
    std::ifstream in{path, std::ios::binary};
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Runs a shell command and returns what it printed on standard output.
inline std::string shell(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
    if (!pipe) return out;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        out.append(buffer.data(), n);
    ::pclose(pipe);
    return out;
}

// The event with names in the scripts of the region (tests/data/make_scripts_event.py).
inline std::string scripts_event() { return data("scripts.event.json"); }

// Imports `event_file` into `db` through the binary.
inline void import_into(const std::string& db, const std::string& event_file) {
    auto r = run_aplc("import --db " + db + " " + event_file);
    REQUIRE(r.status == 0);
}

// What `aplc score` prints for the database: the numbers every export must carry.
inline nlohmann::json score_of(const std::string& db) {
    auto r = run_aplc("score --db " + db);
    REQUIRE(r.status == 0);
    return nlohmann::json::parse(r.out);
}

// Appends one action to the database's log, as the live server would.
inline void append_action(const std::string& db, const scoring::log_action& action) {
    auto log = store::log_store::open(db, store::open_mode::read_write);
    REQUIRE(log);
    auto encoded = codec::encode_action(action);
    auto ack = log.value()->append(
        {encoded.kind, "head_judge:J04", "test", "", encoded.body, "2026-11-24T18:00:00.000Z", ""});
    REQUIRE(ack);
}

inline void finalise_every_scenario(const std::string& db, const nlohmann::json& standings) {
    for (const auto& s : standings["scenarios"])
        append_action(db, scoring::scenario_phase_set{scoring::scenario_id{s["id"]},
                                                      scoring::scenario_phase::finalised});
}

// Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF).
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
                field += text[++i];
            else if (c == '"')
                quoted = false;
            else
                field += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(std::move(field));
            field.clear();
        } else if (c == '\n') {
            rows.back().push_back(std::move(field));
            field.clear();
            rows.emplace_back();
        } else if (c != '\r') {
            field += c;
        }
    }
    if (!field.empty() || !rows.back().empty()) rows.back().push_back(field);
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

// The table part of an exported CSV file (after the provenance rows and the blank row), as
// maps from the header's names.
inline std::vector<std::map<std::string, std::string>> csv_table(const std::string& text) {
    auto rows = parse_csv(text.substr(3)); // after the byte-order mark
    std::size_t header = 0;
    while (header < rows.size() && !(rows[header].size() == 1 && rows[header][0].empty())) ++header;
    ++header;
    std::vector<std::map<std::string, std::string>> table;
    for (std::size_t i = header + 1; i < rows.size(); ++i) {
        std::map<std::string, std::string> row;
        for (std::size_t c = 0; c < rows[header].size() && c < rows[i].size(); ++c)
            row[rows[header][c]] = rows[i][c];
        table.push_back(std::move(row));
    }
    return table;
}

} // namespace aplc::test
