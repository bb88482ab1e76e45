#include "aplc/codec/event_codec.hpp"

#include "aplc/codec/schema_check.hpp"

#include <nlohmann/json.hpp>

namespace aplc::codec {
namespace sc = aplc::scoring;
using nlohmann::json;

std::optional<sc::number> decode_decimal(const json& j) {
    if (j.is_string()) return sc::number::parse(j.get_ref<const std::string&>());
    if (j.is_number_integer()) return sc::number::of(j.get<std::int64_t>());
    if (j.is_number_unsigned()) return sc::number::parse(std::to_string(j.get<std::uint64_t>()));
    if (j.is_number_float()) {
        std::string text = j.dump(); // shortest text that reads back as the same double
        if (text.find_first_of("eE") != std::string::npos) return std::nullopt;
        return sc::number::parse(text);
    }
    return std::nullopt;
}

std::optional<sc::number> decode_sheet_value(const json& j) {
    if (j.is_boolean()) return sc::number::of(j.get<bool>() ? 1 : 0);
    if (j.is_string()) {
        const auto& s = j.get_ref<const std::string&>();
        auto colon = s.find(':');
        if (colon != std::string::npos) {
            auto minutes = sc::number::parse(s.substr(0, colon));
            auto seconds = sc::number::parse(s.substr(colon + 1));
            if (!minutes || !seconds || !minutes->is_integer() || seconds->is_negative() ||
                *seconds >= sc::number::of(60))
                return std::nullopt;
            auto total = minutes->times(sc::number::of(60));
            return total ? total->plus(*seconds) : std::nullopt;
        }
    }
    return decode_decimal(j);
}

namespace {

// A member array or object, or an empty one; a reference, so it is safe in a range-for.
const json& list_of(const json& obj, const char* key) {
    static const json empty = json::array();
    auto it = obj.find(key);
    return it == obj.end() ? empty : *it;
}
const json& object_of(const json& obj, const char* key) {
    static const json empty = json::object();
    auto it = obj.find(key);
    return it == obj.end() ? empty : *it;
}

// Decoding helpers that record a problem instead of throwing.
class reader {
public:
    std::vector<sc::problem> problems;

