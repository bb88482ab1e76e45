// The app service without the network: requests in, replies and board snapshots out, on a real
// SQLite file holding the demo event with a few of its sheets left out (so judges have work).
#include "service_fixture.hpp"

#include <set>
#include <string>

using namespace aplc::test;

namespace {

json sheet_of(const std::string& judge, json values) {
    return {{"scenario", "hostage-rescue"},
            {"entrant", "SGP"},
            {"judge", judge},
            {"values", std::move(values)}};
}

json submit(const std::string& sub, json sheet) {
    return {{"type", "sheet.submit"}, {"submission_id", sub}, {"sheet", std::move(sheet)}};
}

// Every sheet SGP still needs in hostage-rescue, as the demo had them.
void complete_sgp(fixture& f) {
    REQUIRE(f.send(j01, submit("s1", sheet_of("J01", {{"planning", "9.5"},
                                                      {"execution", "9.5"},
                                                      {"communication", "9"}})))["type"] == "ok");
    REQUIRE(f.send(j02, submit("s2", sheet_of("J02", {{"planning", "9"},
                                                      {"execution", "9"},
                                                      {"communication", "9.5"}})))["type"] == "ok");
    REQUIRE(f.send(j03, submit("s3", sheet_of("J03", {{"planning", "9.5"},
                                                      {"execution", "9"},
                                                      {"communication", "9.5"}})))["type"] == "ok");
    REQUIRE(f.send(j14, submit("s4", sheet_of("J14", {{"time", "277.44"},
                                                      {"hostage_hit", "0"},
                                                      {"procedural", "0"}})))["type"] == "ok");
}

json entry_of(const json& scenario_board, const std::string& entrant) {
    for (const auto& e : scenario_board.at("board").at("entries"))
        if (e.at("entrant") == entrant) return e;
    return nullptr;
}

} // namespace

TEST_CASE("a committed sheet is acknowledged with its entry and changes the boards that show it",
          "[service]") {
    fixture f;
    const json marks{{"planning", "9.5"}, {"execution", "9.5"}, {"communication", "9"}};
    const auto before = f.app().seq();
    auto ack = f.send(j01, submit("sub-1", sheet_of("J01", marks)));
    REQUIRE(ack["type"] == "ok");
    CHECK(ack["seq"] == before + 1);
    CHECK(ack["repeated"] == false);
    CHECK(f.log().last_seq() == before + 1);
    // The latest board names the new sheet; the scenario board's version is the new entry.
    auto latest = f.board("latest");
    CHECK(latest["version"] == before + 1);
    CHECK(latest["board"]["entries"][0]["judge"] == "J01");
    CHECK(latest["board"]["entries"][0]["entrant"] == "SGP");
    CHECK(f.board("scenario/hostage-rescue")["version"] == before + 1);
    // SGP is still incomplete (three judges to go): no rank yet.
    CHECK_FALSE(entry_of(f.board("scenario/hostage-rescue"), "SGP").contains("rank"));

    SECTION("the same request again gets the original ack and stores nothing") {
        auto again = f.send(j01, submit("sub-1", sheet_of("J01", marks)));
        CHECK(again["type"] == "ok");
        CHECK(again["seq"] == before + 1);
        CHECK(again["repeated"] == true);
        CHECK(f.log().last_seq() == before + 1);
        CHECK(f.changed().empty());
    }
    SECTION("the submission id with another sheet is refused, not acknowledged as stored") {
        auto other = f.send(j01, submit("sub-1", sheet_of("J01", {{"planning", "1"},
                                                                  {"execution", "1"},
                                                                  {"communication", "1"}})));
        CHECK(other["type"] == "error");
        CHECK(other["code"] == "submission_id_reused");
        CHECK(other["path"] == "submission_id");
        CHECK(f.log().last_seq() == before + 1);
        CHECK(f.changed().empty());
    }
    SECTION("the very same request from another judge is refused as a reuse") {
        // Byte for byte J01's request: only the sender differs (not "not_your_sheet": the id is
        // checked first, and a repeat would have been answered with J01's ack).
        auto other = f.send(j02, submit("sub-1", sheet_of("J01", marks)));
        CHECK(other["code"] == "submission_id_reused");
        CHECK(f.log().last_seq() == before + 1);
    }
    SECTION("the submission id from another judge is refused, even for the same kind of sheet") {
        auto other = f.send(j02, submit("sub-1", sheet_of("J02", marks)));
        CHECK(other["code"] == "submission_id_reused");
        CHECK(f.log().last_seq() == before + 1);
        // Not stored, so J02's sheet can still be sent under an id of its own.
        auto own = f.send(j02, submit("sub-2", sheet_of("J02", marks)));
        CHECK(own["seq"] == before + 2);
        CHECK(own["repeated"] == false);
    }
    SECTION("a second sheet for the same slot is refused: it must be a correction") {
        auto dup = f.send(j01, submit("sub-2", sheet_of("J01", {{"planning", "9"},
                                                                {"execution", "9"},
                                                                {"communication", "9"}})));
        CHECK(dup["code"] == "duplicate_sheet");
        CHECK(f.log().last_seq() == before + 1);
    }
}

