#pragma once
// Reads the parts of a zip archive (an XLSX workbook) into memory, through zlib. Enough for
// the archives libxlsxwriter writes: stored or deflated parts, no zip64, no encryption.
#include <map>
#include <string>

namespace aplc::exports {

// Part name -> uncompressed content; empty when `bytes` is not a zip archive this reads.
std::map<std::string, std::string> read_zip(const std::string& bytes);

} // namespace aplc::exports
