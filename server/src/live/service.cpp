#include "aplc/live/service.hpp"

#include "aplc/live/progress.hpp"

#include "aplc/app/event_database.hpp"
#include "aplc/codec/event_codec.hpp"
#include "aplc/codec/log_codec.hpp"
#include "aplc/codec/standings_codec.hpp"
#include "boards.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace aplc::live {
namespace sc = aplc::scoring;
using nlohmann::json;

std::string error_reply(const json& re, std::string_view code, std::string_view message,
                        std::string_view path) {
    json j{{"type", "error"}, {"re", re}, {"code", code}, {"message", message}};
    if (!path.empty()) j["path"] = path;
    return j.dump();
}

namespace {

std::string ok_reply(const json& re, json members = json::object()) {
    members["type"] = "ok";
    members["re"] = re;
    return members.dump();
}

// A refusal on its way out of a handler: the code, what a person should know, the member.
struct refusal {
    std::string code;
    std::string message;
    std::string path;
};

refusal from_rejection(const sc::rejection& r, std::string path = "sheet") {
    return {std::string{sc::code_name(r.code)}, r.detail, std::move(path)};
}

std::string actor_of(const principal& p) {
    if (p.who == role::organiser) return "organiser";
    return std::string{role_name(p.who)} + ":" + p.subject;
}

std::string frame_of(const std::string& topic, board_view view, std::int64_t version, bool frozen,
                     const std::string& board_text) {
    std::string f;
    f.reserve(board_text.size() + topic.size() + 96);
    f += R"({"type":"board","topic":)";
    f += json(topic).dump();
    f += R"(,"version":)";
    f += std::to_string(version);
    f += view == board_view::live ? R"(,"view":"live")" : R"(,"view":"public")";
    f += frozen ? R"(,"frozen":true,"board":)" : R"(,"frozen":false,"board":)";
    f += board_text;
    f += '}';
    return f;
}

// The sheet key of (scenario, entrant, judge) without building a sheet by hand at each call.
std::string slot_key(const std::string& scenario, const std::string& entrant,
                     const std::string& judge) {
    sc::sheet s;
    s.scenario = {scenario};
    s.entrant = {entrant};
    s.judge = {judge};
    return sc::sheet_key(s);
}

// Entries the `latest` board lists: what changed a result.
bool is_result_entry(std::string_view kind) {
    return kind == "sheet.submitted" || kind == "sheet.corrected" || kind == "sheet.withdrawn" ||
           kind == "run.status_set";
}

} // namespace

struct service::impl {
    store::log_store& log;
    auth& codes;
    service_options options;

    sc::event_state state;
    std::optional<sc::rulebook> rules;
    // The current sheets as the engine keeps them, with their keys, and where each key is.
    std::vector<sc::indexed_sheet> sheets;
    std::vector<std::string> sheet_keys;
    std::unordered_map<std::string, std::size_t> sheet_pos;
    std::vector<sc::run_ruling> rulings;
    sc::standings standings;

    std::deque<json> latest; // newest first: {seq, at, kind, scenario, entrant, judge, status}

    struct board_state {
        std::string live_text;
        std::string public_text;
        bool public_frozen = false;
        snapshot_ptr live;
        snapshot_ptr pub;
    };
    std::map<std::string, board_state> boards;
    std::map<std::string, json> frozen_public; // topic -> its public board at the freeze
    std::set<std::string> dirty;               // topics to refresh
    bool dirty_all = true;
    std::int64_t since_checkpoint = 0;

    impl(store::log_store& l, auth& a, const service_options& o) : log{l}, codes{a}, options{o} {}

    // ----- derived state ------------------------------------------------------------------

    bool rebuild() {
        auto compiled = sc::rulebook::compile(state.definition);
        if (!std::holds_alternative<sc::rulebook>(compiled)) return false;
        rules.emplace(std::get<sc::rulebook>(std::move(compiled)));
        sheets.clear();
        sheet_keys.clear();
        sheet_pos.clear();
        for (const auto& [key, c] : state.sheets) index_sheet(key, c.value);
        rebuild_rulings();
        standings = sc::compute_standings(*rules, sheets, rulings);
        return true;
    }

    void rebuild_rulings() {
        rulings.clear();
        for (const auto& [k, r] : state.rulings) rulings.push_back(r);
    }

    void index_sheet(const std::string& key, const sc::sheet& s) {
        auto one = sc::index_sheets(*rules, std::span<const sc::sheet>{&s, 1});
        if (one.empty()) return unindex_sheet(key);
        if (auto it = sheet_pos.find(key); it != sheet_pos.end()) {
            sheets[it->second] = std::move(one.front());
            return;
        }
        sheet_pos.emplace(key, sheets.size());
        sheets.push_back(std::move(one.front()));
        sheet_keys.push_back(key);
    }

    void unindex_sheet(const std::string& key) {
        auto it = sheet_pos.find(key);
        if (it == sheet_pos.end()) return;
        const std::size_t at = it->second;
        sheet_pos.erase(it);
        if (at != sheets.size() - 1) {
            sheets[at] = std::move(sheets.back());
            sheet_keys[at] = std::move(sheet_keys.back());
            sheet_pos[sheet_keys[at]] = at;
        }
        sheets.pop_back();
        sheet_keys.pop_back();
    }

    void rescore(const std::string& scenario) {
        if (auto index = rules->scenario_index({scenario}))
            sc::rescore_scenario(*rules, standings, *index, sheets, rulings);
    }