TEST_CASE("the last sheet of a panel ranks the entrant and moves the overall board", "[service]") {
    fixture f;
    auto overall_before = f.board("overall");
    complete_sgp(f);
    auto sgp = entry_of(f.board("scenario/hostage-rescue"), "SGP");
    CHECK(sgp["rank"] == 1);
    CHECK(sgp["state"] == "ranked");
    auto overall = f.board("overall");
    CHECK(overall["version"] == f.app().seq());
    CHECK(overall["board"] != overall_before["board"]);
    CHECK(overall["board"]["rankings"][0]["rows"][0]["entrant"] == "SGP");
}

TEST_CASE("commits acknowledged back to back, before any refresh, are all in the standings",
          "[service]") {
    // The ack of a commit does not wait for its rescoring (refresh() or the next request does
    // it): each of these four is acknowledged without a refresh in between.
    fixture f;
    const client judges[] = {j01, j02, j03, j14};
    const json sheets[] = {
        sheet_of("J01", {{"planning", "9.5"}, {"execution", "9.5"}, {"communication", "9"}}),
        sheet_of("J02", {{"planning", "9"}, {"execution", "9"}, {"communication", "9.5"}}),
        sheet_of("J03", {{"planning", "9.5"}, {"execution", "9"}, {"communication", "9.5"}}),
        sheet_of("J14", {{"time", "277.44"}, {"hostage_hit", "0"}, {"procedural", "0"}})};
    for (int i = 0; i < 4; ++i) {
        json req = submit("b" + std::to_string(i), sheets[i]);
        req["id"] = "q" + std::to_string(i);
        auto out = f.app().handle(judges[i], req);
        REQUIRE(out.committed);
    }
    auto standings = json::parse(f.app().standings_json().value());
    json sgp;
    for (const auto& sc : standings.at("scenarios"))
        if (sc.at("id") == "hostage-rescue")
            for (const auto& e : sc.at("entries"))
                if (e.at("entrant") == "SGP") sgp = e;
    INFO(sgp.dump());
    CHECK(sgp.value("state", "") == "ranked");
    CHECK(sgp.value("rank", 0) == 1);
    // The boards made now agree with the standings.
    auto boards = f.app().refresh();
    std::string scenario_frame;
    for (const auto& b : boards)
        if (b->topic == "scenario/hostage-rescue" && b->view == board_view::public_view)
            scenario_frame = b->frame;
    REQUIRE_FALSE(scenario_frame.empty());
    auto board = json::parse(scenario_frame);
    CHECK(entry_of(board, "SGP")["rank"] == 1);
}

