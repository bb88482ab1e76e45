// Acknowledged means on disk (docs/log.md): whatever the server acknowledged survives SIGKILL,
// and a clean stop (SIGTERM) exits 0 having lost nothing.
#include "live_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

using namespace aplc::itest;

namespace {

struct acked {
    std::string judge;
    std::string submission_id;
    json sheet;
    std::int64_t seq = 0;
};

// Eight sheets for BRN in the two scenarios where it has none, from seven judges.
std::vector<acked> brn_sheets() {
    return {
        {"J01", new_submission_id(), hostage_sheet("BRN", "J01", {"7", "7.5", "8"})},
        {"J02", new_submission_id(), hostage_sheet("BRN", "J02", {"6.5", "7", "7.5"})},
        {"J03", new_submission_id(), hostage_sheet("BRN", "J03", {"8", "8", "7"})},
        {"J14", new_submission_id(),
         timed_sheet("hostage-rescue", "BRN", "J14",
                     {{"time", "401.25"}, {"hostage_hit", "0"}, {"procedural", "2"}})},
        {"J01", new_submission_id(), cell_sheet("BRN", "J01", {"8", "7.5", "9", "8.5"})},
        {"J07", new_submission_id(), cell_sheet("BRN", "J07", {"7", "7.5", "8", "8"})},
        {"J08", new_submission_id(), cell_sheet("BRN", "J08", {"9", "8.5", "8", "9.5"})},
        {"J13", new_submission_id(),
         timed_sheet("cell-extraction", "BRN", "J13", {{"time", "188.4"}})},
    };
}

// Signs each judge in once and submits their sheets in order; every one must be acknowledged.
void submit_all(live_server& server, std::vector<acked>& sheets) {
    std::map<std::string, std::unique_ptr<ws_client>> judges;
    for (auto& s : sheets) {
        auto& judge = judges[s.judge];
        if (!judge) judge = server.sign_in(s.judge, "judge");
        json ack = submit(*judge, s.sheet, s.submission_id);
        INFO(s.sheet.dump() << " -> " << ack.dump());
        REQUIRE(ack.value("type", "") == "ok");
        REQUIRE(ack.at("repeated") == false);
        s.seq = ack.at("seq").get<std::int64_t>();
    }
}

std::vector<json> sheets_of(const std::vector<acked>& sheets) {
    std::vector<json> result;
    for (const auto& s : sheets) result.push_back(s.sheet);
    return result;
}

} // namespace

TEST_CASE("every acknowledged sheet survives SIGKILL and a restart on the same database",
          "[integration]") {
    live_server server;
    std::vector<acked> sheets = brn_sheets();
    submit_all(server, sheets);
    std::int64_t last = sheets.back().seq;
    CHECK(server.health_seq() == last);

    server.drop_connections();
    server.process().kill_hard();
    server.process().restart();

    CHECK(server.health_seq() == last);
    // Every submission id is known with its original seq: a retry stores nothing.
    std::map<std::string, std::unique_ptr<ws_client>> judges;
    for (const auto& s : sheets) {
        auto& judge = judges[s.judge];
        if (!judge) judge = server.sign_in(s.judge, "judge");
        json again = submit(*judge, s.sheet, s.submission_id);
        INFO(s.sheet.dump() << " -> " << again.dump());
        CHECK(again.value("type", "") == "ok");
        CHECK(again.value("repeated", false) == true);
        CHECK(again.value("seq", std::int64_t{0}) == s.seq);
    }
    CHECK(server.health_seq() == last);

    json expected = expected_standings(server.event(), sheets_of(sheets));
    auto display = server.connect();
    for (const std::string scenario : {"hostage-rescue", "cell-extraction"}) {
        display->subscribe("scenario/" + scenario);
        json board = display->wait_board("scenario/" + scenario, 0);
        INFO(scenario);
        CHECK(board.at("version").get<std::int64_t>() <= last);
        CHECK(entry_of(board.at("board"), "BRN").at("state") == "ranked");
        CHECK(differences(board.at("board"), scenario_of(expected, scenario)) == "");
    }
    display->subscribe("overall");
    CHECK(differences(display->wait_board("overall", 0).at("board").at("rankings"),
                      expected.at("rankings")) == "");
}

TEST_CASE("SIGTERM closes connections with 1001, exits 0 and loses nothing acknowledged",
          "[integration]") {
    live_server server;
    std::vector<acked> sheets = brn_sheets();
    submit_all(server, sheets);
    auto display = server.connect();
    display->subscribe("overall");
    display->wait_board("overall", 0);
    server.drop_connections();

    server.process().terminate();
    ws_end end = display->wait_end(std::chrono::seconds{20});
    INFO("transport error: " << end.error);
    CHECK(end.close_frame);
    CHECK(end.close_code == 1001);
    CHECK(server.process().wait_exit() == 0);

    command_result verify = run_aplc({"verify", "--db", server.process().db_path()});
    INFO(verify.out << verify.err);
    CHECK(verify.status == 0);
    // The clean stop saved a checkpoint of the whole log: the next start replays nothing.
    const auto last =
        std::max_element(sheets.begin(), sheets.end(), [](const acked& a, const acked& b) {
            return a.seq < b.seq;
        })->seq;
    CHECK_THAT(verify.out, Catch::Matchers::Contains("the log verifies: " + std::to_string(last) +
                                                     " entries") &&
                               Catch::Matchers::Contains("the checkpoint at entry " +
                                                         std::to_string(last) + " matches it"));
    command_result score = run_aplc({"score", "--db", server.process().db_path()});
    REQUIRE(score.status == 0);
    json stored = json::parse(score.out);
    json expected = expected_standings(server.event(), sheets_of(sheets));
    CHECK(differences(stored.at("scenarios"), expected.at("scenarios")) == "");
    CHECK(differences(stored.at("rankings"), expected.at("rankings")) == "");
}
