#pragma once
// The event as organisers declare it: who competes, who judges, and each scenario's rules.
// Plain data; codecs fill it (server/), compile_event() checks it and binds its formulas, and
// compute_standings() turns it plus score sheets into standings. docs/rules.md is the reference
// for every member here.
#include "aplc/scoring/expression.hpp"
#include "aplc/scoring/number.hpp"
#include "aplc/scoring/strong_id.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace aplc::scoring {

struct day {
    int number = 1;
    std::string date; // ISO date, informational
    std::string label;
};

struct division {
    std::string id;
    std::string name;
};

struct member {
    entrant_id id;
    std::string name;
    std::string division; // empty: the team's division
    std::map<std::string, number> attributes;
};

struct team {
    entrant_id id;
    std::string name;
    std::string country; // ISO 3166 alpha-3, e.g. "SGP"
    std::string division;
    std::vector<member> members;
    std::map<std::string, number> attributes;
};

struct judge {
    judge_id id;
    std::string name;
    std::string country;
};

enum class entry_kind { team, member };
enum class field_kind { criterion, counter, time, check, number };
enum class better { higher, lower };
enum class run_status { completed, dnf, dns, dq };

struct field_def {
    std::string id;
    std::string label;
    field_kind kind = field_kind::criterion;
    std::optional<number> min;
    std::optional<number> max; // for a time: the time cap
    std::optional<number> step;
    std::string from; // empty: every panel judge fills it; else the role that does
    bool optional = false;
};

enum class value_level { judge, panel, entry };
enum class aggregate_method { mean, median, sum, trimmed, designated, majority, min, max };

struct value_def {
    std::string id;
    std::string label;
    value_level level = value_level::entry;
    std::string expr_text; // judge and entry levels
    // panel level
    std::string of; // a panel field or a judge-level value
    aggregate_method method = aggregate_method::mean;
    int drop_high = 0;
    int drop_low = 0;
    aggregate_method then = aggregate_method::sum; // trimmed: sum or mean of what is kept
    std::string role;                              // designated
    std::optional<rounding> round;
};

enum class points_method { raw, percent_of_best, rank_points, formula };
enum class tie_share { best, average };

struct points_rule {
    points_method method = points_method::raw;
    number max = number::of(100);   // percent_of_best
    std::vector<number> table;      // rank_points: points for 1st, 2nd, ...
    number beyond_table = number{}; // rank_points: for places past the table
    tie_share ties = tie_share::best;
    std::string formula_text; // formula: with result, best, worst, rank, count
    std::optional<rounding> round;
};

enum class status_order { normal, last };

struct status_rule {
    std::map<std::string, std::string> set; // field or value id -> expression text
    std::optional<number> points;           // fixed points, instead of computing any
    status_order order = status_order::last;
};

struct value_tie_break {
    std::string value;
    better direction = better::higher;
};

struct scenario {
    scenario_id id;
    std::string name;
    int day = 1;
    entry_kind entry = entry_kind::team;
    std::vector<judge_id> panel;
    std::map<std::string, judge_id> roles; // e.g. "timekeeper" -> J07
    std::vector<field_def> fields;
    std::vector<value_def> values;
    std::string result;
    better direction = better::higher;
    std::optional<int> display_places; // places to show results and points with; no rounding
    std::string status_from; // role that records the run status; empty: the panel's majority
    std::map<run_status, status_rule> status;
    std::vector<value_tie_break> tie_break;
    bool by_division = false; // ranks and relative points within each division
    bool embargo = false;     // public boards show no results until every entrant has run
    points_rule points;
};

enum class member_combine { sum, mean, best };

struct ranking_component {
    scenario_id scenario;
    number weight = number::of(1);
    member_combine combine = member_combine::sum; // a member scenario in a team ranking
    int count = 0;                                // best `count` members; 0: all
};

enum class ranking_tie_kind { wins, countback, scenario, value_total };

struct ranking_tie_break {
    ranking_tie_kind kind = ranking_tie_kind::wins;
    scenario_id scenario; // scenario
    std::string value;    // value_total: an entry value summed over the components
    better direction = better::higher;
};

struct ranking_def {
    std::string id;
    std::string name;
    entry_kind of = entry_kind::team;
    std::vector<ranking_component> components; // empty: every scenario of the same entry kind
    std::vector<int> days;                     // empty: every day
    better direction = better::higher;
    bool by_division = false;
    std::optional<int> display_places; // places to show totals with; no rounding
    std::vector<ranking_tie_break> tie_break;
    std::optional<rounding> round;
};

struct sheet {
    scenario_id scenario;
    entrant_id entrant;
    judge_id judge;
    std::map<std::string, number> values;
    std::optional<run_status> status; // absent: the judge did not record one
};

// A head judge's ruling on a run, overriding what the sheets say.
struct run_ruling {
    scenario_id scenario;
    entrant_id entrant;
    run_status status = run_status::completed;
};

struct event {
    std::string id;
    std::string name;
    std::string venue;
    std::vector<day> days;
    std::vector<division> divisions;
    std::vector<std::string> attributes; // declared entrant attributes
    std::map<std::string, number> attribute_defaults;
    bool judges_own_country = true; // false: a judge may not score their own country
    std::vector<team> teams;
    std::vector<judge> judges;
    std::vector<scenario> scenarios;
    std::vector<ranking_def> rankings;
    std::vector<sheet> sheets;
    std::vector<run_ruling> rulings;
};

} // namespace aplc::scoring