TEST_CASE("requests a judge may not make are refused with their codes and store nothing",
          "[service]") {
    fixture f;
    const auto seq = f.log().last_seq();
    CHECK(f.send(j01, submit("x1", sheet_of("J02", {{"planning", "9"},
                                                    {"execution", "9"},
                                                    {"communication", "9"}})))["code"] ==
          "not_your_sheet");
    json other = sheet_of("J01", {{"planning", "9"}});
    other["scenario"] = "riot-control";
    CHECK(f.send(j01, submit("x2", other))["code"] == "judge_not_on_panel");
    CHECK(f.send(j01, submit("x3", sheet_of("J01", {{"planning", "9.25"},
                                                    {"execution", "9"},
                                                    {"communication", "9"}})))["code"] ==
          "value_off_step");
    CHECK(f.send(j01, submit("x4", sheet_of("J01", {{"planning", "11"},
                                                    {"execution", "9"},
                                                    {"communication", "9"}})))["code"] ==
          "value_out_of_range");
    CHECK(f.send(j01, submit("x5", sheet_of("J01", {{"planning", "nine"},
                                                    {"execution", "9"},
                                                    {"communication", "9"}})))["code"] ==
          "value_not_a_number");
    // true/false is for yes/no checks: true is not 1 s (as in an event file).
    CHECK(f.send(j14, submit("x7", sheet_of("J14", {{"time", true},
                                                    {"hostage_hit", "0"},
                                                    {"procedural", "0"}})))["code"] ==
          "value_not_a_number");
    json unknown = sheet_of("J01", {{"planning", "9"}});
    unknown["entrant"] = "ATL";
    CHECK(f.send(j01, submit("x6", unknown))["code"] == "unknown_entrant");
    CHECK(f.log().last_seq() == seq);
    CHECK_FALSE(service::allowed(role::judge, "sheet.approve"));
    CHECK_FALSE(service::allowed(role::display, "sheet.submit"));
    CHECK_FALSE(service::allowed(role::head_judge, "auth.issue"));
    CHECK(service::allowed(role::head_judge, "run.set_status"));
    CHECK(service::allowed(role::organiser, "rules.apply"));
    CHECK_FALSE(service::known_type("board"));
}

TEST_CASE("a locked scenario takes no sheets or corrections until it is opened again",
          "[service]") {
    fixture f;
    REQUIRE(f.send(head, {{"type", "scenario.set_phase"},
                          {"submission_id", "p1"},
                          {"scenario", "hostage-rescue"},
                          {"phase", "locked"}})["type"] == "ok");
    CHECK(f.send(j01, submit("s1", sheet_of("J01", {{"planning", "9.5"},
                                                    {"execution", "9.5"},
                                                    {"communication", "9"}})))["code"] ==
          "scenario_locked");
    REQUIRE(f.send(head, {{"type", "scenario.set_phase"},
                          {"submission_id", "p2"},
                          {"scenario", "hostage-rescue"},
                          {"phase", "open"}})["type"] == "ok");
    CHECK(f.send(j01, submit("s1", sheet_of("J01", {{"planning", "9.5"},
                                                    {"execution", "9.5"},
                                                    {"communication", "9"}})))["type"] == "ok");
}

TEST_CASE("corrections and withdrawals replace a judge's sheet in the standings", "[service]") {
    fixture f;
    complete_sgp(f);
    const auto result = entry_of(f.board("scenario/hostage-rescue"), "SGP")["result"];
    // complete_sgp's request again: its original ack names J02's sheet.
    auto j02_seq = f.send(j02, submit("s2", sheet_of("J02", {{"planning", "9"},
                                                             {"execution", "9"},
                                                             {"communication", "9.5"}})))["seq"]
                       .get<std::int64_t>();
    auto fixed = f.send(
        j02, {{"type", "sheet.correct"},
              {"submission_id", "c1"},
              {"supersedes", j02_seq},
              {"reason", "misread"},
              {"sheet",
               sheet_of("J02", {{"planning", "5"}, {"execution", "5"}, {"communication", "5"}})}});
    REQUIRE(fixed["type"] == "ok");
    CHECK(entry_of(f.board("scenario/hostage-rescue"), "SGP")["result"] != result);
    // The superseded entry is no longer a current sheet.
    CHECK(f.send(j02, {{"type", "sheet.withdraw"},
                       {"submission_id", "w0"},
                       {"sheet_seq", j02_seq},
                       {"reason", "x"}})["code"] == "no_such_sheet");
    // Another judge cannot withdraw it; its owner can, and SGP is incomplete again.
    CHECK(f.send(j01, {{"type", "sheet.withdraw"},
                       {"submission_id", "w1"},
                       {"sheet_seq", fixed["seq"]},
                       {"reason", "x"}})["code"] == "not_your_sheet");
    REQUIRE(f.send(j02, {{"type", "sheet.withdraw"},
                         {"submission_id", "w2"},
                         {"sheet_seq", fixed["seq"]},
                         {"reason", "wrong team"}})["type"] == "ok");
    auto sgp = entry_of(f.board("scenario/hostage-rescue"), "SGP");
    CHECK(sgp["state"] == "incomplete");
    CHECK_FALSE(sgp.contains("rank"));
}

