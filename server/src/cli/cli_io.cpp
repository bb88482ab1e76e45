#include "cli_io.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace aplc::cli {

int read_json_file(const std::string& path, nlohmann::json& doc, std::ostream& err) {
    std::ifstream in{path, std::ios::binary};
    if (!in) {
        err << "aplc: cannot read '" << path << "': " << std::strerror(errno)
            << " (check the path and permissions)\n";
        return 1;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    try {
        doc = nlohmann::json::parse(buffer.str());
    } catch (const nlohmann::json::parse_error& e) {
        err << path << ": not valid JSON: " << e.what() << "\n";
        return 2;
    }
    return 0;
}

int report_problems(const std::string& source, const std::vector<scoring::problem>& problems,
                    std::ostream& err) {
    for (const auto& p : problems)
        err << source << ": " << (p.path.empty() ? "(document)" : p.path) << ": " << p.message
            << "\n";
    return 2;
}

} // namespace aplc::cli
