#include "aplc/export/results.hpp"

#include "aplc/app/event_database.hpp"
#include "aplc/codec/standings_codec.hpp"
#include "aplc/scoring/standings.hpp"

namespace aplc::exports {
namespace sc = aplc::scoring;

std::string_view status_name(bool official) { return official ? "official" : "provisional"; }

provenance status_of(const sc::event_state& state) {
    provenance p;
    std::map<std::string, std::size_t> open;
    for (const auto& [id, protest] : state.protests)
        if (!protest.ruling) {
            ++open[protest.filed.scenario.value];
            ++p.open_protests;
        }
    p.official = !state.definition.scenarios.empty();
    for (const auto& s : state.definition.scenarios) {
        bool official =
            state.phase_of(s.id) == sc::scenario_phase::finalised && open[s.id.value] == 0;
        p.scenarios[s.id.value] = official;
        p.official = p.official && official;
    }
    return p;
}

outcome<results> load_results(const store::log_store& log, std::string generated_at,
                              std::int64_t up_to) {
    auto last = log.last_seq();
    if (up_to != std::numeric_limits<std::int64_t>::max() && (up_to < 1 || up_to > last))
        return export_error{"bad_entry", "the log has no entry " + std::to_string(up_to) +
                                             " (it holds entries 1-" + std::to_string(last) + ")"};
    if (last == 0) return export_error{"no_event", "the database holds no event yet"};
    auto state = app::replay_all(log, up_to);
    if (!state)
        return export_error{std::string{store::code_name(state.error().code)},
                            state.error().message};
    results r;
    r.state = std::move(state.value());
    auto compiled = sc::rulebook::compile(r.state.scored_event());
    if (auto* problems = std::get_if<std::vector<sc::problem>>(&compiled))
        return export_error{"bad_rules", "the log's rules do not compile: " +
                                             (problems->empty() ? std::string{}
                                                                : problems->front().path + ": " +
                                                                      problems->front().message)};
    r.rules = std::make_shared<const sc::rulebook>(std::move(std::get<sc::rulebook>(compiled)));
    r.standings = codec::encode_standings(*r.rules, sc::compute_standings(*r.rules));
    auto read = log.read(1, [&](const store::stored_entry& e) {
        if (e.seq > r.state.seq) return false;
        r.log.push_back(e);
        return true;
    });
    if (!read)
        return export_error{std::string{store::code_name(read.error().code)}, read.error().message};
    r.made = status_of(r.state);
    r.made.generated_at = std::move(generated_at);
    r.made.last_seq = r.state.seq;
    r.made.last_hash = r.log.empty() ? std::string{} : store::to_hex(r.log.back().hash);
    return r;
}

const sc::entrant_info* find_entrant(const results& r, const std::string& id) {
    auto index = r.rules->entrant_index(sc::entrant_id{id});
    return index ? &r.rules->entrants()[*index] : nullptr;
}

} // namespace aplc::exports