TEST_CASE("a head judge's ruling changes the result; protests need a filing before a ruling",
          "[service]") {
    fixture f;
    complete_sgp(f);
    REQUIRE(f.send(head, {{"type", "run.set_status"},
                          {"submission_id", "r1"},
                          {"scenario", "hostage-rescue"},
                          {"entrant", "SGP"},
                          {"status", "dq"},
                          {"reason", "unsafe weapon handling"}})["type"] == "ok");
    CHECK(entry_of(f.board("scenario/hostage-rescue"), "SGP")["status"] == "dq");
    CHECK(f.send(head, {{"type", "protest.rule"},
                        {"submission_id", "pr0"},
                        {"protest", "P1"},
                        {"upheld", true},
                        {"reason", "x"}})["code"] == "no_such_protest");
    REQUIRE(f.send(organiser, {{"type", "protest.file"},
                               {"submission_id", "pf"},
                               {"protest", "P1"},
                               {"scenario", "hostage-rescue"},
                               {"entrant", "SGP"},
                               {"text", "the DQ was wrong"}})["type"] == "ok");
    CHECK(f.send(head, {{"type", "protest.rule"},
                        {"submission_id", "pr1"},
                        {"protest", "P1"},
                        {"upheld", false},
                        {"reason", "video confirms"}})["type"] == "ok");
}

TEST_CASE("a frozen public board stays as it was while the live board moves, then is revealed",
          "[service]") {
    fixture f;
    REQUIRE(f.send(organiser, {{"type", "board.freeze"},
                               {"submission_id", "fz"},
                               {"board", "overall"}})["type"] == "ok");
    auto frozen = f.board("overall");
    CHECK(frozen["frozen"] == true);
    complete_sgp(f);
    auto live = f.board("overall", board_view::live);
    auto pub = f.board("overall");
    CHECK(pub["board"] == frozen["board"]);
    CHECK(live["board"] != frozen["board"]);

    SECTION("a restarted server still shows the board as it was at the freeze") {
        f.open();
        CHECK(f.board("overall")["board"] == frozen["board"]);
        CHECK(f.board("overall", board_view::live)["board"] == live["board"]);
    }
    SECTION("a reveal shows the live board's bottom rows, and rows 0 ends the freeze") {
        REQUIRE(f.send(organiser, {{"type", "board.reveal"},
                                   {"submission_id", "rv1"},
                                   {"board", "overall"},
                                   {"rows", 3}})["type"] == "ok");
        auto step = f.board("overall")["board"]["rankings"][0];
        REQUIRE(step["rows"].size() == 3);
        const auto& live_rows = live["board"]["rankings"][0]["rows"];
        CHECK(step["rows"][2] == live_rows[live_rows.size() - 1]);
        CHECK(step["hidden"] == live_rows.size() - 3);
        REQUIRE(f.send(organiser, {{"type", "board.reveal"},
                                   {"submission_id", "rv2"},
                                   {"board", "overall"},
                                   {"rows", 0}})["type"] == "ok");
        CHECK(f.board("overall")["frozen"] == false);
        CHECK(f.board("overall")["board"] == f.board("overall", board_view::live)["board"]);
    }
}

