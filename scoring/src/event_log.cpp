#include "aplc/scoring/event_log.hpp"

#include <algorithm>

namespace aplc::scoring {
namespace {

// Builds a sheet's key into a reused buffer, so looking up an existing sheet allocates nothing.
std::string_view key_view(const sheet& s, std::string& buffer) {
    buffer.clear();
    buffer.append(s.scenario.value).push_back('\x1f');
    buffer.append(s.entrant.value).push_back('\x1f');
    buffer.append(s.judge.value);
    return buffer;
}

template <class T, class Id> void upsert(std::vector<T>& items, T value, Id T::*id) {
    auto it =
        std::find_if(items.begin(), items.end(), [&](const T& x) { return x.*id == value.*id; });
    if (it == items.end())
        items.push_back(std::move(value));
    else
        *it = std::move(value);
}

// One overload per action; each is a small, total update of the state.
struct applier {
    event_state& s;
    std::int64_t seq;

    void operator()(const event_defined& a) {
        s.definition = a.definition;
        s.definition.sheets.clear();
        s.definition.rulings.clear();
        ++s.rules_version;
        s.definition_entries = {seq};
    }
    void operator()(const team_set& a) {
        upsert(s.definition.teams, a.value, &team::id);
        s.definition_entries.push_back(seq);
    }
    void operator()(const judge_set& a) {
        upsert(s.definition.judges, a.value, &judge::id);
        s.definition_entries.push_back(seq);
    }
    void operator()(const panel_set& a) {
        s.definition_entries.push_back(seq);
        for (auto& sc : s.definition.scenarios)
            if (sc.id == a.scenario) {
                sc.panel = a.panel;
                sc.roles = a.roles;
            }
    }
    void operator()(const sheet_submitted& a) { (*this)(sheet_submitted{a}); }
    void operator()(sheet_submitted&& a) {
        thread_local std::string buffer;
        auto key = key_view(a.value, buffer);
        auto it = s.sheets.find(key);
        if (it == s.sheets.end()) {
            it = s.sheets.emplace(std::string{key}, current_sheet{}).first;
            it->second.first_seq = seq;
        } else {
            it->second.history.push_back(it->second.seq); // a resubmission replaces
        }
        it->second.seq = seq;
        it->second.value = std::move(a.value);
        it->second.approved = false;
    }
    void operator()(const sheet_corrected& a) {
        auto it = std::find_if(s.sheets.begin(), s.sheets.end(),
                               [&](const auto& kv) { return kv.second.seq == a.supersedes; });
        if (it == s.sheets.end()) return;
        current_sheet updated = it->second;
        updated.history.push_back(updated.seq);
        updated.seq = seq;
        updated.value = a.value;
        updated.approved = false;
        s.sheets.erase(it); // the correction may move the sheet (another entrant, say)
        s.sheets[sheet_key(a.value)] = std::move(updated);
    }
    void operator()(const sheet_withdrawn& a) {
        std::erase_if(s.sheets, [&](const auto& kv) { return kv.second.seq == a.sheet_seq; });
    }
    void operator()(const sheet_approved& a) {
        for (auto& [k, v] : s.sheets)
            if (v.seq == a.sheet_seq) v.approved = true;
    }
    void operator()(const run_status_set& a) {
        auto key = std::make_pair(a.ruling.scenario.value, a.ruling.entrant.value);
        if (a.ruling.status == run_status::completed)
            s.rulings.erase(key); // ruling withdrawn
        else
            s.rulings[key] = a.ruling;
    }
    void operator()(const scenario_phase_set& a) { s.phases[a.scenario.value] = a.phase; }
    void operator()(const board_frozen& a) { s.frozen[a.board] = 0; }
    void operator()(const board_revealed& a) {
        if (a.rows <= 0)
            s.frozen.erase(a.board);
        else if (auto it = s.frozen.find(a.board); it != s.frozen.end())
            it->second = a.rows;
    }
    void operator()(const protest_filed& a) { s.protests[a.protest] = {seq, a, std::nullopt}; }
    void operator()(const protest_ruled& a) {
        if (auto it = s.protests.find(a.protest); it != s.protests.end()) it->second.ruling = a;
    }
    void operator()(const display_configured& a) { s.displays[a.display] = {seq, a}; }
};

} // namespace

std::string sheet_key(const sheet& s) {
    std::string key;
    key_view(s, key);
    return key;
}

void apply(event_state& state, const logged_action& entry) {
    std::visit(applier{state, entry.seq}, entry.action);
    state.seq = entry.seq;
}

void apply(event_state& state, logged_action&& entry) {
    std::visit(applier{state, entry.seq}, std::move(entry.action));
    state.seq = entry.seq;
}

event event_state::scored_event() const {
    event e = definition;
    e.sheets.clear();
    e.rulings.clear();
    std::vector<const current_sheet*> ordered;
    for (const auto& [k, v] : sheets) ordered.push_back(&v);
    std::sort(ordered.begin(), ordered.end(),
              [](auto* a, auto* b) { return a->first_seq < b->first_seq; });
    for (const auto* s : ordered) e.sheets.push_back(s->value);
    for (const auto& [k, r] : rulings) e.rulings.push_back(r);
    return e;
}

scenario_phase event_state::phase_of(const scenario_id& s) const {
    auto it = phases.find(s.value);
    return it == phases.end() ? scenario_phase::open : it->second;
}

const current_sheet* event_state::sheet_at(std::int64_t entry) const {
    for (const auto& [k, v] : sheets)
        if (v.seq == entry) return &v;
    return nullptr;
}

} // namespace aplc::scoring
