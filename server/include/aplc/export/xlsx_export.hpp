#pragma once
// The XLSX workbook (libxlsxwriter): per ranking an overall sheet, one sheet per scenario with
// every aggregated value, a judges' sheet and every judge's marks, then corrections and
// protests. Each sheet opens with the provenance rows; numbers are numeric cells shown with the
// places `aplc score` prints them with.
#include "aplc/export/results.hpp"

#include <optional>
#include <string>

namespace aplc::exports {

// Errors: xlsx_failed (with libxlsxwriter's reason).
std::optional<export_error> write_xlsx(const results& r, const std::string& path);

} // namespace aplc::exports