    // The standings the public may see: without the results of embargoed scenarios that not
    // every entrant has run yet. nullopt when nothing is embargoed (the live standings).
    [[nodiscard]] std::optional<sc::standings> public_standings() const {
        std::set<int> hidden;
        const auto& ev = rules->source();
        for (std::size_t i = 0; i < ev.scenarios.size(); ++i)
            if (ev.scenarios[i].embargo && !everyone_has_run(standings.scenarios[i]))
                hidden.insert(static_cast<int>(i));
        if (hidden.empty()) return std::nullopt;
        std::vector<sc::indexed_sheet> shown;
        for (const auto& s : sheets)
            if (!hidden.contains(s.scenario)) shown.push_back(s);
        std::vector<sc::run_ruling> shown_rulings;
        for (const auto& r : rulings)
            if (!hidden.contains(static_cast<int>(*rules->scenario_index(r.scenario))))
                shown_rulings.push_back(r);
        return sc::compute_standings(*rules, shown, shown_rulings);
    }

    [[nodiscard]] bool embargoed(const std::string& scenario) const {
        auto i = rules->scenario_index({scenario});
        return i && rules->source().scenarios[*i].embargo &&
               !everyone_has_run(standings.scenarios[*i]);
    }

    [[nodiscard]] json latest_board(bool for_public) const {
        json entries = json::array();
        for (const auto& e : latest)
            if (!for_public || !embargoed(e.value("scenario", ""))) entries.push_back(e);
        return {{"entries", std::move(entries)}};
    }

    [[nodiscard]] bool latest_has_embargoed() const {
        return std::any_of(latest.begin(), latest.end(),
                           [this](const json& e) { return embargoed(e.value("scenario", "")); });
    }

    // The boards of the topics in `only` (every topic when it is null) for both views, from the
    // state as it is (freezes aside). A topic has an entry in `pub` only where the public
    // board differs from the live one (an embargo hides something in it).
    void make_boards(std::map<std::string, json>& live, std::map<std::string, json>& pub,
                     const std::set<std::string>* only = nullptr) const {
        auto hidden = public_standings();
        for (const auto& topic : board_topics(*rules)) {
            if (only && !only->contains(topic)) continue;
            if (topic == "latest") {
                live[topic] = latest_board(false);
                if (latest_has_embargoed()) pub[topic] = latest_board(true);
                continue;
            }
            live[topic] = make_board(topic, *rules, standings);
            if (!hidden) continue;
            pub[topic] = make_board(topic, *rules, *hidden);
            if (topic.starts_with("scenario/") && embargoed(topic.substr(9)))
                pub[topic]["embargoed"] = true;
        }
    }

    [[nodiscard]] std::optional<int> frozen_rows(const std::string& topic) const {
        if (auto it = state.frozen.find(topic); it != state.frozen.end()) return it->second;
        if (auto it = state.frozen.find("*"); it != state.frozen.end()) return it->second;
        return std::nullopt;
    }

    // Recomputes the boards the commits since the last refresh touched (every board after a
    // rules change or at start-up) and returns the snapshots that changed.
    std::vector<snapshot_ptr> refresh_boards() {
        if (!rules) return {};
        std::map<std::string, json> live;
        std::map<std::string, json> pub;
        make_boards(live, pub, dirty_all ? nullptr : &dirty);
        dirty.clear();
        dirty_all = false;
        std::vector<snapshot_ptr> changed;
        for (auto& [topic, board] : live) {
            auto& b = boards[topic];
            std::string live_text = board.dump();
            if (live_text != b.live_text || !b.live) {
                b.live_text = std::move(live_text);
                b.live = std::make_shared<snapshot>(
                    snapshot{topic, board_view::live, state.seq,
                             frame_of(topic, board_view::live, state.seq, false, b.live_text)});
                changed.push_back(b.live);
            }
            // The public board: the live one's text unless an embargo or a freeze changes it.
            const auto hidden = pub.find(topic);
            const json& unfrozen = hidden == pub.end() ? board : hidden->second;
            const auto rows = frozen_rows(topic);
            std::string public_text;
            if (rows && *rows > 0) {
                public_text = reveal_bottom(unfrozen, *rows).dump();
            } else if (auto at = frozen_public.find(topic); rows && at != frozen_public.end()) {
                public_text = at->second.dump();
            } else {
                public_text = hidden == pub.end() ? b.live_text : unfrozen.dump();
            }
            if (public_text != b.public_text || rows.has_value() != b.public_frozen || !b.pub) {
                b.public_text = std::move(public_text);
                b.public_frozen = rows.has_value();
                b.pub = std::make_shared<snapshot>(
                    snapshot{topic, board_view::public_view, state.seq,
                             frame_of(topic, board_view::public_view, state.seq, b.public_frozen,
                                      b.public_text)});
                changed.push_back(b.pub);
            }
        }
        return changed;
    }

    // The public boards as they were when `key` ("*" or a topic) was frozen.
    void capture_freeze(const std::string& key) {
        std::map<std::string, json> live;
        std::map<std::string, json> pub;
        make_boards(live, pub);
        for (auto& [topic, board] : live) {
            if (key != "*" && key != topic) continue;
            auto hidden = pub.find(topic);
            frozen_public[topic] = std::move(hidden == pub.end() ? board : hidden->second);
        }
    }

    // ----- start-up -------------------------------------------------------------------------

    store::result<store::done> start() {
        auto replayed = app::replay(log);
        if (!replayed) return replayed.error();
        state = std::move(replayed.value());
        // An empty database is in set-up: the organiser's first rules.apply defines the event.
        if (state.seq == 0) return store::done{};
        if (!rebuild())
            return store::store_error{store::store_errc::corrupt,
                                      "the rules stored in the log cannot be compiled"};
        auto loaded = load_latest();
        if (!loaded) return loaded;
        auto frozen = restore_freezes();
        if (!frozen) return frozen;
        refresh_boards();
        return store::done{};
    }

