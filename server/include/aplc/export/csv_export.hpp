#pragma once
// The CSV export: a directory of UTF-8 files (with a byte-order mark, so spreadsheet programs
// read every script correctly), one per ranking (`ranking-<id>.csv`), one per scenario with
// every aggregated value (`scenario-<id>.csv`) and every judge's marks (`marks.csv`). Each file
// opens with provenance rows (`# status,provisional` ...) and a blank row, then the table.
#include "aplc/export/results.hpp"

#include <map>
#include <string>

namespace aplc::exports {

// File name -> content.
std::map<std::string, std::string> export_csv(const results& r);

// One field quoted as RFC 4180 asks (when it holds a comma, quote or line break).
std::string csv_field(const std::string& text);

} // namespace aplc::exports
