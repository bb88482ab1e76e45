#include "aplc/app/event_database.hpp"

#include "aplc/codec/event_codec.hpp"
#include "aplc/codec/log_codec.hpp"
#include "aplc/codec/standings_codec.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <chrono>
#include <ctime>
#include <iomanip>
#include <limits>
#include <set>
#include <sstream>

namespace aplc::app {
namespace sc = aplc::scoring;
using nlohmann::json;

namespace {

// Folds entries from `from_seq` on into `state`.
store::result<store::done>
fold_from(const store::log_store& log, std::int64_t from_seq, sc::event_state& state,
          std::int64_t up_to = std::numeric_limits<std::int64_t>::max()) {
    std::optional<store::store_error> failure;
    auto read = log.scan(from_seq, [&](const store::entry_view& e) {
        if (e.seq > up_to) return false;
        auto action = codec::decode_action(e.kind, e.body);
        if (auto* p = std::get_if<sc::problem>(&action)) {
            failure =
                store::store_error{store::store_errc::corrupt,
                                   "entry " + std::to_string(e.seq) + " (" + std::string{e.kind} +
                                       ") cannot be read: " + p->path + ": " + p->message};
            return false;
        }
        sc::apply(state, {e.seq, e.at, e.actor, std::get<sc::log_action>(std::move(action))});
        return true;
    });
    if (!read) return read.error();
    if (failure) return *failure;
    return store::done{};
}

// Folds just the entries listed (the definition's), reading each one.
bool fold_entries(const store::log_store& log, const std::vector<std::int64_t>& seqs,
                  sc::event_state& state) {
    for (auto seq : seqs) {
        bool ok = false;
        auto read = log.scan(seq, [&](const store::entry_view& e) {
            auto action = codec::decode_action(e.kind, e.body);
            if (e.seq != seq || std::holds_alternative<sc::problem>(action)) return false;
            sc::apply(state, {e.seq, e.at, e.actor, std::get<sc::log_action>(std::move(action))});
            ok = true;
            return false;
        });
        if (!read || !ok) return false;
    }
    return true;
}

json encode_state(const sc::event_state& s) {
    json sheets = json::array();
    for (const auto& [key, v] : s.sheets)
        sheets.push_back({{"seq", v.seq},
                          {"first_seq", v.first_seq},
                          {"approved", v.approved},
                          {"history", v.history},
                          {"sheet", codec::encode_sheet(v.value)}});
    json rulings = json::array();
    for (const auto& [key, r] : s.rulings)
        rulings.push_back({{"scenario", r.scenario.value},
                           {"entrant", r.entrant.value},
                           {"status", std::string{sc::to_string(r.status)}}});
    json phases = json::object();
    for (const auto& [id, p] : s.phases) phases[id] = static_cast<int>(p);
    json protests = json::array();
    for (const auto& [id, p] : s.protests) {
        json j{{"protest", id},
               {"filed_seq", p.filed_seq},
               {"scenario", p.filed.scenario.value},
               {"entrant", p.filed.entrant.value},
               {"text", p.filed.text}};
        if (p.ruling) j["ruling"] = {{"upheld", p.ruling->upheld}, {"reason", p.ruling->reason}};
        protests.push_back(j);
    }
    json displays = json::array();
    for (const auto& [name, d] : s.displays)
        displays.push_back({{"seq", d.seq}, {"setting", codec::encode_display(d.setting)}});
    return {{"version", 1},
            {"seq", s.seq},
            {"rules_version", s.rules_version},
            {"definition_entries", s.definition_entries},
            {"sheets", sheets},
            {"rulings", rulings},
            {"phases", phases},
            {"frozen", s.frozen},
            {"protests", protests},
            {"displays", displays}};
}

// Restores a checkpoint into `state`; false when it cannot be used (then replay from scratch).
bool restore_state(const store::log_store& log, const std::string& text, sc::event_state& state) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || j.value("version", 0) != 1) return false;
    try {
        if (!fold_entries(log, j.at("definition_entries").get<std::vector<std::int64_t>>(), state))
            return false;
        state.seq = j.at("seq").get<std::int64_t>();
        state.rules_version = j.at("rules_version").get<int>();
        for (const auto& x : j.at("sheets")) {
            auto decoded = codec::decode_sheet(x.at("sheet"), "sheet");
            if (!std::holds_alternative<sc::sheet>(decoded)) return false;
            sc::current_sheet c{
                x.at("seq").get<std::int64_t>(), x.at("first_seq").get<std::int64_t>(),
                std::get<sc::sheet>(std::move(decoded)), x.at("approved").get<bool>(),
                x.at("history").get<std::vector<std::int64_t>>()};
            auto key = sc::sheet_key(c.value);
            state.sheets.emplace(std::move(key), std::move(c));
        }
        for (const auto& r : j.at("rulings")) {
            sc::run_ruling ruling{{r.at("scenario").get<std::string>()},
                                  {r.at("entrant").get<std::string>()},
                                  sc::parse_run_status(r.at("status").get<std::string>()).value()};
            state.rulings[{ruling.scenario.value, ruling.entrant.value}] = ruling;
        }
        for (const auto& [id, p] : j.at("phases").items())
            state.phases[id] = static_cast<sc::scenario_phase>(p.get<int>());
        state.frozen = j.at("frozen").get<std::map<std::string, int>>();
        for (const auto& p : j.at("protests")) {
            sc::protest_state ps{p.at("filed_seq").get<std::int64_t>(),
                                 {p.at("protest").get<std::string>(),
                                  {p.at("scenario").get<std::string>()},
                                  {p.at("entrant").get<std::string>()},
                                  p.at("text").get<std::string>()},
                                 std::nullopt};
            if (p.contains("ruling"))
                ps.ruling =
                    sc::protest_ruled{ps.filed.protest, p.at("ruling").at("upheld").get<bool>(),
                                      p.at("ruling").at("reason").get<std::string>()};
            state.protests[ps.filed.protest] = std::move(ps);
        }
        // Checkpoints written before displays were configurable have none.
        for (const auto& d : j.value("displays", json::array())) {
            auto setting = codec::decode_display(d.at("setting"));
            auto& slot = state.displays[setting.display];
            slot = {d.at("seq").get<std::int64_t>(), std::move(setting)};
        }
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace

store::result<sc::event_state> replay_all(const store::log_store& log, std::int64_t up_to) {
    sc::event_state state;
    auto folded = fold_from(log, 1, state, up_to);
    if (!folded) return folded.error();
    return state;
}

store::result<sc::event_state> replay(const store::log_store& log) {
    auto saved = log.latest_checkpoint();
    if (!saved) return saved.error();
    if (!*saved) return replay_all(log);
    sc::event_state state;
    if (!restore_state(log, (*saved)->state, state)) return replay_all(log);
    auto folded = fold_from(log, (*saved)->seq + 1, state);
    if (!folded) return folded.error();
    return state;
}

store::result<store::done> save_checkpoint(store::log_store& log, const sc::event_state& state) {
    if (state.seq == 0) return store::done{};
    return log.write_checkpoint(state.seq, encode_state(state).dump());
}

namespace {

// The standings a state scores to, as JSON (null when its rules do not compile).
json standings_of(const sc::event_state& state) {
    auto compiled = sc::rulebook::compile(state.scored_event());
    if (!std::holds_alternative<sc::rulebook>(compiled)) return nullptr;
    const auto& rules = std::get<sc::rulebook>(compiled);
    return codec::encode_standings(rules, sc::compute_standings(rules));
}

} // namespace

namespace {

// Adds `item` to the array `list`, or replaces the member with the same id.
void upsert_by_id(json& list, json item) {
    for (auto& member : list)
        if (member.at("id") == item.at("id")) {
            member = std::move(item);
            return;
        }
    list.push_back(std::move(item));
}

} // namespace

store::result<json> definition_document(const store::log_store& log, const sc::event_state& state) {
    json doc;
    std::optional<store::store_error> failure;
    // Only the listed entries, each read on its own: the sheets between them are not touched.
    for (const std::int64_t seq : state.definition_entries) {
        auto read = log.scan(seq, [&](const store::entry_view& e) {
            try {
                json body = json::parse(e.body);
                if (e.kind == "event.defined")
                    doc = std::move(body.at("event"));
                else if (e.kind == "team.set")
                    upsert_by_id(doc["teams"], std::move(body.at("team")));
                else if (e.kind == "judge.set")
                    upsert_by_id(doc["judges"], std::move(body.at("judge")));
                else if (e.kind == "panel.set")
                    for (auto& s : doc.at("scenarios"))
                        if (s.at("id") == body.at("scenario")) {
                            s["panel"] = body.at("panel");
                            s["roles"] = body.at("roles");
                        }
            } catch (const json::exception& ex) {
                failure = store::store_error{store::store_errc::corrupt,
                                             "entry " + std::to_string(e.seq) + " (" +
                                                 std::string{e.kind} +
                                                 ") is not a definition: " + ex.what()};
            }
            return false;
        });
        if (!read) return read.error();
        if (failure) return *failure;
    }
    return doc;
}

store::result<json> run_history(const store::log_store& log, std::string_view scenario,
                                std::string_view entrant) {
    json out = json::array();
    std::set<std::int64_t> sheets; // entries holding a version of one of the run's sheets
    std::set<std::string, std::less<>> protests; // the run's protests
    auto of_run = [&](const sc::sheet& s) {
        return s.scenario.value == scenario && s.entrant.value == entrant;
    };
    std::optional<store::store_error> failure;
    auto read = log.read(1, [&](const store::stored_entry& e) {
        // Only the kinds that can be about a run are decoded (not definitions, boards...).
        static const std::set<std::string, std::less<>> run_kinds{
            "sheet.submitted", "sheet.corrected", "sheet.withdrawn", "sheet.approved",
            "run.status_set",  "protest.filed",   "protest.ruled"};
        if (!run_kinds.contains(e.kind)) return true;
        auto action = codec::decode_action(e.kind, e.body);
        if (auto* p = std::get_if<sc::problem>(&action)) {
            failure = store::store_error{store::store_errc::corrupt,
                                         "entry " + std::to_string(e.seq) + " (" + e.kind +
                                             ") does not decode: " + p->message};
            return false;
        }
        const bool about = std::visit(
            [&](const auto& a) {
                using T = std::decay_t<decltype(a)>;
                if constexpr (std::is_same_v<T, sc::sheet_submitted>) {
                    return of_run(a.value) && sheets.insert(e.seq).second;
                } else if constexpr (std::is_same_v<T, sc::sheet_corrected>) {
                    // A correction may move a sheet onto another run: it belongs to both.
                    return (of_run(a.value) || sheets.contains(a.supersedes)) &&
                           sheets.insert(e.seq).second;
                } else if constexpr (std::is_same_v<T, sc::sheet_withdrawn> ||
                                     std::is_same_v<T, sc::sheet_approved>) {
                    return sheets.contains(a.sheet_seq);
                } else if constexpr (std::is_same_v<T, sc::run_status_set>) {
                    return a.ruling.scenario.value == scenario && a.ruling.entrant.value == entrant;
                } else if constexpr (std::is_same_v<T, sc::protest_filed>) {
                    return a.scenario.value == scenario && a.entrant.value == entrant &&
                           protests.insert(a.protest).second;
                } else if constexpr (std::is_same_v<T, sc::protest_ruled>) {
                    return protests.contains(a.protest);
                } else {
                    return false;
                }
            },
            std::get<sc::log_action>(action));
        if (about)
            out.push_back({{"seq", e.seq},
                           {"at", e.at},
                           {"actor", e.actor},
                           {"device", e.device},
                           {"kind", e.kind},
                           {"body", json::parse(e.body)}});
        return true;
    });
    if (!read) return read.error();
    if (failure) return *failure;
    return out;
}

store::result<log_check> check_log(const store::log_store& log) {
    log_check out;
    auto chain = log.verify();
    if (!chain) return chain.error();
    out.chain = std::move(chain.value());
    if (out.chain.first_bad) return out;
    auto saved = log.latest_checkpoint();
    if (!saved) return saved.error();
    if (!*saved) return out;
    out.checkpoint_seq = (*saved)->seq;
    // Both at the same entry: a server may append between the two replays.
    auto fast = replay(log);
    auto full = fast ? replay_all(log, fast->seq) : fast;
    out.checkpoint_matches = fast && full && standings_of(*fast) == standings_of(*full);
    return out;
}

namespace {

std::string content_id(const nlohmann::json& doc) {
    std::string text = doc.dump();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(text.data(), text.size(), md, &size, EVP_sha256(), nullptr);
    store::digest d{};
    std::copy_n(md, d.size(), d.begin());
    return "import:" + store::to_hex(d).substr(0, 32);
}

} // namespace

store::result<import_summary> import_event(store::log_store& log, const nlohmann::json& doc,
                                           const std::string& actor, const std::string& at) {
    // One database holds one event: a different event would orphan the stored sheets.
    auto existing = replay(log);
    if (!existing) return existing.error();
    std::string event_id = doc.at("event").at("id").get<std::string>();
    if (existing->seq > 0 && existing->definition.id != event_id)
        return store::store_error{store::store_errc::bad_entry,
                                  "this database holds the event '" + existing->definition.id +
                                      "', not '" + event_id +
                                      "': import another event into a new database"};
    std::string id = content_id(doc);
    std::vector<store::new_entry> entries;
    auto add = [&](codec::encoded_entry e) {
        entries.push_back({std::move(e.kind), actor, "cli",
                           id + ":" + std::to_string(entries.size()), std::move(e.body), at, ""});
    };
    add(codec::encode_event_defined(doc, "imported from an event file"));
    for (const auto& s : doc.value("sheets", nlohmann::json::array())) {
        // The document passed load_event(), so every sheet decodes.
        auto sheet = std::get<sc::sheet>(codec::decode_sheet(s, "sheet"));
        add(codec::encode_action(sc::sheet_submitted{std::move(sheet)}));
    }
    for (const auto& r : doc.value("runs", nlohmann::json::array()))
        add(codec::encode_action(
            sc::run_status_set{{{r.at("scenario").get<std::string>()},
                                {r.at("entrant").get<std::string>()},
                                sc::parse_run_status(r.at("status").get<std::string>()).value()},
                               "imported from an event file"}));
    auto acks = log.append_batch(entries);
    if (!acks) return acks.error();
    import_summary summary;
    summary.first_seq = acks->front().seq;
    summary.last_seq = acks->back().seq;
    for (const auto& a : *acks) (a.repeated ? summary.repeated : summary.stored) += 1;
    // A checkpoint after a large import makes the next start-up fast. It is only a cache: if it
    // cannot be written, the import still stands and start-up replays every entry.
    // The state before the import plus the new entries: no second replay of the whole log.
    auto& state = existing.value();
    if (summary.stored > 0 && fold_from(log, state.seq + 1, state))
        (void)save_checkpoint(log, state);
    return summary;
}

std::string now_utc() {
    auto now = std::chrono::system_clock::now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&t, &utc);
    std::ostringstream out;
    out << std::put_time(&utc, "%Y-%m-%dT%H:%M:%S") << '.' << std::setw(3) << std::setfill('0')
        << ms.count() << 'Z';
    return out.str();
}

} // namespace aplc::app