TEST_CASE("an embargoed scenario shows no public results until every entrant has run",
          "[service]") {
    fixture f;
    // riot-control is embargoed and complete in the demo: its results are public.
    CHECK_FALSE(f.board("scenario/riot-control").at("board").contains("embargoed"));
    // Withdraw one of its sheets: the scenario is incomplete again, and the public sees nothing.
    auto assignments = f.send(head, {{"type", "judge.assignments"}});
    std::int64_t seq = 0;
    for (const auto& s : assignments["scenarios"])
        if (s["scenario"] == "riot-control")
            seq = s["order"][0]["sheet"].is_null() ? 0 : s["order"][0]["sheet"].get<std::int64_t>();
    REQUIRE(seq > 0);
    REQUIRE(f.send(head, {{"type", "sheet.withdraw"},
                          {"submission_id", "w"},
                          {"sheet_seq", seq},
                          {"reason", "re-run"}})["type"] == "ok");
    auto pub = f.board("scenario/riot-control");
    CHECK(pub["board"]["embargoed"] == true);
    for (const auto& e : pub["board"]["entries"]) CHECK_FALSE(e.contains("rank"));
    CHECK(entry_of(f.board("scenario/riot-control", board_view::live), "SGP").contains("values"));
    // Its points are not in the public overall either, nor its sheets in the public `latest`.
    CHECK(f.board("overall")["board"] != f.board("overall", board_view::live)["board"]);
    auto scenarios_in = [](const json& board) {
        std::set<std::string> ids;
        for (const auto& e : board["board"]["entries"]) ids.insert(e.value("scenario", ""));
        return ids;
    };
    CHECK(scenarios_in(f.board("latest", board_view::live)).contains("riot-control"));
    CHECK_FALSE(scenarios_in(f.board("latest")).contains("riot-control"));
    CHECK_FALSE(scenarios_in(f.board("latest")).empty());
    // Boards the embargo does not touch read the same to both views.
    CHECK(f.board("scenario/hostage-rescue")["board"] ==
          f.board("scenario/hostage-rescue", board_view::live)["board"]);

    SECTION("a freeze and a reveal under the embargo show the public board, not the live one") {
        const json before = f.board("overall")["board"];
        REQUIRE(f.send(organiser, {{"type", "board.freeze"},
                                   {"submission_id", "fz"},
                                   {"board", "overall"}})["type"] == "ok");
        CHECK(f.board("overall")["board"] == before);
        CHECK(f.board("overall", board_view::live)["board"] != before);
        REQUIRE(f.send(organiser, {{"type", "board.reveal"},
                                   {"submission_id", "rv"},
                                   {"board", "overall"},
                                   {"rows", 3}})["type"] == "ok");
        auto bottom_three = [](const json& board) {
            json ranked = json::array();
            for (const auto& r : board["rankings"][0]["rows"])
                if (r.contains("rank")) ranked.push_back(r);
            REQUIRE(ranked.size() >= 3);
            return json(std::vector<json>(ranked.end() - 3, ranked.end()));
        };
        const json shown = f.board("overall")["board"]["rankings"][0]["rows"];
        CHECK(shown == bottom_three(before));
        CHECK(shown != bottom_three(f.board("overall", board_view::live)["board"]));
    }
}

TEST_CASE("a rules change is previewed without storing, then applied", "[service]") {
    fixture f;
    json doc = demo_event();
    for (auto& c : doc["rankings"][0]["scenarios"])
        if (c["id"] == "hostage-rescue") c["weight"] = "3";
    const auto seq = f.log().last_seq();
    auto preview = f.send(organiser, {{"type", "rules.preview"}, {"event", doc}});
    REQUIRE(preview["type"] == "ok");
    CHECK(preview["valid"] == true);
    CHECK_FALSE(preview["changes"].empty());
    CHECK(f.log().last_seq() == seq);

    json broken = doc;
    broken["scenarios"][0]["result"] = "no_such_value";
    auto bad = f.send(
        organiser,
        {{"type", "rules.apply"}, {"submission_id", "ra0"}, {"note", "x"}, {"event", broken}});
    CHECK(bad["code"] == "bad_rules");
    CHECK_FALSE(bad["problems"].empty());
    CHECK(f.log().last_seq() == seq);

    auto before = f.board("overall", board_view::live);
    REQUIRE(f.send(organiser, {{"type", "rules.apply"},
                               {"submission_id", "ra1"},
                               {"note", "marksmanship counts triple"},
                               {"event", doc}})["type"] == "ok");
    CHECK(f.board("overall", board_view::live)["board"] != before["board"]);
}

