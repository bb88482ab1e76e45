#include "aplc/export/verify_export.hpp"

#include "aplc/export/json_export.hpp"
#include "zip_reader.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

namespace aplc::exports {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct claimed {
    export_format format = export_format::json;
    std::string generated_at;
    std::int64_t last_seq = 0;
    std::string last_hash;
    std::string status;
};

std::optional<std::string> slurp(const fs::path& path) {
    std::ifstream file{path, std::ios::binary};
    if (!file) return std::nullopt;
    std::ostringstream out;
    out << file.rdbuf();
    return out.str();
}

// "aplc-export format=pdf status=... generated_at=... last_seq=N last_hash=H" (PDF keywords,
// XLSX document properties).
std::optional<claimed> from_marker(const std::string& bytes) {
    static const std::regex marker{"aplc-export format=([a-z]+) status=([a-z]+) "
                                   "generated_at=([0-9T:.Z-]+) last_seq=([0-9]+) "
                                   "last_hash=([0-9a-f]{64})"};
    std::smatch m;
    if (!std::regex_search(bytes, m, marker)) return std::nullopt;
    auto format = parse_format(m[1].str());
    if (!format) return std::nullopt;
    return claimed{*format, m[3].str(), std::stoll(m[4].str()), m[5].str(), m[2].str()};
}

std::optional<claimed> from_csv(const std::string& text) {
    std::map<std::string, std::string> rows;
    std::istringstream in{text};
    std::string line;
    while (std::getline(in, line) && line.find("# ") != std::string::npos) {
        auto comma = line.find(',');
        auto start = line.find("# ") + 2;
        if (comma == std::string::npos) continue;
        std::string value = line.substr(comma + 1);
        if (!value.empty() && value.back() == '\r') value.pop_back();
        rows[line.substr(start, comma - start)] = value;
    }
    if (!rows.contains("last_seq") || !rows.contains("last_hash")) return std::nullopt;
    return claimed{export_format::csv, rows["generated_at"], std::stoll(rows["last_seq"]),
                   rows["last_hash"], rows["status"]};
}

std::optional<claimed> read_claim(const fs::path& path) {
    if (fs::is_directory(path)) {
        std::optional<claimed> found;
        for (const auto& f : fs::directory_iterator{path}) {
            auto ext = f.path().extension().string();
            if (ext != ".csv" && ext != ".pdf") continue;
            auto bytes = slurp(f.path());
            if (!bytes) continue;
            found = ext == ".csv" ? from_csv(*bytes) : from_marker(*bytes);
            if (found && ext == ".pdf") found->format = export_format::letters;
            if (found) break;
        }
        return found;
    }
    auto bytes = slurp(path);
    if (!bytes) return std::nullopt;
    if (bytes->starts_with("%PDF")) return from_marker(*bytes);
    if (bytes->starts_with("PK")) {
        auto parts = read_zip(*bytes);
        auto core = parts.find("docProps/custom.xml");
        return core == parts.end() ? std::nullopt : from_marker(core->second);
    }
    if (bytes->starts_with("\xEF\xBB\xBF")) return from_csv(*bytes);
    json doc = json::parse(*bytes, nullptr, false);
    if (!doc.is_object() || !doc.contains("provenance")) return std::nullopt;
    const auto& p = doc["provenance"];
    return claimed{export_format::json, p.value("generated_at", ""), p.value("last_seq", 0LL),
                   p.value("last_hash", ""), p.value("status", "")};
}

// A scratch directory removed when it goes out of scope.
struct scratch {
    fs::path path;
    scratch() {
        std::random_device rd;
        path = fs::temp_directory_path() / ("aplc-verify-" + std::to_string(rd()));
        fs::create_directories(path);
    }
    ~scratch() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    scratch(const scratch&) = delete;
    scratch& operator=(const scratch&) = delete;
};

std::string compare_json(const json& given, const json& made) {
    for (const auto& [key, value] : made.items()) {
        if (!given.contains(key)) return "its \"" + key + "\" is missing";
        if (given[key] == value) continue;
        if (key == "log" && given[key].is_array()) {
            for (std::size_t i = 0; i < value.size(); ++i)
                if (i >= given[key].size() || given[key][i] != value[i])
                    return "log entry " + std::to_string(i + 1) + " differs from the log's";
        }
        return "its \"" + key + "\" differs from what the log gives";
    }
    if (given.size() != made.size()) return "it has members the export never writes";
    return "";
}

std::string compare_files(const fs::path& given, const fs::path& made, bool whole_directory) {
    std::vector<std::string> names;
    for (const auto& f : fs::directory_iterator{made})
        names.push_back(f.path().filename().string());
    if (!whole_directory) {
        auto name = given.filename().string();
        if (!fs::exists(made / name)) return "the log gives no file named " + name;
        return slurp(given) == slurp(made / name) ? "" : name + " differs from what the log gives";
    }
    for (const auto& name : names) {
        auto a = slurp(given / name);
        if (!a) return name + " is missing";
        if (*a != slurp(made / name)) return name + " differs from what the log gives";
    }
    return "";
}

std::string compare_zip(const fs::path& given, const fs::path& made) {
    auto a = read_zip(slurp(given).value_or(""));
    auto b = read_zip(slurp(made).value_or(""));
    for (const auto& [name, content] : b) {
        auto it = a.find(name);
        if (it == a.end()) return "the workbook has no part " + name;
        if (it->second != content) return "the workbook's " + name + " differs from the log's";
    }
    return a.size() == b.size() ? "" : "the workbook has parts the export never writes";
}

std::string compare(const claimed& c, const results& r, const fs::path& given) {
    scratch tmp;
    fs::path made = tmp.path / "export";
    if (c.format == export_format::json) {
        json doc = json::parse(slurp(given).value_or(""), nullptr, false);
        return compare_json(doc, export_json(r));
    }
    if (auto failed = write_export(r, c.format, made.string())) return failed->message;
    switch (c.format) {
    case export_format::csv:
    case export_format::letters: return compare_files(given, made, fs::is_directory(given));
    case export_format::xlsx: return compare_zip(given, made);
    case export_format::pdf:
        return slurp(given) == slurp(made) ? "" : "the document differs from what the log gives";
    case export_format::json: break;
    }
    return "";
}

} // namespace

outcome<export_check> verify_export(const store::log_store& log, const std::string& path) {
    if (!fs::exists(path))
        return export_error{"cannot_read", "'" + path + "' does not exist (check the path)"};
    auto claim = read_claim(path);
    if (!claim)
        return export_error{"not_an_export", "'" + path +
                                                 "' carries no export provenance: it was not "
                                                 "written by aplc export"};
    export_check check{false, claim->format, claim->last_seq, 0, claim->status, claim->generated_at,
                       ""};
    if (claim->last_seq < 1 || claim->last_seq > log.last_seq()) {
        check.problem = "it reflects entry " + std::to_string(claim->last_seq) +
                        " but the log ends at entry " + std::to_string(log.last_seq());
        return check;
    }
    check.newer = log.last_seq() - claim->last_seq;
    auto r = load_results(log, claim->generated_at, claim->last_seq);
    if (!r) return r.error();
    if (r->made.last_hash != claim->last_hash) {
        check.problem = "the log's entry " + std::to_string(claim->last_seq) + " has hash " +
                        r->made.last_hash + ", the export says " + claim->last_hash +
                        ": it was not made from this log";
        return check;
    }
    check.problem = compare(*claim, *r, path);
    check.matches = check.problem.empty();
    return check;
}

} // namespace aplc::exports
