// Fuzzes sheet validation with scoring: one score sheet (an object as in an event file's
// "sheets", or a sheet.submit message's "sheet") sent for the demo event, examples/aplc-demo.json,
// as the live service reads it: JSON Schema (messages/sheet.submit.schema.json around it),
// codec::decode_sheet_of (a missing judge is the signed-in judge J01's), then check_sheet.
// Asserts, for a sheet the checks accept:
// - it resolves to exactly one indexed sheet (the service takes the first without looking);
// - stored as a log entry (sheet.submitted's fast reader and sheet.corrected's JSON path) it reads
//   back as the same sheet;
// - the event-file path agrees: the demo event with this sheet as its only sheet loads
//   (codec::load_event), so a sheet the live server takes is one an event file may hold;
// - the standings with it in place of that judge's sheet (or added) compute without throwing,
//   encode to JSON valid against schemas/standings.schema.json, are the same when computed
//   again, and the same when only its scenario is rescored (the live server's path).
// For a refused sheet: a problem from decode_sheet_of starts with its code, a rejection from
// check_sheet says why.
// Verdict codes: accepted, bad_json, bad_message (the schema refused it), or the code of
// decode_sheet_of's problem or check_sheet's rejection (value_out_of_range, unknown_entrant, ...).
#include "fuzz_checks.hpp"

#include "aplc/codec/event_codec.hpp"
#include "aplc/codec/log_codec.hpp"
#include "aplc/codec/schema_check.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <span>

namespace aplc::fuzz {
namespace {

namespace sc = aplc::scoring;
using nlohmann::json;

// The demo event, loaded once: its document without sheets, rules, sheets, rulings and
// standings.
struct demo {
    json document;
    sc::rulebook rules;
    std::vector<sc::indexed_sheet> sheets;
    std::vector<sc::run_ruling> rulings;
    sc::standings standings;
};

json load_demo_document() {
    std::ifstream in{APLC_EXAMPLES "/aplc-demo.json", std::ios::binary};
    const std::string text{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    return json::parse(text, nullptr, false);
}

sc::rulebook load_rules(const json& document) {
    auto loaded = codec::load_event(document);
    require(std::holds_alternative<sc::rulebook>(loaded), "examples/aplc-demo.json loads");
    return std::get<sc::rulebook>(std::move(loaded));
}

const demo& the_demo() {
    static const demo d = [] {
        json document = load_demo_document();
        demo made{document, load_rules(document), {}, {}, {}};
        made.document.erase("sheets");
        made.document.erase("runs");
        made.sheets = sc::index_sheets(made.rules, made.rules.source().sheets);
        made.rulings = made.rules.source().rulings;
        made.standings = sc::compute_standings(made.rules, made.sheets, made.rulings);
        return made;
    }();
    return d;
}

// decode_sheet_of's problems start with their code: "value_not_a_number: ..."
std::string problem_code(const sc::problem& p) {
    const auto colon = p.message.find(": ");
    require(colon != std::string::npos && colon > 0, "a sheet's problem starts with its code");
    std::string code = p.message.substr(0, colon);
    require(code == "value_not_a_number" || code == "bad_run_status",
            "a sheet's problem has a known code");
    return code;
}

void check_log_round_trip(const sc::sheet& s) {
    const std::string expected = codec::encode_sheet(s).dump();
    for (const sc::log_action& action :
         {sc::log_action{sc::sheet_submitted{s}}, sc::log_action{sc::sheet_corrected{1, s, "r"}}}) {
        const auto entry = codec::encode_action(action);
        auto back = codec::decode_action(entry.kind, entry.body);
        const auto* decoded = std::get_if<sc::log_action>(&back);
        require(decoded != nullptr, "a sheet's log entry decodes");
        const sc::sheet* value = nullptr;
        if (const auto* a = std::get_if<sc::sheet_submitted>(decoded)) value = &a->value;
        if (const auto* a = std::get_if<sc::sheet_corrected>(decoded)) value = &a->value;
        require(value != nullptr && codec::encode_sheet(*value).dump() == expected,
                "a sheet's log entry reads back as the same sheet");
    }
}

// The event-file path (schema, decode_event, rulebook::compile with its sheet checks) takes
// the sheet too.
void check_event_file_takes(json sheet) {
    json document = the_demo().document;
    document["sheets"] = json::array();
    document["sheets"].push_back(std::move(sheet));
    auto loaded = codec::load_event(document);
    if (const auto* problems = std::get_if<std::vector<sc::problem>>(&loaded))
        broken("a sheet the live path accepts is refused in an event file: " +
               problems->front().path + ": " + problems->front().message);
}

void check_standings_with(const sc::sheet& s) {
    const demo& d = the_demo();
    auto one = sc::index_sheets(d.rules, std::span<const sc::sheet>{&s, 1});
    require(one.size() == 1, "an accepted sheet resolves to one indexed sheet");
    const sc::indexed_sheet& added = one.front();
    auto with = d.sheets;
    auto same_slot = std::find_if(with.begin(), with.end(), [&](const sc::indexed_sheet& x) {
        return x.scenario == added.scenario && x.entrant == added.entrant && x.judge == added.judge;
    });
    if (same_slot != with.end())
        *same_slot = added;
    else
        with.push_back(added);
    const std::string expected =
        standings_text(d.rules, sc::compute_standings(d.rules, with, d.rulings));
    require(standings_text(d.rules, sc::compute_standings(d.rules, with, d.rulings)) == expected,
            "the standings are the same when computed again");
    sc::standings rescored = d.standings;
    sc::rescore_scenario(d.rules, rescored, static_cast<std::size_t>(added.scenario), with,
                         d.rulings);
    require(standings_text(d.rules, rescored) == expected,
            "rescoring the sheet's scenario gives the standings computed in full");
}

} // namespace

verdict check_sheet(std::string_view text) {
    json parsed = json::parse(text, nullptr, false);
    if (parsed.is_discarded()) return {"bad_json", ""};
    // Moved, not copied: copying a json value recurses, and the input may nest 100,000 deep.
    json message = json::object();
    message["type"] = "sheet.submit";
    message["id"] = "fuzz";
    message["submission_id"] = "fuzz-1";
    message["sheet"] = std::move(parsed);
    auto errors = codec::validate_against("messages/sheet.submit.schema.json", message, 1);
    if (!errors.empty())
        return {"bad_message", errors.front().path + ": " + errors.front().message};
    json sheet = std::move(message["sheet"]);
    if (!sheet.contains("judge")) sheet["judge"] = "J01";
    auto decoded = codec::decode_sheet_of(the_demo().rules.source(), sheet, "sheet");
    if (const auto* p = std::get_if<sc::problem>(&decoded)) return {problem_code(*p), p->message};
    const auto& s = std::get<sc::sheet>(decoded);
    if (auto r = sc::check_sheet(the_demo().rules, s)) {
        require(!r->detail.empty(), "a rejection says why");
        return {std::string{sc::code_name(r->code)}, r->detail};
    }
    check_log_round_trip(s);
    check_event_file_takes(sheet);
    check_standings_with(s);
    return {"accepted", ""};
}

} // namespace aplc::fuzz

#ifdef APLC_FUZZER
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    aplc::fuzz::check_sheet({reinterpret_cast<const char*>(data), size});
    return 0;
}
#endif