    // The newest entries for the `latest` board, read back from the log.
    store::result<store::done> load_latest() {
        const std::int64_t from = std::max<std::int64_t>(1, state.seq - 2000);
        std::vector<json> found;
        auto read = log.scan(from, [&](const store::entry_view& e) {
            if (is_result_entry(e.kind)) {
                auto action = codec::decode_action(e.kind, e.body);
                if (auto* a = std::get_if<sc::log_action>(&action))
                    if (auto item = latest_item(e.seq, e.at, e.kind, *a)) found.push_back(*item);
            }
            return true;
        });
        if (!read) return read.error();
        for (auto& item : found) {
            latest.push_front(std::move(item));
            if (latest.size() > options.latest_size) latest.pop_back();
        }
        return store::done{};
    }

    // For each frozen board, its public view as of the entry that froze it.
    store::result<store::done> restore_freezes() {
        if (state.frozen.empty()) return store::done{};
        std::map<std::string, std::int64_t> frozen_at;
        auto read = log.scan(1, [&](const store::entry_view& e) {
            if (e.kind == "board.frozen") {
                auto action = codec::decode_action(e.kind, e.body);
                if (auto* a = std::get_if<sc::log_action>(&action))
                    frozen_at[std::get<sc::board_frozen>(*a).board] = e.seq;
            }
            return true;
        });
        if (!read) return read.error();
        for (const auto& [key, rows] : state.frozen) {
            auto at = frozen_at.find(key);
            if (at == frozen_at.end()) continue;
            auto then = app::replay_all(log, at->second - 1);
            if (!then) return then.error();
            impl past{log, codes, options};
            past.state = std::move(then.value());
            if (!past.rebuild()) continue;
            for (auto it = latest.rbegin(); it != latest.rend(); ++it)
                if (it->at("seq").get<std::int64_t>() < at->second) past.latest.push_front(*it);
            past.capture_freeze(key);
            for (auto& [topic, board] : past.frozen_public) frozen_public[topic] = board;
        }
        return store::done{};
    }

    std::optional<json> latest_item(std::int64_t seq, std::string_view at, std::string_view kind,
                                    const sc::log_action& action) const {
        json j{{"seq", seq}, {"at", at}, {"kind", kind}};
        const sc::sheet* s = nullptr;
        if (auto* a = std::get_if<sc::sheet_submitted>(&action)) s = &a->value;
        if (auto* a = std::get_if<sc::sheet_corrected>(&action)) s = &a->value;
        if (auto* a = std::get_if<sc::sheet_withdrawn>(&action)) {
            const auto* current = state.sheet_at(a->sheet_seq);
            if (current) s = &current->value;
        }
        if (s) {
            j["scenario"] = s->scenario.value;
            j["entrant"] = s->entrant.value;
            j["judge"] = s->judge.value;
        } else if (auto* a = std::get_if<sc::run_status_set>(&action)) {
            j["scenario"] = a->ruling.scenario.value;
            j["entrant"] = a->ruling.entrant.value;
            j["status"] = std::string{sc::to_string(a->ruling.status)};
        } else {
            return std::nullopt;
        }
        return j;
    }

    // ----- commits ----------------------------------------------------------------------------

    // Appends one action and, once it is durable, folds it in and recomputes what it changed.
    handled commit(const client& from, const json& req, sc::log_action action,
                   const json* event_doc = nullptr) {
        const json& re = req.at("id");
        const std::string submission_id = req.value("submission_id", "");
        codec::encoded_entry encoded_entry =
            event_doc ? codec::encode_event_defined(*event_doc, req.value("note", ""))
                      : codec::encode_action(action);
        const std::string at = app::now_utc();
        const std::string actor = actor_of(from.who);
        store::new_entry entry{encoded_entry.kind,
                               actor,
                               from.device,
                               submission_id,
                               encoded_entry.body,
                               at,
                               submission_id.empty() ? std::string{} : request_text(req)};
        auto ack = log.append(entry);
        if (!ack)
            return refuse(re, {"storage_failed",
                               "the score could not be stored (" + ack.error().message +
                                   "); nothing was saved: send it again",
                               ""});
        handled out;
        out.reply = ok_reply(
            re, {{"seq", ack->seq}, {"submission_id", submission_id}, {"repeated", ack->repeated}});
        if (ack->repeated) return out;
        out.committed = true;

        // What changes, decided before the fold (a withdrawal names a sheet the fold removes).
        std::set<std::string> rescore_scenarios;
        bool full = false;
        std::string removed_key; // a sheet slot emptied
        std::string new_key;     // a sheet slot filled
        std::string freeze_key;
        std::visit(
            [&](const auto& a) {
                using T = std::decay_t<decltype(a)>;
                if constexpr (std::is_same_v<T, sc::sheet_submitted>) {
                    rescore_scenarios.insert(a.value.scenario.value);
                    new_key = sc::sheet_key(a.value);
                } else if constexpr (std::is_same_v<T, sc::sheet_corrected>) {
                    rescore_scenarios.insert(a.value.scenario.value);
                    new_key = sc::sheet_key(a.value);
                    if (const auto* old = state.sheet_at(a.supersedes)) {
                        rescore_scenarios.insert(old->value.scenario.value);
                        if (sc::sheet_key(old->value) != sc::sheet_key(a.value))
                            removed_key = sc::sheet_key(old->value);
                    }
                } else if constexpr (std::is_same_v<T, sc::sheet_withdrawn>) {
                    if (const auto* old = state.sheet_at(a.sheet_seq)) {
                        rescore_scenarios.insert(old->value.scenario.value);
                        removed_key = sc::sheet_key(old->value);
                    }
                } else if constexpr (std::is_same_v<T, sc::run_status_set>) {
                    rescore_scenarios.insert(a.ruling.scenario.value);
                } else if constexpr (std::is_same_v<T, sc::board_frozen>) {
                    freeze_key = a.board;
                    dirty_all = dirty_all || a.board == "*";
                    dirty.insert(a.board);
                } else if constexpr (std::is_same_v<T, sc::board_revealed>) {
                    dirty_all = dirty_all || a.board == "*";
                    dirty.insert(a.board);
                } else if constexpr (std::is_same_v<T, sc::event_defined> ||
                                     std::is_same_v<T, sc::team_set> ||
                                     std::is_same_v<T, sc::judge_set> ||
                                     std::is_same_v<T, sc::panel_set>) {
                    full = true;
                }
            },
            action);
        if (!freeze_key.empty()) capture_freeze(freeze_key);
        if (auto item = latest_item(ack->seq, at, encoded_entry.kind, action)) {
            latest.push_front(std::move(*item));
            if (latest.size() > options.latest_size) latest.pop_back();
        }

        sc::logged_action logged{ack->seq, at, actor, std::move(action)};
        sc::apply(state, std::move(logged));

        if (full) {
            rebuild();
            dirty_all = true;
        } else if (!rescore_scenarios.empty()) {
            pending.rescore = true;
            pending.removed_key = std::move(removed_key);
            pending.new_key = std::move(new_key);
            pending.scenarios = std::move(rescore_scenarios);
        }
        ++since_checkpoint;
        return out;
    }