TEST_CASE("assignments list a judge's scenarios, fields and running order", "[service]") {
    fixture f;
    auto reply = f.send(j01, {{"type", "judge.assignments"}});
    REQUIRE(reply["type"] == "ok");
    json hostage;
    for (const auto& s : reply["scenarios"]) {
        CHECK(s["scenario"] != "riot-control"); // J01 is not on that panel
        if (s["scenario"] == "hostage-rescue") hostage = s;
    }
    REQUIRE(hostage.is_object());
    CHECK(hostage["fields"].size() == 3); // the panel's criteria, not the timekeeper's fields
    CHECK(hostage["order"][0]["entrant"] == "SGP");
    CHECK(hostage["order"][0]["sheet"].is_null());
    CHECK(hostage["order"][1]["sheet"].is_number());
}

TEST_CASE("a preview computes the score without storing it", "[service]") {
    fixture f;
    const auto seq = f.log().last_seq();
    auto reply = f.send(
        j01,
        {{"type", "sheet.preview"},
         {"sheet",
          sheet_of("J01", {{"planning", "9.5"}, {"execution", "9.5"}, {"communication", "9"}})}});
    REQUIRE(reply["type"] == "ok");
    CHECK(reply["entry"]["entrant"] == "SGP");
    CHECK(reply["entry"]["values"].is_object());
    CHECK(f.log().last_seq() == seq);
    CHECK(f.send(j01, {{"type", "sheet.preview"},
                       {"sheet", sheet_of("J01", {{"planning", "12"},
                                                  {"execution", "9.5"},
                                                  {"communication", "9"}})}})["code"] ==
          "value_out_of_range");
}

TEST_CASE("codes are issued only for the event's judges", "[service]") {
    fixture f;
    // The service checks the request; the server makes the code on its auth thread.
    auto ok = f.app().handle(
        organiser, {{"type", "auth.issue"}, {"id", "i1"}, {"subject", "J01"}, {"role", "judge"}});
    REQUIRE(ok.issue.has_value());
    CHECK(ok.issue->who == role::judge);
    CHECK(ok.issue->subject == "J01");
    CHECK(ok.reply.empty());
    CHECK_FALSE(ok.committed);
    CHECK(f.send(organiser,
                 {{"type", "auth.issue"}, {"subject", "J99"}, {"role", "judge"}})["code"] ==
          "unknown_judge");
}

TEST_CASE("a restart replays the log to the same boards and versions", "[service]") {
    fixture f;
    complete_sgp(f);
    auto overall = f.board("overall", board_view::live);
    auto latest = f.board("latest");
    f.open();
    CHECK(f.board("overall", board_view::live) == overall);
    CHECK(f.board("latest") == latest);
}

namespace {

// The progress entry of one entrant in one scenario.
json progress_of(const json& reply, const std::string& scenario, const std::string& entrant) {
    for (const auto& s : reply.at("scenarios"))
        if (s.at("scenario") == scenario)
            for (const auto& e : s.at("entrants"))
                if (e.at("entrant") == entrant) return e;
    return nullptr;
}

json sheet_by(const json& entry, const std::string& judge) {
    for (const auto& s : entry.at("sheets"))
        if (s.at("judge") == judge) return s;
    return nullptr;
}

} // namespace

