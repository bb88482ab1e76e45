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
#include <regex>
#include <set>
#include <string>

namespace aplc::codec {
namespace {

// One step of a valijson error's context: a member's name or an array index.
struct member {
    std::string name;
    bool index = false;
};

// "<root>", "[scenarios]", "[2]" -> {scenarios}, {2, index}
std::vector<member> members_of(const std::vector<std::string>& context) {
    std::vector<member> out;
    for (const auto& part : context) {
        if (part == "<root>" || part.size() < 2) continue;
        std::string inner = part.substr(1, part.size() - 2);
        const bool index = !inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) {
            return c >= '0' && c <= '9';
        });
        out.push_back({std::move(inner), index});
    }
    return out;
}

// "<root>", "[scenarios]", "[2]" -> "scenarios[2]"
std::string path_of(const std::vector<std::string>& context) {
    std::string path;
    for (const auto& m : members_of(context))
        path += m.index ? "[" + m.name + "]" : (path.empty() ? "" : ".") + m.name;
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

// A schema document as JSON, parsed once.
const nlohmann::json& raw_schema(const std::string& name) {
    static std::mutex lock;
    static std::map<std::string, nlohmann::json, std::less<>> cache;
    std::lock_guard guard{lock};
    auto it = cache.find(name);
    if (it == cache.end()) {
        const auto text = embedded_schema(name);
        it = cache.emplace(name, text.empty() ? nlohmann::json{} : nlohmann::json::parse(text))
                 .first;
    }
    return it->second;
}

struct schema_node {
    const nlohmann::json* node;
    std::string document; // the schema file it is in
};

// `at` with its "$ref"s followed (to its own document or a sibling one).
schema_node resolved(schema_node at) {
    for (int hops = 0; hops < 16 && at.node && at.node->is_object() && at.node->contains("$ref");
         ++hops) {
        const auto ref = at.node->at("$ref").get<std::string>();
        const auto hash = ref.find('#');
        if (hash == std::string::npos) return {nullptr, {}};
        std::string document =
            hash == 0 ? at.document : referenced_schema(at.document, ref.substr(0, hash));
        const auto& root = raw_schema(document);
        const auto pointer = nlohmann::json::json_pointer{ref.substr(hash + 1)};
        if (!root.contains(pointer)) return {nullptr, {}};
        at = {&root.at(pointer), std::move(document)};
    }
    return at;
}

// `at` and, resolved, the branches of its oneOf/anyOf/allOf: the schemas a value there meets.
std::vector<schema_node> alternatives(const schema_node& at) {
    std::vector<schema_node> out;
    auto self = resolved(at);
    if (!self.node || !self.node->is_object()) return out;
    out.push_back(self);
    for (const char* k : {"oneOf", "anyOf", "allOf"})
        if (auto it = self.node->find(k); it != self.node->end() && it->is_array())
            for (const auto& branch : *it)
                for (auto& a : alternatives({&branch, self.document})) out.push_back(std::move(a));
    return out;
}

// The schema that "patternProperties" gives a member named `name` (null when none does).
const nlohmann::json* matching_pattern_property(const nlohmann::json& node,
                                                const std::string& name) {
    auto it = node.find("patternProperties");
    if (it == node.end() || !it->is_object()) return nullptr;
    for (const auto& [pattern, schema] : it->items())
        if (std::regex_search(name, std::regex{pattern})) return &schema;
    return nullptr;
}

// The "pattern" of the schema for the value at `context` ("" when it cannot be told).
std::string pattern_at(std::string_view schema_name, const std::vector<std::string>& context) {
    std::vector<schema_node> here{
        {&raw_schema(std::string{schema_name}), std::string{schema_name}}};
    for (const auto& [inner, index] : members_of(context)) {
        std::vector<schema_node> next;
        for (const auto& h : here)
            for (const auto& a : alternatives(h)) {
                const auto& n = *a.node;
                if (index && n.contains("items") && n.at("items").is_object())
                    next.push_back({&n.at("items"), a.document});
                else if (!index && n.contains("properties") && n.at("properties").contains(inner))
                    next.push_back({&n.at("properties").at(inner), a.document});
                else if (const auto* by_name = matching_pattern_property(n, inner);
                         !index && by_name)
                    next.push_back({by_name, a.document});
                else if (!index && n.contains("additionalProperties") &&
                         n.at("additionalProperties").is_object())
                    next.push_back({&n.at("additionalProperties"), a.document});
            }
        here = std::move(next);
    }
    for (const auto& h : here)
        for (const auto& a : alternatives(h))
            if (auto it = a.node->find("pattern"); it != a.node->end() && it->is_string())
                return it->get<std::string>();
    return {};
}

// valijson's words for a string that does not match its "pattern" (it does not say which).
constexpr std::string_view pattern_failure =
    "Failed to match regex specified by 'pattern' constraint.";

// A pattern failure in words a person can act on: the value, and the form its field takes.
std::string pattern_message(std::string_view schema_name, const nlohmann::json& document,
                            const std::vector<std::string>& context) {
    static const std::map<std::string, std::string, std::less<>> forms{
        {"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
         "is not an id: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit "
         "(no spaces)"},
        {"^[A-Za-z_][A-Za-z0-9_]{0,63}$",
         "is not a name: 1 to 64 letters, digits or '_', starting with a letter or '_'"},
        {"^[A-Z]{3}$", "is not a country code: three capital letters, such as SGP"},
        {"^-?[0-9]+(\\.[0-9]+)?$", "is not a number: digits with an optional '-' and decimal "
                                   "point, such as 9.5 or -2"},
        {"^(-?[0-9]+(\\.[0-9]+)?|[0-9]+:[0-5][0-9](\\.[0-9]+)?)$",
         "is not a number or a time: such as 9.5, or 4:37.25 for minutes and seconds"},
        {"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "is not a date: write it YYYY-MM-DD, such as 2026-11-24"},
        {"^(overall|latest|scenario/[A-Za-z0-9_.-]{1,64}|day/[0-9]{1,3})$",
         "is not a board: overall, latest, scenario/<id> or day/<n>"},
        {"^[^\\u0000-\\u0020\\u007f]{1,64}$", "is not a name: 1 to 64 characters, no spaces"},
        {"^[a-z][a-z0-9_]{0,63}$",
         "is not a code: lower-case letters, digits and '_', starting with a letter"},
    };
    const auto form_it = forms.find(pattern_at(schema_name, context));
    const std::string form =
        form_it == forms.end() ? "is not in the form this field takes" : form_it->second;
    const nlohmann::json* value = &document;
    for (const auto& [inner, index] : members_of(context)) {
        if (value->is_object() && value->contains(inner)) // a member may be named "2"
            value = &(*value)[inner];
        else if (index && value->is_array() && std::stoul(inner) < value->size())
            value = &(*value)[std::stoul(inner)];
        else
            return "the value " + form.substr(3);
    }
    if (!value->is_string()) return "the value " + form.substr(3);
    std::string shown = value->get<std::string>();
    if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
    return nlohmann::json(shown).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
           " " + form;
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
    // common.schema.json and boards.schema.json hold shared definitions, not messages.
    if (type.empty() || type == "common" || type == "boards" || type.ends_with(".ok")) return false;
    std::string name = "messages/";
    name.append(type).append(".schema.json");
    return !embedded_schema(name).empty();
}

std::vector<schema_error> validate_against(std::string_view schema_name,
                                           const nlohmann::json& document, std::size_t limit) {
    const valijson::Schema& schema = parsed_schema(schema_name);
    // One per thread and kept: a validator compiles each "pattern" into a std::regex once and
    // caches it; a fresh one per message recompiled them every time (most of a message's
    // validation on the network thread, docs/performance.md).
    thread_local valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(document);
    if (validator.validate(schema, target, &results)) return {};
    std::vector<schema_error> errors;
    valijson::ValidationResults::Error e;
    while (results.popError(e))
        errors.push_back(
            {path_of(e.context), e.description == pattern_failure
                                     ? pattern_message(schema_name, document, e.context)
                                     : e.description});
    // The deepest paths say the most: "failed to validate item #3" at a parent only repeats
    // the error inside it, so such an echo is dropped when an error below it is kept, and so is
    // a second error at a path already named (the other branches of a oneOf). A parent's own
    // error (a missing property) stays beside its children's.
    std::stable_sort(errors.begin(), errors.end(),
                     [](const auto& a, const auto& b) { return a.path.size() > b.path.size(); });
    auto below = [](const std::string& outer, const std::string& inner) {
        return inner != outer &&
               (outer.empty() || (inner.starts_with(outer) &&
                                  (inner[outer.size()] == '.' || inner[outer.size()] == '[')));
    };
    auto echo = [](const std::string& message) {
        return message.starts_with("Failed to validate") || message.starts_with("Cannot validate");
    };
    std::vector<schema_error> kept;
    for (auto& error : errors) {
        if (kept.size() == limit) break;
        if (std::none_of(kept.begin(), kept.end(), [&](const schema_error& k) {
                return k.path == error.path || (echo(error.message) && below(error.path, k.path));
            }))
            kept.push_back(std::move(error));
    }
    return kept;
}

} // namespace aplc::codec