    sc::number decimal(const json& j, const std::string& path) {
        auto v = decode_decimal(j);
        if (!v) {
            problems.push_back(
                {path, "is not an exact decimal (write it as a string, e.g. \"8.5\")"});
            return {};
        }
        return *v;
    }
    std::optional<sc::number> optional_decimal(const json& obj, const char* key,
                                               const std::string& path) {
        if (!obj.contains(key)) return std::nullopt;
        return decimal(obj.at(key), path + "." + key);
    }
    static std::string str(const json& obj, const char* key, std::string fallback = {}) {
        return obj.contains(key) ? obj.at(key).get<std::string>() : fallback;
    }
    std::map<std::string, sc::number> attributes(const json& obj, const std::string& path) {
        std::map<std::string, sc::number> out;
        if (!obj.contains("attributes")) return out;
        for (const auto& [k, v] : obj.at("attributes").items())
            out.emplace(k, decimal(v, path + ".attributes." + k));
        return out;
    }
};

sc::rounding decode_rounding(const json& j) {
    static const std::map<std::string, sc::round_mode> modes{
        {"half_up", sc::round_mode::half_up},
        {"half_even", sc::round_mode::half_even},
        {"truncate", sc::round_mode::truncate},
        {"floor", sc::round_mode::floor},
        {"ceil", sc::round_mode::ceil}};
    return {j.at("places").get<int>(), modes.at(j.at("mode").get<std::string>())};
}

sc::better decode_better(const json& obj) {
    return reader::str(obj, "better", "higher") == "lower" ? sc::better::lower : sc::better::higher;
}

sc::aggregate_method decode_method(const std::string& m) {
    static const std::map<std::string, sc::aggregate_method> methods{
        {"mean", sc::aggregate_method::mean},
        {"median", sc::aggregate_method::median},
        {"sum", sc::aggregate_method::sum},
        {"trimmed", sc::aggregate_method::trimmed},
        {"designated", sc::aggregate_method::designated},
        {"majority", sc::aggregate_method::majority},
        {"min", sc::aggregate_method::min},
        {"max", sc::aggregate_method::max}};
    return methods.at(m);
}

sc::field_def decode_field(reader& r, const json& j, const std::string& path) {
    static const std::map<std::string, sc::field_kind> kinds{
        {"criterion", sc::field_kind::criterion},
        {"counter", sc::field_kind::counter},
        {"time", sc::field_kind::time},
        {"check", sc::field_kind::check},
        {"number", sc::field_kind::number}};
    sc::field_def f;
    f.id = j.at("id").get<std::string>();
    f.label = reader::str(j, "label", f.id);
    f.kind = kinds.at(j.at("kind").get<std::string>());
    f.min = r.optional_decimal(j, "min", path);
    f.max = r.optional_decimal(j, "max", path);
    if (auto cap = r.optional_decimal(j, "cap", path)) f.max = cap;
    f.step = r.optional_decimal(j, "step", path);
    f.from = reader::str(j, "from");
    f.optional = j.value("optional", false);
    return f;
}

sc::value_def decode_value(const json& j) {
    sc::value_def v;
    v.id = j.at("id").get<std::string>();
    v.label = reader::str(j, "label", v.id);
    std::string per = reader::str(j, "per", "entry");
    v.level = per == "judge" ? sc::value_level::judge
                             : (per == "panel" ? sc::value_level::panel : sc::value_level::entry);
    v.expr_text = reader::str(j, "expr");
    v.of = reader::str(j, "of");
    if (j.contains("method")) v.method = decode_method(j.at("method").get<std::string>());
    v.drop_high = j.value("drop_high", 0);
    v.drop_low = j.value("drop_low", 0);
    if (j.contains("then")) v.then = decode_method(j.at("then").get<std::string>());
    v.role = reader::str(j, "role");
    if (j.contains("round")) v.round = decode_rounding(j.at("round"));
    return v;
}

sc::points_rule decode_points(reader& r, const json& j, const std::string& path) {
    static const std::map<std::string, sc::points_method> methods{
        {"raw", sc::points_method::raw},
        {"percent_of_best", sc::points_method::percent_of_best},
        {"rank_points", sc::points_method::rank_points},
        {"formula", sc::points_method::formula}};
    sc::points_rule p;
    p.method = methods.at(j.at("method").get<std::string>());
    if (auto max = r.optional_decimal(j, "max", path)) p.max = *max;
    if (j.contains("table"))
        for (std::size_t i = 0; i < j.at("table").size(); ++i)
            p.table.push_back(
                r.decimal(j.at("table")[i], path + ".table[" + std::to_string(i) + "]"));
    if (auto beyond = r.optional_decimal(j, "beyond_table", path)) p.beyond_table = *beyond;
    p.ties =
        reader::str(j, "ties", "best") == "average" ? sc::tie_share::average : sc::tie_share::best;
    p.formula_text = reader::str(j, "formula");
    if (j.contains("round")) p.round = decode_rounding(j.at("round"));
    return p;
}

void decode_status(reader& r, const json& j, sc::scenario& s, const std::string& path) {
    for (const auto& [name, rule] : j.items()) {
        sc::status_rule out;
        for (const auto& [target, expr] : object_of(rule, "set").items())
            out.set.emplace(target, expr.get<std::string>());
        out.points = r.optional_decimal(rule, "points", path + "." + name);
        out.order = reader::str(rule, "order", "last") == "normal" ? sc::status_order::normal
                                                                   : sc::status_order::last;
        s.status.emplace(*sc::parse_run_status(name), std::move(out));
    }
}

sc::scenario decode_scenario(reader& r, const json& j, const std::string& path) {
    sc::scenario s;
    s.id = {j.at("id").get<std::string>()};
    s.name = j.at("name").get<std::string>();
    s.day = j.value("day", 1);
    s.entry =
        reader::str(j, "entry", "team") == "member" ? sc::entry_kind::member : sc::entry_kind::team;
    for (const auto& p : list_of(j, "panel")) s.panel.push_back({p.get<std::string>()});
    for (const auto& [role, judge] : object_of(j, "roles").items())
        s.roles.emplace(role, sc::judge_id{judge.get<std::string>()});
    const auto& fields = j.at("fields");
    for (std::size_t i = 0; i < fields.size(); ++i)
        s.fields.push_back(decode_field(r, fields[i], path + ".fields[" + std::to_string(i) + "]"));
    for (const auto& v : list_of(j, "values")) s.values.push_back(decode_value(v));
    s.result = j.at("result").at("value").get<std::string>();
    s.direction = decode_better(j.at("result"));
    if (j.at("result").contains("places"))
        s.display_places = j.at("result").at("places").get<int>();
    for (const auto& t : list_of(j, "tie_break"))
        s.tie_break.push_back({t.at("value").get<std::string>(), decode_better(t)});
    s.by_division = j.value("by_division", false);
    s.embargo = j.value("embargo", false);
    s.status_from = reader::str(j, "status_from");
    if (j.contains("status")) decode_status(r, j.at("status"), s, path + ".status");
    if (j.contains("points")) s.points = decode_points(r, j.at("points"), path + ".points");
    return s;
}

sc::ranking_def decode_ranking(reader& r, const json& j, const std::string& path) {
    sc::ranking_def d;
    d.id = j.at("id").get<std::string>();
    d.name = j.at("name").get<std::string>();
    d.of = reader::str(j, "of", "team") == "member" ? sc::entry_kind::member : sc::entry_kind::team;
    const auto& comps = list_of(j, "scenarios");
    for (std::size_t i = 0; i < comps.size(); ++i) {
        sc::ranking_component c;
        c.scenario = {comps[i].at("id").get<std::string>()};
        if (auto w = r.optional_decimal(comps[i], "weight",
                                        path + ".scenarios[" + std::to_string(i) + "]"))
            c.weight = *w;
        std::string combine = reader::str(comps[i], "combine", "sum");
        c.combine = combine == "mean"
                        ? sc::member_combine::mean
                        : (combine == "best" ? sc::member_combine::best : sc::member_combine::sum);
        c.count = comps[i].value("count", 0);
        d.components.push_back(c);
    }
    for (const auto& day : list_of(j, "days")) d.days.push_back(day.get<int>());
    d.direction = decode_better(j);
    d.by_division = j.value("by_division", false);
    if (j.contains("places")) d.display_places = j.at("places").get<int>();
    if (j.contains("round")) d.round = decode_rounding(j.at("round"));
    static const std::map<std::string, sc::ranking_tie_kind> kinds{
        {"wins", sc::ranking_tie_kind::wins},
        {"countback", sc::ranking_tie_kind::countback},
        {"scenario", sc::ranking_tie_kind::scenario},
        {"total", sc::ranking_tie_kind::value_total}};
    for (const auto& t : list_of(j, "tie_break"))
        d.tie_break.push_back({kinds.at(t.at("by").get<std::string>()),
                               {reader::str(t, "scenario")},
                               reader::str(t, "value"),
                               decode_better(t)});
    return d;
}

void decode_people(reader& r, const json& doc, sc::event& e) {
    for (std::size_t t = 0; t < doc.at("teams").size(); ++t) {
        const auto& j = doc.at("teams")[t];
        std::string path = "teams[" + std::to_string(t) + "]";
        sc::team team{{j.at("id").get<std::string>()},
                      j.at("name").get<std::string>(),
                      reader::str(j, "country"),
                      reader::str(j, "division"),
                      {},
                      r.attributes(j, path)};
        const auto& members = list_of(j, "members");
        for (std::size_t m = 0; m < members.size(); ++m)
            team.members.push_back(
                {{members[m].at("id").get<std::string>()},
                 members[m].at("name").get<std::string>(),
                 reader::str(members[m], "division"),
                 r.attributes(members[m], path + ".members[" + std::to_string(m) + "]")});
        e.teams.push_back(std::move(team));
    }
    for (const auto& j : doc.at("judges"))
        e.judges.push_back({{j.at("id").get<std::string>()},
                            j.at("name").get<std::string>(),
                            reader::str(j, "country")});
}

// true/false is a yes/no answer: it is accepted for check fields only ("time": true is not 1 s).
std::optional<sc::problem> boolean_misuse(const sc::event& e, const json& sheet,
                                          const std::string& path) {
    for (const auto& [field, value] : object_of(sheet, "values").items()) {
        if (!value.is_boolean()) continue;
        for (const auto& scenario : e.scenarios) {
            if (scenario.id.value != sheet.value("scenario", "")) continue;
            for (const auto& f : scenario.fields)
                if (f.id == field && f.kind != sc::field_kind::check)
                    return sc::problem{path + ".values." + field,
                                       "value_not_a_number: '" + field + "' takes a number, not " +
                                           value.dump() + " (true/false is for yes/no checks)"};
        }
    }
    return std::nullopt;
}

} // namespace

std::variant<sc::sheet, sc::problem> decode_sheet(const json& j, const std::string& path) {
    sc::sheet s;
    s.scenario = {j.at("scenario").get<std::string>()};
    s.entrant = {j.at("entrant").get<std::string>()};
    s.judge = {j.at("judge").get<std::string>()};
    for (const auto& [field, value] : object_of(j, "values").items()) {
        auto v = decode_sheet_value(value);
        if (!v)
            return sc::problem{path + ".values." + field,
                               "value_not_a_number: '" + value.dump() + "' is not a number"};
        s.values.emplace(field, *v);
    }
    if (j.contains("status")) {
        auto status = j.at("status").get<std::string>();
        s.status = sc::parse_run_status(status);
        if (!s.status)
            return sc::problem{path + ".status",
                               "bad_run_status: '" + status + "' is not completed, dnf, dns or dq"};
    }
    return s;
}

std::variant<sc::sheet, sc::problem> decode_sheet_of(const sc::event& e, const json& j,
                                                     const std::string& path) {
    auto s = decode_sheet(j, path);
    if (std::holds_alternative<sc::sheet>(s))
        if (auto why = boolean_misuse(e, j, path)) return *why;
    return s;
}

std::variant<sc::event, std::vector<sc::problem>> decode_event(const json& doc) {
    reader r;
    sc::event e;
    const auto& ev = doc.at("event");
    e.id = ev.at("id").get<std::string>();
    e.name = ev.at("name").get<std::string>();
    e.venue = reader::str(ev, "venue");
    e.judges_own_country = ev.value("judges_own_country", true);
    for (const auto& d : list_of(ev, "days"))
        e.days.push_back({d.at("day").get<int>(), reader::str(d, "date"), reader::str(d, "label")});
    for (const auto& d : list_of(doc, "divisions"))
        e.divisions.push_back({d.at("id").get<std::string>(), d.at("name").get<std::string>()});
    const auto& attrs = list_of(doc, "attributes");
    for (std::size_t i = 0; i < attrs.size(); ++i) {
        e.attributes.push_back(attrs[i].at("id").get<std::string>());
        if (auto d =
                r.optional_decimal(attrs[i], "default", "attributes[" + std::to_string(i) + "]"))
            e.attribute_defaults.emplace(e.attributes.back(), *d);
    }
    decode_people(r, doc, e);
    const auto& scenarios = doc.at("scenarios");
    for (std::size_t i = 0; i < scenarios.size(); ++i)
        e.scenarios.push_back(
            decode_scenario(r, scenarios[i], "scenarios[" + std::to_string(i) + "]"));
    const auto& rankings = list_of(doc, "rankings");
    for (std::size_t i = 0; i < rankings.size(); ++i)
        e.rankings.push_back(decode_ranking(r, rankings[i], "rankings[" + std::to_string(i) + "]"));
    const auto& sheets = list_of(doc, "sheets");
    for (std::size_t i = 0; i < sheets.size(); ++i) {
        std::string path = "sheets[" + std::to_string(i) + "]";
        auto s = decode_sheet_of(e, sheets[i], path);
        if (auto* p = std::get_if<sc::problem>(&s))
            r.problems.push_back(*p);
        else
            e.sheets.push_back(std::get<sc::sheet>(std::move(s)));
    }
    for (const auto& run : list_of(doc, "runs"))
        e.rulings.push_back({{run.at("scenario").get<std::string>()},
                             {run.at("entrant").get<std::string>()},
                             *sc::parse_run_status(run.at("status").get<std::string>())});
    if (!r.problems.empty()) return r.problems;
    return e;
}

std::variant<sc::rulebook, std::vector<sc::problem>> load_event(const json& doc) {
    auto schema_errors = validate_against("event.schema.json", doc);
    if (!schema_errors.empty()) {
        std::vector<sc::problem> problems;
        for (auto& e : schema_errors) problems.push_back({std::move(e.path), std::move(e.message)});
        return problems;
    }
    auto decoded = decode_event(doc);
    if (auto* problems = std::get_if<std::vector<sc::problem>>(&decoded)) return *problems;
    return sc::rulebook::compile(std::get<sc::event>(std::move(decoded)));
}

} // namespace aplc::codec