    // What a commit leaves until after its ack (DESIGN.md, durable ack: the ack waits for the
    // commit, not for the standings): the rescoring of a sheet or ruling, and a checkpoint when
    // one is due. Every request settles first, so nothing reads the standings before it.
    struct pending_work {
        bool rescore = false;
        std::string removed_key; // a sheet slot emptied
        std::string new_key;     // a sheet slot filled
        std::set<std::string> scenarios;
    } pending;

    void settle() {
        if (pending.rescore) {
            auto p = std::exchange(pending, pending_work{});
            if (!p.removed_key.empty()) unindex_sheet(p.removed_key);
            if (auto it = state.sheets.find(p.new_key); it != state.sheets.end())
                index_sheet(p.new_key, it->second.value);
            rebuild_rulings();
            for (const auto& s : p.scenarios) {
                rescore(s);
                dirty.insert("scenario/" + s);
                if (auto i = rules->scenario_index({s}))
                    dirty.insert("day/" + std::to_string(rules->source().scenarios[*i].day));
            }
            dirty.insert("overall");
            dirty.insert("latest");
        }
        if (since_checkpoint >= options.checkpoint_every) {
            if (app::save_checkpoint(log, state)) since_checkpoint = 0;
        }
    }

    static handled refuse(const json& re, const refusal& r) {
        handled out;
        out.reply = error_reply(re, r.code, r.message, r.path);
        out.error_code = r.code;
        return out;
    }

    // The request as stored with its entry (as a digest): its JSON without its own id, members
    // in name order (nlohmann::json keeps objects sorted), so that a re-send under a new id
    // matches.
    static std::string request_text(const json& req) {
        json body = req;
        body.erase("id");
        return body.dump();
    }

    // A request whose submission id is already in the log gets its original ack, unchecked (the
    // first one was checked when it was stored), when it repeats the request that made that
    // entry: the same sender and the same request. Anything else that names the id is refused:
    // answering it with the entry's ack would tell its sender that something was stored when
    // it was not.
    std::optional<handled> repeated(const client& from, const json& req) {
        if (!req.contains("submission_id")) return std::nullopt;
        const std::string id = req.at("submission_id").get<std::string>();
        auto found = log.find_submission(id);
        if (!found || !*found) return std::nullopt;
        const store::submission& made = **found;
        if (!made.repeated_by(actor_of(from.who), request_text(req)))
            return refuse(req.at("id"),
                          {"submission_id_reused",
                           "submission id '" + id +
                               "' was already used for a different request; nothing was "
                               "stored: send this one with a new submission id",
                           "submission_id"});
        handled out;
        out.reply =
            ok_reply(req.at("id"), {{"seq", made.seq}, {"submission_id", id}, {"repeated", true}});
        return out;
    }

    // ----- requests ---------------------------------------------------------------------------

    static bool is_jury(const principal& p) {
        return p.who == role::head_judge || p.who == role::organiser;
    }

    // Reads a sheet from a request; a judge's own id fills an absent "judge".
    std::variant<sc::sheet, refusal> read_sheet(const client& from, const json& j) const {
        json doc = j;
        if (!doc.contains("judge")) {
            if (from.who.who != role::judge && from.who.who != role::head_judge)
                return refusal{"bad_message", "say which judge's sheet this is", "sheet.judge"};
            doc["judge"] = from.who.subject;
        }
        auto decoded = codec::decode_sheet_of(rules->source(), doc, "sheet");
        if (auto* p = std::get_if<sc::problem>(&decoded)) {
            // decode_sheet's messages start with their code: "value_not_a_number: ..."
            const auto colon = p->message.find(": ");
            return refusal{p->message.substr(0, colon), p->message.substr(colon + 2), p->path};
        }
        auto s = std::get<sc::sheet>(std::move(decoded));
        if (from.who.who == role::judge && s.judge.value != from.who.subject)
            return refusal{"not_your_sheet",
                           "you are signed in as " + from.who.subject +
                               ": you can only send your own sheets",
                           "sheet.judge"};
        return s;
    }

