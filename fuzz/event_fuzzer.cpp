// Fuzzes the event-file and rules parser: codec::load_event (JSON Schema, decoding, then
// rulebook::compile), as `aplc score`, `aplc import` and rules.apply read an event.
// Asserts, for an event that loads:
// - its standings compute without throwing, encode to JSON valid against
//   schemas/standings.schema.json, and come out the same when computed again;
// - rescoring any one scenario (the live server's path after a sheet) gives the same standings;
// - the readable table can be written;
// - stored as the log's event.defined entry and read back (codec::encode_event_defined,
//   decode_action), it compiles to rules giving the same standings.
// For an event that does not load: at least one problem, each saying what is wrong.
// Verdict codes: accepted, bad_json, bad_schema (the JSON Schema refused it), bad_values
// (decoding did: e.g. an inexact decimal), bad_rules (rulebook::compile did).
#include "fuzz_checks.hpp"

#include "aplc/codec/event_codec.hpp"
#include "aplc/codec/log_codec.hpp"
#include "aplc/codec/schema_check.hpp"
#include "aplc/codec/standings_codec.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>

namespace aplc::fuzz {
namespace {

namespace sc = aplc::scoring;
using nlohmann::json;

// Which of load_event's three steps refused `doc`.
std::string refusing_step(const json& doc) {
    if (!codec::validate_against("event.schema.json", doc, 1).empty()) return "bad_schema";
    if (std::holds_alternative<std::vector<sc::problem>>(codec::decode_event(doc)))
        return "bad_values";
    return "bad_rules";
}

void check_standings(const sc::rulebook& rules) {
    const sc::standings first = sc::compute_standings(rules);
    const std::string expected = standings_text(rules, first);
    require(standings_text(rules, sc::compute_standings(rules)) == expected,
            "the standings are the same when computed again");
    const auto sheets = sc::index_sheets(rules, rules.source().sheets);
    for (std::size_t i = 0; i < rules.source().scenarios.size(); ++i) {
        sc::standings rescored = first;
        sc::rescore_scenario(rules, rescored, i, sheets, rules.source().rulings);
        require(standings_text(rules, rescored) == expected,
                "rescoring one scenario gives the standings computed in full");
    }
    (void)codec::format_table(rules, first);
}

// The definition as the log stores it (without sheets and runs: they are entries of their own)
// gives the same rules.
void check_log_round_trip(const json& doc, const sc::rulebook& rules) {
    const auto entry = codec::encode_event_defined(doc, "fuzz");
    auto action = codec::decode_action(entry.kind, entry.body);
    auto* decoded = std::get_if<sc::log_action>(&action);
    require(decoded && std::holds_alternative<sc::event_defined>(*decoded),
            "an event that loads reads back from its event.defined entry");
    sc::event definition = std::get<sc::event_defined>(std::move(*decoded)).definition;
    require(definition.sheets.empty() && definition.rulings.empty(),
            "the event.defined entry holds no sheets or runs");
    definition.sheets = rules.source().sheets;
    definition.rulings = rules.source().rulings;
    auto again = sc::rulebook::compile(std::move(definition));
    const auto* rules_again = std::get_if<sc::rulebook>(&again);
    require(rules_again != nullptr, "the definition read back from the log compiles");
    require(standings_text(*rules_again, sc::compute_standings(*rules_again)) ==
                standings_text(rules, sc::compute_standings(rules)),
            "the definition read back from the log gives the same standings");
}

} // namespace

verdict check_event(std::string_view text) {
    const json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded()) return {"bad_json", ""};
    auto loaded = codec::load_event(doc);
    if (auto* problems = std::get_if<std::vector<sc::problem>>(&loaded)) {
        require(!problems->empty(), "a refused event names at least one problem");
        for (const auto& p : *problems)
            require(!p.message.empty(), "every problem says what is wrong");
        return {refusing_step(doc), problems->front().path + ": " + problems->front().message};
    }
    const auto& rules = std::get<sc::rulebook>(loaded);
    check_standings(rules);
    check_log_round_trip(doc, rules);
    return {"accepted", ""};
}

} // namespace aplc::fuzz

#ifdef APLC_FUZZER
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    aplc::fuzz::check_event({reinterpret_cast<const char*>(data), size});
    return 0;
}
#endif
