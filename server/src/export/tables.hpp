#pragma once
// The tables every format prints (CSV files, XLSX sheets, the PDF book), built once from the
// standings JSON and the replayed state, so every format carries the same cells.
#include "aplc/export/results.hpp"

#include <array>
#include <string>
#include <vector>

namespace aplc::exports {

struct table {
    std::string title;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> numeric; // by column: decimal text to be written as a number
};

// (label, value) rows that say what an export is: title, event, status, time, last entry.
std::vector<std::array<std::string, 2>> provenance_rows(const results& r, const std::string& title);

table ranking_table(const results& r, const nlohmann::json& ranking);
table scenario_table(const results& r, const nlohmann::json& scenario);
// Every current sheet, one row per mark: scenario, entrant, judge, field, value, status,
// whether approved, the entry that stored it and the entries it corrected.
table marks_table(const results& r);
table judges_table(const results& r);
// Corrections, withdrawals, run-status rulings and protests, in log order.
table corrections_table(const results& r);

// Decimal places of a numeric column's cells (the most any cell shows).
int decimal_places(const table& t, std::size_t column);

} // namespace aplc::exports