    std::optional<refusal> check(const sc::sheet& s) const {
        const bool locked = state.phase_of(s.scenario) != sc::scenario_phase::open;
        if (auto r = sc::check_sheet(*rules, s, locked)) return from_rejection(*r);
        return std::nullopt;
    }

    // The current sheet stored at entry `seq`, if `from` may change it.
    std::variant<const sc::current_sheet*, refusal> own_sheet(const client& from,
                                                              std::int64_t seq) const {
        const auto* c = state.sheet_at(seq);
        if (!c || c->seq != seq)
            return refusal{"no_such_sheet",
                           "no current sheet is stored at entry " + std::to_string(seq) +
                               (c ? " (it was corrected: entry " + std::to_string(c->seq) +
                                        " is its current version)"
                                  : ""),
                           ""};
        if (from.who.who == role::judge && c->value.judge.value != from.who.subject)
            return refusal{"not_your_sheet", "that sheet is " + c->value.judge.value + "'s", ""};
        return c;
    }

    handled submit(const client& from, const json& req) {
        auto read = read_sheet(from, req.at("sheet"));
        if (auto* r = std::get_if<refusal>(&read)) return refuse(req.at("id"), *r);
        auto& s = std::get<sc::sheet>(read);
        if (auto r = check(s)) return refuse(req.at("id"), *r);
        if (auto it = state.sheets.find(sc::sheet_key(s)); it != state.sheets.end())
            return refuse(req.at("id"),
                          {"duplicate_sheet",
                           s.judge.value + " already has a sheet for " + s.entrant.value + " in " +
                               s.scenario.value + " (entry " + std::to_string(it->second.seq) +
                               "): send sheet.correct to change it",
                           "sheet"});
        return commit(from, req, sc::sheet_submitted{std::move(s)});
    }

    handled correct(const client& from, const json& req) {
        auto owned = own_sheet(from, req.at("supersedes").get<std::int64_t>());
        if (auto* r = std::get_if<refusal>(&owned))
            return refuse(req.at("id"), {r->code, r->message, "supersedes"});
        const auto* old = std::get<const sc::current_sheet*>(owned);
        auto read = read_sheet(from, req.at("sheet"));
        if (auto* r = std::get_if<refusal>(&read)) return refuse(req.at("id"), *r);
        auto& s = std::get<sc::sheet>(read);
        if (state.phase_of(old->value.scenario) != sc::scenario_phase::open)
            return refuse(req.at("id"),
                          {"scenario_locked", old->value.scenario.value + " is locked", "sheet"});
        if (auto r = check(s)) return refuse(req.at("id"), *r);
        const std::string key = sc::sheet_key(s);
        if (key != sc::sheet_key(old->value) && state.sheets.contains(key))
            return refuse(req.at("id"), {"duplicate_sheet",
                                         "another current sheet already holds that judge, "
                                         "entrant and scenario: correct that one instead",
                                         "sheet"});
        return commit(
            from, req,
            sc::sheet_corrected{old->seq, std::move(s), req.at("reason").get<std::string>()});
    }

    handled withdraw(const client& from, const json& req) {
        auto owned = own_sheet(from, req.at("sheet_seq").get<std::int64_t>());
        if (auto* r = std::get_if<refusal>(&owned))
            return refuse(req.at("id"), {r->code, r->message, "sheet_seq"});
        const auto* old = std::get<const sc::current_sheet*>(owned);
        if (state.phase_of(old->value.scenario) != sc::scenario_phase::open)
            return refuse(req.at("id"),
                          {"scenario_locked", old->value.scenario.value + " is locked", ""});
        return commit(from, req,
                      sc::sheet_withdrawn{old->seq, req.at("reason").get<std::string>()});
    }

    handled approve(const client& from, const json& req) {
        auto owned = own_sheet(from, req.at("sheet_seq").get<std::int64_t>());
        if (auto* r = std::get_if<refusal>(&owned))
            return refuse(req.at("id"), {r->code, r->message, "sheet_seq"});
        return commit(from, req,
                      sc::sheet_approved{std::get<const sc::current_sheet*>(owned)->seq});
    }

    std::optional<refusal> check_entry(const std::string& scenario,
                                       const std::string& entrant) const {
        auto si = rules->scenario_index({scenario});
        if (!si) return refusal{"unknown_scenario", "no scenario '" + scenario + "'", "scenario"};
        auto ei = rules->entrant_index({entrant});
        if (!ei || rules->compiled(*si).position[*ei] < 0)
            return refusal{"unknown_entrant", "'" + entrant + "' does not take part in " + scenario,
                           "entrant"};
        return std::nullopt;
    }

    handled set_status(const client& from, const json& req) {
        const auto scenario = req.at("scenario").get<std::string>();
        const auto entrant = req.at("entrant").get<std::string>();
        if (auto r = check_entry(scenario, entrant)) return refuse(req.at("id"), *r);
        auto status = sc::parse_run_status(req.at("status").get<std::string>());
        if (!status)
            return refuse(req.at("id"), {"bad_run_status", "unknown run status", "status"});
        return commit(from, req,
                      sc::run_status_set{{{scenario}, {entrant}, *status},
                                         req.at("reason").get<std::string>()});
    }

