#include "aplc/codec/schema_check.hpp"

#include "embedded_schemas.hpp"

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

namespace aplc::codec {
namespace {

// "<root>", "[scenarios]", "[2]" -> "scenarios[2]"
std::string path_of(const std::vector<std::string>& context) {
    std::string path;
    for (const auto& part : context) {
        if (part == "<root>" || part.size() < 2) continue;
        std::string inner = part.substr(1, part.size() - 2);
        bool index = !inner.empty() && std::all_of(inner.begin(), inner.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
        if (index)
            path += "[" + inner + "]";
        else
            path += (path.empty() ? "" : ".") + inner;
    }
    return path;
}

const valijson::Schema& parsed_schema(std::string_view name) {
    static std::mutex lock;
    static std::map<std::string, std::unique_ptr<valijson::Schema>, std::less<>> cache;
    std::lock_guard guard{lock};
    if (auto it = cache.find(name); it != cache.end()) return *it->second;
    auto doc = nlohmann::json::parse(embedded_schema(name));
    auto schema = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(doc);
    parser.populateSchema(adapter, *schema);
    return *cache.emplace(std::string{name}, std::move(schema)).first->second;
}

} // namespace

std::string_view embedded_schema(std::string_view name) {
    for (const auto& s : detail::schemas)
        if (s.name == name) return s.text;
    return {};
}

std::vector<schema_error> validate_against(std::string_view schema_name,
                                           const nlohmann::json& document, std::size_t limit) {
    const valijson::Schema& schema = parsed_schema(schema_name);
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(document);
    if (validator.validate(schema, target, &results)) return {};
    std::vector<schema_error> errors;
    valijson::ValidationResults::Error e;
    while (results.popError(e)) errors.push_back({path_of(e.context), e.description});
    // The deepest paths say the most; "failed to match oneOf" at a parent says little.
    std::stable_sort(errors.begin(), errors.end(),
                     [](const auto& a, const auto& b) { return a.path.size() > b.path.size(); });
    errors.erase(std::unique(errors.begin(), errors.end(),
                             [](const auto& a, const auto& b) { return a.path == b.path; }),
                 errors.end());
    if (errors.size() > limit) errors.resize(limit);
    return errors;
}

} // namespace aplc::codec
