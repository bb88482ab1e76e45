#include "aplc/export/pdf_export.hpp"

#include "pdf_document.hpp"
#include "provenance_marker.hpp"
#include "tables.hpp"

#include <algorithm>
#include <filesystem>

namespace aplc::exports {
namespace sc = aplc::scoring;
using nlohmann::json;

namespace {

std::string upper_status(const results& r) {
    return r.made.official ? "OFFICIAL RESULTS" : "PROVISIONAL RESULTS";
}

std::string footer_of(const results& r) {
    return r.rules->source().name + " · " + upper_status(r) + " · made " + r.made.generated_at +
           " · entries 1-" + std::to_string(r.made.last_seq) + " · last hash " +
           r.made.last_hash.substr(0, 16);
}

std::vector<std::size_t> columns_named(const table& t, std::vector<std::string> skip) {
    std::vector<std::size_t> keep;
    for (std::size_t c = 0; c < t.header.size(); ++c) {
        bool empty = std::all_of(t.rows.begin(), t.rows.end(),
                                 [&](const auto& row) { return row[c].empty(); });
        if (!empty && std::find(skip.begin(), skip.end(), t.header[c]) == skip.end())
            keep.push_back(c);
    }
    return keep;
}

void cover(pdf_document& d, const results& r) {
    const auto& ev = r.rules->source();
    d.new_page();
    d.y = 640.0F;
    d.line(ev.name, 22.0F, true);
    if (!ev.venue.empty()) d.line(ev.venue, 11.0F);
    for (const auto& day : ev.days)
        d.line("Day " + std::to_string(day.number) + " · " + day.date + " · " + day.label, 10.0F);
    d.y -= 20.0F;
    d.line(upper_status(r), 26.0F, true);
    d.line(r.made.official ? "Every scenario is finalised and no protest is open."
                           : "Not final: scenarios may still change (see below).",
           10.0F);
    d.y -= 10.0F;
    d.line("Made " + r.made.generated_at + " from log entries 1-" + std::to_string(r.made.last_seq),
           10.0F);
    d.line("Last entry's hash: " + r.made.last_hash, 8.0F);
    d.line("Check with: aplc verify --db EVENT.db --export THIS.pdf", 8.0F);
    d.y -= 10.0F;
    for (const auto& s : ev.scenarios)
        d.line(s.name + ": " + std::string{status_name(r.made.scenarios.at(s.id.value))}, 10.0F);
}

void rankings(pdf_document& d, const results& r) {
    for (const auto& ranking : r.standings["rankings"]) {
        d.new_page();
        auto t = ranking_table(r, ranking);
        d.line(t.title, 16.0F, true);
        d.draw_table(t, columns_named(t, {"entrant", "division"}));
    }
}

void scenarios(pdf_document& d, const results& r) {
    auto marks = marks_table(r);
    for (const auto& scenario : r.standings["scenarios"]) {
        d.new_page();
        auto t = scenario_table(r, scenario);
        std::string id = scenario["id"];
        d.line(t.title, 16.0F, true);
        d.line("Day " + scenario["day"].dump() + " · " +
                   std::string{status_name(r.made.scenarios.at(id))},
               10.0F);
        // Two tables, so that long team names and many values both fit the page: the
        // results, then every aggregated value by entrant.
        std::vector<std::string> values(t.header.begin() + 11, t.header.end() - 2);
        auto skip = values;
        skip.insert(skip.end(), {"entrant", "division", "state"});
        d.draw_table(t, columns_named(t, skip));
        std::vector<std::size_t> value_columns{0, 1};
        for (std::size_t c = 11; c + 2 < t.header.size(); ++c) value_columns.push_back(c);
        d.line("Aggregated values", 12.0F, true);
        d.draw_table(t, value_columns);
        table panel{"The panel's marks", marks.header, {}, marks.numeric};
        for (const auto& row : marks.rows)
            if (row[0] == id) panel.rows.push_back(row);
        d.line(panel.title, 12.0F, true);
        d.draw_table(panel, columns_named(panel, {"scenario", "judge"}));
    }
}

// One score sheet per team: its own and its members' results in every scenario, then every
// judge's marks for them.
void team_sheets(pdf_document& d, const results& r) {
    const auto marks = marks_table(r);
    for (const auto& team : r.rules->source().teams) {
        d.new_page();
        d.line(team.name, 16.0F, true);
        d.line(team.country + " · " + team.id.value, 10.0F);
        table t{"",
                {"scenario", "entrant", "name", "status", "result", "points", "rank"},
                {},
                {false, false, false, false, true, true, true}};
        for (const auto& scenario : r.standings["scenarios"])
            for (const auto& e : scenario["entries"]) {
                const auto* who = find_entrant(r, e["entrant"]);
                if (!who || who->team < 0 ||
                    r.rules->source().teams[static_cast<std::size_t>(who->team)].id != team.id)
                    continue;
                t.rows.push_back({scenario["name"], e["entrant"], e["name"], e["status"],
                                  e.value("result", ""), e.value("points", ""),
                                  e.contains("rank") ? e["rank"].dump() : ""});
            }
        d.draw_table(t);
        for (const auto& ranking : r.standings["rankings"])
            for (const auto& row : ranking["rows"])
                if (row["entrant"] == team.id.value)
                    d.line(ranking["name"].get<std::string>() + ": rank " + row["rank"].dump() +
                               ", total " + row["total"].get<std::string>(),
                           11.0F, true);
        // The judges' sheets behind those results: every mark of the team and its members.
        table sheets{"Judges' sheets", marks.header, {}, marks.numeric};
        for (const auto& row : marks.rows) {
            const auto* who = find_entrant(r, row[1]);
            if (who && who->team >= 0 &&
                r.rules->source().teams[static_cast<std::size_t>(who->team)].id == team.id)
                sheets.rows.push_back(row);
        }
        d.line(sheets.title, 12.0F, true);
        d.draw_table(sheets, columns_named(sheets, {"name", "judge", "approved", "corrects"}));
    }
}

} // namespace

std::optional<export_error> write_results_book(const results& r, const std::string& path) {
    auto made = pdf_document::create(r, footer_of(r), provenance_marker(r, "pdf"));
    if (!made) return made.error();
    auto& d = *made.value();
    cover(d, r);
    rankings(d, r);
    scenarios(d, r);
    team_sheets(d, r);
    d.new_page();
    auto corrections = corrections_table(r);
    d.line(corrections.title, 16.0F, true);
    if (corrections.rows.empty())
        d.line("None.", 10.0F);
    else
        d.draw_table(corrections);
    return d.save(path);
}

std::optional<export_error> write_team_letter(const results& r, const std::string& team_id,
                                              const std::string& path) {
    const auto& ev = r.rules->source();
    auto team = std::find_if(ev.teams.begin(), ev.teams.end(),
                             [&](const auto& t) { return t.id.value == team_id; });
    if (team == ev.teams.end()) return export_error{"unknown_team", "no team " + team_id};
    auto made =
        pdf_document::create(r, footer_of(r), provenance_marker(r, "letters") + " team=" + team_id);
    if (!made) return made.error();
    auto& d = *made.value();
    d.new_page();
    d.y = 720.0F;
    d.line(ev.name, 18.0F, true);
    if (!ev.venue.empty()) d.line(ev.venue, 10.0F);
    d.y -= 30.0F;
    d.line(r.made.official ? "Certificate of Results" : "Statement of Provisional Results", 24.0F,
           true);
    d.y -= 10.0F;
    d.line("This is to certify that", 11.0F);
    d.line(team->name, 20.0F, true);
    d.line(team->country, 11.0F);
    for (const auto& m : team->members) d.line(m.name, 10.0F, false, pdf_document::margin + 20);
    d.y -= 10.0F;
    for (const auto& ranking : r.standings["rankings"])
        for (const auto& row : ranking["rows"]) {
            const auto* who = find_entrant(r, row["entrant"]);
            bool ours = row["entrant"] == team_id ||
                        (who && who->team >= 0 &&
                         ev.teams[static_cast<std::size_t>(who->team)].id.value == team_id);
            if (!ours) continue;
            std::string name =
                row["entrant"] == team_id ? "" : row["name"].get<std::string>() + ": ";
            d.line(name + "placed " + row["rank"].dump() + " of " +
                       std::to_string(ranking["rows"].size()) + " in " +
                       ranking["name"].get<std::string>() + " with " +
                       row["total"].get<std::string>() + " points",
                   11.0F, row["entrant"] == team_id);
        }
    d.y -= 10.0F;
    table t{
        "", {"scenario", "name", "result", "points", "rank"}, {}, {false, false, true, true, true}};
    for (const auto& scenario : r.standings["scenarios"])
        for (const auto& e : scenario["entries"]) {
            const auto* who = find_entrant(r, e["entrant"]);
            if (!who || who->team < 0 ||
                ev.teams[static_cast<std::size_t>(who->team)].id.value != team_id)
                continue;
            t.rows.push_back({scenario["name"], e["name"], e.value("result", ""),
                              e.value("points", ""), e.contains("rank") ? e["rank"].dump() : ""});
        }
    d.draw_table(t, {}, 9.0F);
    d.need(80.0F);
    d.y -= 40.0F;
    d.line(upper_status(r) + " · made " + r.made.generated_at, 9.0F, true);
    d.line("________________________          ________________________", 10.0F);
    d.line("Chief Judge                                        Competition Director", 9.0F);
    return d.save(path);
}

std::optional<export_error> write_team_letters(const results& r, const std::string& directory) {
    for (const auto& team : r.rules->source().teams)
        if (auto failed = write_team_letter(
                r, team.id.value,
                (std::filesystem::path{directory} / (team.id.value + ".pdf")).string()))
            return failed;
    return std::nullopt;
}

} // namespace aplc::exports