    handled set_phase(const client& from, const json& req) {
        const auto scenario = req.at("scenario").get<std::string>();
        if (!rules->scenario_index({scenario}))
            return refuse(req.at("id"),
                          {"unknown_scenario", "no scenario '" + scenario + "'", "scenario"});
        const auto text = req.at("phase").get<std::string>();
        const auto phase = text == "open"     ? sc::scenario_phase::open
                           : text == "locked" ? sc::scenario_phase::locked
                                              : sc::scenario_phase::finalised;
        return commit(from, req, sc::scenario_phase_set{{scenario}, phase});
    }

    handled file_protest(const client& from, const json& req) {
        const auto scenario = req.at("scenario").get<std::string>();
        const auto entrant = req.at("entrant").get<std::string>();
        if (auto r = check_entry(scenario, entrant)) return refuse(req.at("id"), *r);
        const auto id = req.at("protest").get<std::string>();
        if (state.protests.contains(id))
            return refuse(req.at("id"), {"duplicate_protest",
                                         "a protest '" + id + "' was already filed", "protest"});
        return commit(
            from, req,
            sc::protest_filed{id, {scenario}, {entrant}, req.at("text").get<std::string>()});
    }

    handled rule_protest(const client& from, const json& req) {
        const auto id = req.at("protest").get<std::string>();
        if (!state.protests.contains(id))
            return refuse(req.at("id"),
                          {"no_such_protest", "no protest '" + id + "' was filed", "protest"});
        return commit(from, req,
                      sc::protest_ruled{id, req.at("upheld").get<bool>(),
                                        req.at("reason").get<std::string>()});
    }

    bool known_board(const std::string& board) const {
        return board == "*" || boards.contains(board);
    }

    handled freeze(const client& from, const json& req) {
        const auto board = req.at("board").get<std::string>();
        if (!known_board(board))
            return refuse(req.at("id"), {"unknown_topic", "no board '" + board + "'", "board"});
        return commit(from, req, sc::board_frozen{board});
    }

    handled reveal(const client& from, const json& req) {
        const auto board = req.at("board").get<std::string>();
        if (!state.frozen.contains(board))
            return refuse(req.at("id"),
                          {"not_frozen", "the board '" + board + "' is not frozen", "board"});
        return commit(from, req, sc::board_revealed{board, req.at("rows").get<int>()});
    }

    handled assignments(const client& from, const json& req) const {
        const auto ji = rules->judge_index({from.who.subject});
        json scenarios = json::array();
        const auto& ev = rules->source();
        for (std::size_t i = 0; ji && i < ev.scenarios.size(); ++i) {
            const auto& c = rules->compiled(i);
            const auto& def = ev.scenarios[i];
            const int me = static_cast<int>(*ji);
            const bool on_panel = std::find(c.panel.begin(), c.panel.end(), me) != c.panel.end();
            json my_roles = json::array();
            for (const auto& [name, judge] : c.roles)
                if (judge == me) my_roles.push_back(name);
            if (!on_panel && my_roles.empty() && from.who.who != role::head_judge) continue;
            json fields = json::array();
            for (std::size_t f = 0; f < def.fields.size(); ++f) {
                const auto& fd = def.fields[f];
                const bool mine = c.field_judge[f] < 0 ? on_panel : c.field_judge[f] == me;
                if (!mine && from.who.who != role::head_judge) continue;
                fields.push_back(field_json(fd));
            }
            json order = json::array();
            for (int e : c.entrants) {
                const auto& who = rules->entrants()[static_cast<std::size_t>(e)];
                auto it = state.sheets.find(slot_key(def.id.value, who.id.value, from.who.subject));
                order.push_back(
                    {{"entrant", who.id.value},
                     {"name", who.name},
                     {"country", who.country},
                     {"sheet", it == state.sheets.end() ? json(nullptr) : json(it->second.seq)}});
            }
            scenarios.push_back({{"scenario", def.id.value},
                                 {"name", def.name},
                                 {"day", def.day},
                                 {"phase", phase_name(state.phase_of(def.id))},
                                 {"roles", my_roles},
                                 {"status_from", def.status_from},
                                 {"fields", fields},
                                 {"order", order}});
        }
        handled out;
        out.reply = ok_reply(req.at("id"), {{"judge", from.who.subject}, {"scenarios", scenarios}});
        return out;
    }

    handled progress(const json& req) const {
        handled out;
        out.reply = ok_reply(req.at("id"), progress_report(*rules, state));
        return out;
    }

    handled definition(const json& req) const {
        auto doc = app::definition_document(log, state);
        if (!doc) return refuse(req.at("id"), {"storage_failed", doc.error().message, ""});
        // Who holds a head judge's code: the console keeps their role when it reissues codes.
        auto heads = codes.subjects(role::head_judge);
        if (!heads) return refuse(req.at("id"), {heads.error().code, heads.error().message, ""});
        handled out;
        out.reply = ok_reply(req.at("id"), {{"seq", state.seq},
                                            {"rules_version", state.rules_version},
                                            {"event", std::move(doc.value())},
                                            {"head_judges", std::move(heads.value())}});
        return out;
    }

    handled preview(const client& from, const json& req) const {
        auto read = read_sheet(from, req.at("sheet"));
        if (auto* r = std::get_if<refusal>(&read)) return refuse(req.at("id"), *r);
        const auto& s = std::get<sc::sheet>(read);
        if (auto r = check(s)) return refuse(req.at("id"), *r);
        // The standings as they would be with this sheet in place of the judge's current one.
        auto with = sheets;
        auto one = sc::index_sheets(*rules, std::span<const sc::sheet>{&s, 1});
        if (auto it = sheet_pos.find(sc::sheet_key(s)); it != sheet_pos.end())
            with[it->second] = one.front();
        else
            with.push_back(one.front());
        auto would_be = standings;
        const auto index = *rules->scenario_index(s.scenario);
        sc::rescore_scenario(*rules, would_be, index, with, rulings);
        const json encoded = codec::encode_standings(*rules, would_be);
        json entry = nullptr;
        for (const auto& e : encoded.at("scenarios").at(index).at("entries"))
            if (e.at("entrant") == s.entrant.value) entry = e;
        handled out;
        out.reply = ok_reply(req.at("id"), {{"entry", entry}});
        return out;
    }