TEST_CASE("event.progress shows missing, submitted, approved and corrected sheets and protests",
          "[service]") {
    fixture f;
    CHECK(service::known_type("event.progress"));
    CHECK_FALSE(service::allowed(role::judge, "event.progress"));
    CHECK(service::allowed(role::head_judge, "event.progress"));

    auto before = f.send(organiser, {{"type", "event.progress"}});
    REQUIRE(before["type"] == "ok");
    const auto hostage = before.at("scenarios").at(2);
    CHECK(hostage.at("scenario") == "hostage-rescue");
    CHECK(hostage.at("judges") == json{"J01", "J02", "J03", "J14"}); // panel, then timekeeper
    CHECK(hostage.at("fields").at(0).at("id") == "planning");
    CHECK(progress_of(before, "hostage-rescue", "SGP").at("sheets").empty()); // all missing
    CHECK(progress_of(before, "hostage-rescue", "HKG").at("sheets").size() == 4);
    CHECK(progress_of(before, "cell-extraction", "IDN").at("status") == "dq");

    auto first = f.send(j01, submit("s1", sheet_of("J01", {{"planning", "9.5"},
                                                           {"execution", "9.5"},
                                                           {"communication", "9"}})));
    REQUIRE(first["type"] == "ok");
    REQUIRE(f.send(j01, {{"type", "sheet.correct"},
                         {"submission_id", "c1"},
                         {"supersedes", first["seq"]},
                         {"sheet", sheet_of("J01", {{"planning", "9"},
                                                    {"execution", "9.5"},
                                                    {"communication", "9"}})},
                         {"reason", "re-added"}})["type"] == "ok");
    auto corrected = f.send(head, {{"type", "event.progress"}});
    auto j01_sheet = sheet_by(progress_of(corrected, "hostage-rescue", "SGP"), "J01");
    REQUIRE(j01_sheet.is_object());
    CHECK(j01_sheet.at("state") == "submitted");
    CHECK(j01_sheet.at("corrections") == 1);
    CHECK(j01_sheet.at("values").at("planning") == "9");
    CHECK(sheet_by(progress_of(corrected, "hostage-rescue", "SGP"), "J02").is_null());

    REQUIRE(f.send(head, {{"type", "sheet.approve"},
                          {"submission_id", "a1"},
                          {"sheet_seq", j01_sheet.at("seq")}})["type"] == "ok");
    REQUIRE(f.send(organiser, {{"type", "protest.file"},
                               {"submission_id", "pf"},
                               {"protest", "P1"},
                               {"scenario", "hostage-rescue"},
                               {"entrant", "SGP"},
                               {"text", "the timing was wrong"}})["type"] == "ok");
    auto after = f.send(organiser, {{"type", "event.progress"}});
    auto sgp = progress_of(after, "hostage-rescue", "SGP");
    CHECK(sheet_by(sgp, "J01").at("state") == "approved");
    CHECK(sgp.at("protests") == json{{{"protest", "P1"}, {"state", "open"}}});
    CHECK(after.at("seq").get<long>() > before.at("seq").get<long>());
    CHECK(f.send(organiser, {{"type", "event.progress"}}).at("seq") == after.at("seq")); // reads
}

TEST_CASE("event.get gives the definition to edit; a panel change sent back is applied",
          "[service]") {
    fixture f;
    auto got = f.send(organiser, {{"type", "event.get"}});
    REQUIRE(got["type"] == "ok");
    CHECK(got["seq"] == f.log().last_seq());
    CHECK(got["rules_version"] == 1);
    json expected = demo_event();
    expected.erase("sheets");
    expected.erase("runs");
    CHECK(got["event"] == expected);
    CHECK(got["head_judges"] == json::array()); // no head judge's code issued yet

    // The console's judge assignment: the same document with one panel changed.
    json doc = got["event"];
    for (auto& s : doc["scenarios"])
        if (s["id"] == "hostage-rescue") s["panel"] = {"J01", "J02", "J04"};
    REQUIRE(f.send(organiser, {{"type", "rules.apply"},
                               {"submission_id", "panel-1"},
                               {"note", "J04 replaces J03"},
                               {"rules_version", 1},
                               {"event", doc}})["type"] == "ok");
    auto again = f.send(organiser, {{"type", "event.get"}});
    CHECK(again["rules_version"] == 2);
    CHECK(again["event"] == doc);
    // A second console's change, made from version 1, would undo this one: refused.
    const auto entries = f.log().last_seq();
    json other = got["event"];
    other["event"]["name"] = "Renamed in another console";
    auto stale = f.send(organiser, {{"type", "rules.apply"},
                                    {"submission_id", "other-console"},
                                    {"rules_version", 1},
                                    {"event", other}});
    CHECK(stale["code"] == "stale_rules");
    CHECK(stale["path"] == "rules_version");
    CHECK(f.log().last_seq() == entries);
    CHECK(f.send(organiser, {{"type", "event.get"}})["event"] == doc);
    // J04 now judges hostage rescue; J03 no longer does.
    auto refused = f.send(
        j03,
        submit("late",
               sheet_of("J03", {{"planning", "9"}, {"execution", "9"}, {"communication", "9"}})));
    CHECK(refused["code"] == "judge_not_on_panel");
    CHECK(f.send(j04, submit("new", sheet_of("J04", {{"planning", "9"},
                                                     {"execution", "9"},
                                                     {"communication", "9"}})))["type"] == "ok");
    CHECK(service::allowed(role::organiser, "event.get"));
    CHECK_FALSE(service::allowed(role::head_judge, "event.get"));
    CHECK_FALSE(service::allowed(role::judge, "event.get"));
}

