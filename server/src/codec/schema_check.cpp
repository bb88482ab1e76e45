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
#include <string>

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

// The embedded schema that `uri`, a $ref's document part in schema `referrer`, names. valijson
// 1.0 ignores "$id", so `uri` arrives as written, relative to the referrer's directory:
// "common.schema.json" from "messages/x.schema.json" is "messages/common.schema.json". (Every
// document a schema reaches must sit in the referrer's directory: valijson does not say which
// fetched document a nested $ref came from.)
std::string referenced_schema(std::string_view referrer, std::string_view uri) {
    auto slash = referrer.rfind('/');
    std::string_view directory =
        slash == std::string_view::npos ? std::string_view{} : referrer.substr(0, slash + 1);
    return std::string{directory} + std::string{uri};
}

// Parses the named embedded schema, fetching the embedded documents its $refs name. Throws
// (nlohmann or valijson) when the schema or a referenced one is missing or malformed: both are
// compiled in, so that is a defect of the build, not of the input. Without "$id" scopes,
// valijson keys its cache of parsed nodes by their JSON pointer alone, whatever their document:
// a schema that refers to another document must keep no "definitions" of its own (the message
// schemas keep theirs in messages/common.schema.json).
const valijson::Schema& parsed_schema(std::string_view name) {
    static std::mutex lock;
    static std::map<std::string, std::unique_ptr<valijson::Schema>, std::less<>> cache;
    std::lock_guard guard{lock};
    if (auto it = cache.find(name); it != cache.end()) return *it->second;
    auto doc = nlohmann::json::parse(embedded_schema(name));
    auto schema = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(doc);
    auto fetch = [name](const std::string& uri) -> const nlohmann::json* {
        std::string_view text = embedded_schema(referenced_schema(name, uri));
        if (text.empty()) return nullptr; // valijson reports the missing document
        return new nlohmann::json(nlohmann::json::parse(text));
    };
    auto release = [](const nlohmann::json* fetched) { delete fetched; }; // after parsing
    parser.populateSchema(adapter, *schema, fetch, release);
    return *cache.emplace(std::string{name}, std::move(schema)).first->second;
}

} // namespace

std::string_view embedded_schema(std::string_view name) {
    for (const auto& s : detail::schemas)
        if (s.name == name) return s.text;
    return {};
}

bool has_message_schema(std::string_view type) {
    // common.schema.json holds shared definitions, not a message.
    if (type.empty() || type == "common") return false;
    std::string name = "messages/";
    name.append(type).append(".schema.json");
    return !embedded_schema(name).empty();
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
    // The deepest paths say the most: "failed to validate item #3" at a parent only repeats
    // the error inside it, so a path's error is dropped when one at or below it is kept.
    std::stable_sort(errors.begin(), errors.end(),
                     [](const auto& a, const auto& b) { return a.path.size() > b.path.size(); });
    auto covers = [](const std::string& outer, const std::string& inner) {
        return outer.empty() || inner == outer ||
               (inner.starts_with(outer) &&
                (inner[outer.size()] == '.' || inner[outer.size()] == '['));
    };
    std::vector<schema_error> kept;
    for (auto& error : errors) {
        if (kept.size() == limit) break;
        if (std::none_of(kept.begin(), kept.end(),
                         [&](const schema_error& k) { return covers(error.path, k.path); }))
            kept.push_back(std::move(error));
    }
    return kept;
}

} // namespace aplc::codec