    // The rules of an event document with the current sheets: its problems, or the rulebook.
    std::variant<sc::rulebook, std::vector<sc::problem>> rules_of(const json& doc) const {
        auto loaded = codec::load_event(doc);
        if (auto* p = std::get_if<std::vector<sc::problem>>(&loaded)) return *p;
        auto decoded = codec::decode_event(doc);
        if (auto* p = std::get_if<std::vector<sc::problem>>(&decoded)) return *p;
        auto ev = std::get<sc::event>(std::move(decoded));
        if (rules && ev.id != state.definition.id)
            return std::vector<sc::problem>{
                {"event.id", "this server runs the event '" + state.definition.id +
                                 "': a rules change keeps the event's id"}};
        ev.sheets.clear();
        ev.rulings.clear();
        return sc::rulebook::compile(std::move(ev));
    }

    static json problems_json(const std::vector<sc::problem>& problems) {
        json out = json::array();
        for (const auto& p : problems) out.push_back({{"path", p.path}, {"message", p.message}});
        return out;
    }

    static json brief(const json& row) {
        json j = json::object();
        for (const char* k : {"rank", "result", "points", "total", "state", "status"})
            if (row.contains(k)) j[k] = row.at(k);
        return j;
    }

    // Calls visit(key, before_item, after_item) for each `key` value found in either list, in
    // key order; an item missing from one side is null.
    template <class Visit>
    static void pair_by(const json& before, const json& after, const char* key, Visit visit) {
        std::map<std::string, std::pair<json, json>> pairs;
        for (const auto& x : before) pairs[x.at(key)].first = x;
        for (const auto& x : after) pairs[x.at(key)].second = x;
        for (const auto& [k, p] : pairs) visit(k, p.first, p.second);
    }

    // What differs between two encoded standings, entrant by entrant, board by board.
    static json differences(const json& before, const json& after) {
        json changes = json::array();
        const json none = json::array();
        auto compare = [&](const std::string& board, const json& a, const json& b,
                           const char* rows) {
            pair_by(
                a.is_object() ? a.at(rows) : none, b.is_object() ? b.at(rows) : none, "entrant",
                [&](const std::string& who, const json& o, const json& n) {
                    json was = o.is_null() ? o : brief(o);
                    json now = n.is_null() ? n : brief(n);
                    if (was != now)
                        changes.push_back(
                            {{"board", board}, {"entrant", who}, {"before", was}, {"after", now}});
                });
        };
        pair_by(before.at("scenarios"), after.at("scenarios"), "id",
                [&](const std::string& id, const json& a, const json& b) {
                    compare("scenario/" + id, a, b, "entries");
                });
        pair_by(before.at("rankings"), after.at("rankings"), "id",
                [&](const std::string& id, const json& a, const json& b) {
                    compare("ranking/" + id, a, b, "rows");
                });
        return changes;
    }

    handled rules_preview(const json& req) const {
        auto compiled = rules_of(req.at("event"));
        handled out;
        if (auto* p = std::get_if<std::vector<sc::problem>>(&compiled)) {
            out.reply = ok_reply(
                req.at("id"),
                {{"valid", false}, {"problems", problems_json(*p)}, {"changes", json::array()}});
            return out;
        }
        const auto& next = std::get<sc::rulebook>(compiled);
        if (!rules) { // the event's first definition: no standings to compare with yet
            out.reply = ok_reply(
                req.at("id"),
                {{"valid", true}, {"problems", json::array()}, {"changes", json::array()}});
            return out;
        }
        std::vector<sc::sheet> current;
        for (const auto& [k, c] : state.sheets) current.push_back(c.value);
        auto next_standings = sc::compute_standings(next, current, rulings);
        const json before = codec::encode_standings(*rules, standings);
        const json after = codec::encode_standings(next, next_standings);
        out.reply = ok_reply(req.at("id"), {{"valid", true},
                                            {"problems", json::array()},
                                            {"changes", differences(before, after)}});
        return out;
    }

    handled rules_apply(const client& from, const json& req) {
        // Made from an older definition (another console applied a change meanwhile): storing
        // it would undo that change.
        if (auto base = req.find("rules_version");
            base != req.end() && base->get<int>() != state.rules_version)
            return refuse(req.at("id"),
                          {"stale_rules",
                           "the event was changed meanwhile (it is at rules version " +
                               std::to_string(state.rules_version) +
                               ", this change was made from " + std::to_string(base->get<int>()) +
                               "): load it again and redo the change; nothing was stored",
                           "rules_version"});
        auto compiled = rules_of(req.at("event"));
        if (auto* p = std::get_if<std::vector<sc::problem>>(&compiled)) {
            handled out;
            json j{{"type", "error"},
                   {"re", req.at("id")},
                   {"code", "bad_rules"},
                   {"message", "the event document has " + std::to_string(p->size()) +
                                   " problem(s); nothing was changed"},
                   {"problems", problems_json(*p)}};
            out.reply = j.dump();
            out.error_code = "bad_rules";
            return out;
        }
        auto ev = std::get<sc::rulebook>(compiled).source();
        const json& doc = req.at("event");
        return commit(from, req, sc::event_defined{std::move(ev), req.value("note", "")}, &doc);
    }

