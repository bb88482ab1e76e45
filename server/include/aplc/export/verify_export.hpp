#pragma once
// `aplc verify --db FILE --export FILE`: does an export match the log? The export names the
// last entry it reflects (its hash) and when it was made; the check confirms that the log holds
// that entry with that hash, makes the same export again from the log as of that entry, and
// compares: JSON by value, CSV files by content, PDF documents byte for byte, XLSX workbooks
// part by part (the XML inside the zip).
#include "aplc/export/export_writer.hpp"
#include "aplc/export/results.hpp"

#include <string>

namespace aplc::exports {

struct export_check {
    bool matches = false;
    export_format format = export_format::json;
    std::int64_t last_seq = 0; // the entry the export reflects
    std::int64_t newer = 0;    // entries in the log after it
    std::string status;        // official / provisional, as the export says
    std::string generated_at;
    std::string problem; // when it does not match: the first difference
};

// Errors: not_an_export (no provenance found: not a file `aplc export` wrote), cannot_read,
// the store's codes, and those of write_export (the check writes a temporary copy).
outcome<export_check> verify_export(const store::log_store& log, const std::string& path);

} // namespace aplc::exports