TEST_CASE("an empty database is in set-up until the organiser's first rules.apply defines the "
          "event",
          "[service]") {
    fixture f{empty_database{}};
    CHECK_FALSE(f.app().has_event());
    CHECK(f.app().all_boards().empty());
    CHECK_FALSE(f.app().standings_json());

    auto got = f.send(organiser, {{"type", "event.get"}});
    REQUIRE(got["type"] == "ok");
    CHECK(got["event"].is_null());
    CHECK(got["seq"] == 0);

    // Nothing else is answered yet, and nothing is stored.
    for (const json& r : {json{{"type", "event.progress"}},
                          json{{"type", "auth.issue"}, {"role", "judge"}, {"subject", "J01"}},
                          json{{"type", "board.freeze"}, {"submission_id", "f"}, {"board", "*"}},
                          submit("s1", sheet_of("J01", {{"planning", "9"}}))}) {
        auto refused = f.send(r.at("type") == "sheet.submit" ? j01 : organiser, r);
        CHECK(refused["code"] == "no_event");
        CHECK(refused["message"] == std::string{aplc::live::no_event_message});
    }
    CHECK(f.log().last_seq() == 0);

    json doc = demo_event();
    doc.erase("sheets");
    doc.erase("runs");
    SECTION("a definition with problems is shown them and not stored") {
        json bad = doc;
        bad["teams"][1]["country"] = "Singapore";
        auto preview = f.send(organiser, {{"type", "rules.preview"}, {"event", bad}});
        CHECK(preview["valid"] == false);
        REQUIRE_FALSE(preview["problems"].empty());
        CHECK(preview["problems"][0]["path"].get<std::string>().starts_with("teams[1]"));
        auto applied =
            f.send(organiser, {{"type", "rules.apply"}, {"submission_id", "a"}, {"event", bad}});
        CHECK(applied["code"] == "bad_rules");
        CHECK(f.log().last_seq() == 0);
        CHECK_FALSE(f.app().has_event());
    }
    SECTION("the first rules.apply defines the event: boards appear and judges can score") {
        auto preview = f.send(organiser, {{"type", "rules.preview"}, {"event", doc}});
        CHECK(preview["valid"] == true);
        CHECK(preview["changes"] == json::array());
        CHECK(f.log().last_seq() == 0);
        auto applied = f.send(organiser, {{"type", "rules.apply"},
                                          {"submission_id", "create-1"},
                                          {"note", "created in the console"},
                                          {"event", doc}});
        REQUIRE(applied["type"] == "ok");
        CHECK(applied["seq"] == 1);
        CHECK(f.app().has_event());
        // Every board is new, in both views; the overall board lists every team, unranked.
        const auto& changed = f.changed();
        CHECK(std::find(changed.begin(), changed.end(), "overall|public") != changed.end());
        CHECK(std::find(changed.begin(), changed.end(), "scenario/hostage-rescue|live") !=
              changed.end());
        CHECK(f.board("overall")["version"] == 1);
        CHECK(f.board("overall")["board"]["rankings"][0]["rows"].size() == doc["teams"].size());
        CHECK(f.send(organiser, {{"type", "event.get"}})["event"] == doc);
        CHECK(f.send(j01, submit("s1", sheet_of("J01", {{"planning", "9.5"},
                                                        {"execution", "9.5"},
                                                        {"communication", "9"}})))["seq"] == 2);
        CHECK(f.app()
                  .handle(
                      organiser,
                      {{"type", "auth.issue"}, {"id", "i1"}, {"role", "judge"}, {"subject", "J01"}})
                  .issue.has_value());

        // A restart replays the new event as any other.
        f.open();
        CHECK(f.app().has_event());
        CHECK(f.app().seq() == 2);
        // And its id stays: a later rules change keeps it.
        json renamed = doc;
        renamed["event"]["id"] = "another";
        auto refused = f.send(organiser, {{"type", "rules.preview"}, {"event", renamed}});
        CHECK(refused["valid"] == false);
        CHECK(refused["problems"][0]["path"] == "event.id");
    }
}