    handled issue(const json& req) {
        const auto r = parse_role(req.at("role").get<std::string>());
        const auto subject = req.at("subject").get<std::string>();
        if ((r == role::judge || r == role::head_judge) && !rules->judge_index({subject}))
            return refuse(req.at("id"),
                          {"unknown_judge", "no judge '" + subject + "' in this event", "subject"});
        handled out;
        out.issue = handled::code_request{*r, subject};
        return out;
    }
    // ----- displays (displays.hpp) ------------------------------------------------------------

    display_settings_ptr displays;

    handled control_display(const client& from, const json& req) {
        auto read = read_display_control(
            req, [this](const std::string& topic) { return boards.contains(topic); });
        if (auto* r = std::get_if<display_refusal>(&read))
            return refuse(req.at("id"), {r->code, r->message, r->path});
        auto out = commit(from, req, std::get<sc::display_configured>(std::move(read)));
        if (out.committed) displays = std::make_shared<const display_settings>(state.displays);
        return out;
    }
};

store::result<std::unique_ptr<service>> service::open(store::log_store& log, auth& codes,
                                                      const service_options& options) {
    auto p = std::make_unique<impl>(log, codes, options);
    auto started = p->start();
    if (!started) return started.error();
    p->displays = std::make_shared<const display_settings>(p->state.displays);
    return std::unique_ptr<service>(new service(std::move(p)));
}

service::service(std::unique_ptr<impl> p) : impl_{std::move(p)} {}
service::~service() = default;

namespace {
const std::set<std::string, std::less<>> anyone{"auth.sign_in", "auth.resume", "auth.sign_out",
                                                "board.subscribe", "board.unsubscribe"};
const std::set<std::string, std::less<>> judges{"judge.assignments", "sheet.preview",
                                                "sheet.submit", "sheet.correct", "sheet.withdraw"};
const std::set<std::string, std::less<>> jury{"sheet.approve",      "run.set_status",
                                              "scenario.set_phase", "protest.file",
                                              "protest.rule",       "event.progress"};
const std::set<std::string, std::less<>> organisers{
    "auth.issue",  "board.freeze",    "board.reveal", "rules.preview",
    "rules.apply", "display.control", "display.list", "event.get"};
// What an empty database (set-up) answers: the organiser reads and defines the event.
const std::set<std::string, std::less<>> setup_types{"event.get", "rules.preview", "rules.apply"};
} // namespace

bool service::known_type(std::string_view type) {
    return anyone.contains(type) || judges.contains(type) || jury.contains(type) ||
           organisers.contains(type);
}

bool service::allowed(role r, std::string_view type) {
    if (anyone.contains(type)) return true;
    switch (r) {
    case role::organiser: return true;
    case role::head_judge: return judges.contains(type) || jury.contains(type);
    case role::judge: return judges.contains(type);
    default: return false;
    }
}

handled service::handle(const client& from, const json& req) {
    const std::string type = req.at("type").get<std::string>();
    auto& p = *impl_;
    p.settle();
    if (auto again = p.repeated(from, req)) return *again;
    if (!p.rules && !setup_types.contains(type))
        return impl::refuse(req.at("id"), {"no_event", std::string{no_event_message}, ""});
    if (type == "sheet.submit") return p.submit(from, req);
    if (type == "sheet.correct") return p.correct(from, req);
    if (type == "sheet.withdraw") return p.withdraw(from, req);
    if (type == "sheet.preview") return p.preview(from, req);
    if (type == "judge.assignments") return p.assignments(from, req);
    if (type == "event.progress") return p.progress(req);
    if (type == "event.get") return p.definition(req);
    if (type == "sheet.approve") return p.approve(from, req);
    if (type == "run.set_status") return p.set_status(from, req);
    if (type == "scenario.set_phase") return p.set_phase(from, req);
    if (type == "protest.file") return p.file_protest(from, req);
    if (type == "protest.rule") return p.rule_protest(from, req);
    if (type == "board.freeze") return p.freeze(from, req);
    if (type == "board.reveal") return p.reveal(from, req);
    if (type == "rules.preview") return p.rules_preview(req);
    if (type == "rules.apply") return p.rules_apply(from, req);
    if (type == "auth.issue") return p.issue(req);
    if (type == "display.control") return p.control_display(from, req);
    return impl::refuse(req.at("id"), {"unknown_type", "no message type '" + type + "'", "type"});
}

std::vector<snapshot_ptr> service::refresh() {
    impl_->settle();
    return impl_->refresh_boards();
}

std::vector<snapshot_ptr> service::all_boards() const {
    std::vector<snapshot_ptr> out;
    for (const auto& [topic, b] : impl_->boards) {
        out.push_back(b.live);
        out.push_back(b.pub);
    }
    return out;
}

std::optional<std::string> service::standings_json() {
    if (!impl_->rules) return std::nullopt;
    impl_->settle(); // the standings as of the newest entry
    return codec::encode_standings(*impl_->rules, impl_->standings).dump();
}

bool service::has_event() const { return impl_->rules.has_value(); }

std::int64_t service::seq() const { return impl_->state.seq; }

display_settings_ptr service::displays() const { return impl_->displays; }

store::result<store::done> service::checkpoint() {
    auto saved = app::save_checkpoint(impl_->log, impl_->state);
    if (saved) impl_->since_checkpoint = 0;
    return saved;
}

} // namespace aplc::live
