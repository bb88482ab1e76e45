// The HTTP side (docs/protocol.md, "HTTP"): health, board snapshots with ETags, metrics, the
// export for organisers only, static files without escaping the web root, and the Origin check
// on WebSocket upgrades.
#include "live_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <vector>

using namespace aplc::itest;

namespace {

// Session tokens of the organiser and of judge J05 (for the HTTP endpoints' bearer checks).
std::pair<std::string, std::string> organiser_and_judge_tokens(live_server& server) {
    auto organiser = server.connect();
    std::string token =
        organiser->sign_in("organiser", server.organiser_password()).at("token").get<std::string>();
    auto judge = server.connect();
    std::string judge_token =
        judge->sign_in("J05", server.issue("J05", "judge")).at("token").get<std::string>();
    return {token, judge_token};
}

} // namespace

TEST_CASE("GET /healthz reports ok and the newest seq", "[integration]") {
    live_server server;
    http_response r = http_get(server.port(), "/healthz");
    REQUIRE(r.status == 200);
    json health = json::parse(r.body);
    CHECK(health.at("status") == "ok");
    std::int64_t seq = health.at("seq").get<std::int64_t>();
    CHECK(seq > 0);

    auto judge = server.sign_in("J05", "judge");
    json ack = submit(*judge, riot_sheet("BRN", "J05", {"8", "8", "8", "8"}));
    REQUIRE(ack.value("type", "") == "ok");
    CHECK(ack.at("seq") == seq + 1);
    CHECK(json::parse(http_get(server.port(), "/healthz").body).at("seq") == seq + 1);
}

TEST_CASE("HEAD answers with GET's headers, Content-Length included, and no body",
          "[integration]") {
    live_server server({"--web-root", std::string{APLC_SOURCE_DIR} + "/web"});
    const unsigned short port = server.port();
    for (const std::string target : {"/healthz", "/api/boards/overall", "/judge/index.html"}) {
        INFO(target);
        http_response got = http_get(port, target);
        REQUIRE(got.status == 200);
        REQUIRE_FALSE(got.body.empty());
        const std::string raw = http_raw(
            port, "HEAD " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                      "\r\nConnection: close\r\n\r\n");
        INFO(raw);
        CHECK(raw.starts_with("HTTP/1.1 200 OK\r\n"));
        const auto end = raw.find("\r\n\r\n");
        REQUIRE(end != std::string::npos);
        CHECK(raw.size() == end + 4); // nothing after the headers
        std::string head = raw.substr(0, end + 2);
        std::transform(head.begin(), head.end(), head.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        CHECK_THAT(head, Catch::Matchers::Contains(
                             "content-length: " + std::to_string(got.body.size()) + "\r\n"));
        CHECK_THAT(head, Catch::Matchers::Contains("content-type: " + got.header("content-type")));
    }
}

TEST_CASE("GET /api/boards/<topic> gives the public snapshot with an ETag and 304 when unchanged",
          "[integration]") {
    live_server server;
    http_response first = http_get(server.port(), "/api/boards/overall");
    REQUIRE(first.status == 200);
    std::string etag = first.header("etag");
    REQUIRE_FALSE(etag.empty());
    json snapshot = json::parse(first.body);
    CHECK(snapshot.at("type") == "board");
    CHECK(snapshot.at("topic") == "overall");
    CHECK(snapshot.at("view") == "public");
    json expected = expected_standings(server.event());
    CHECK(differences(snapshot.at("board").at("rankings"), expected.at("rankings")) == "");

    http_response unchanged =
        http_get(server.port(), "/api/boards/overall", {{"If-None-Match", etag}});
    CHECK(unchanged.status == 304);
    CHECK(unchanged.body.empty());

    auto judge = server.sign_in("J05", "judge");
    json sheet = riot_sheet("BRN", "J05", {"8", "7.5", "8.5", "7"});
    auto display = server.connect();
    display->subscribe("overall");
    json ack = submit(*judge, sheet);
    REQUIRE(ack.value("type", "") == "ok");
    // The ack leaves before the boards are recomputed; once a subscriber has the new board, the
    // HTTP snapshot must be the new one too.
    display->wait_board("overall", ack.at("seq").get<std::int64_t>());
    http_response changed =
        http_get(server.port(), "/api/boards/overall", {{"If-None-Match", etag}});
    REQUIRE(changed.status == 200);
    CHECK(changed.header("etag") != etag);
    CHECK_FALSE(changed.header("etag").empty());
    json newer = json::parse(changed.body);
    CHECK(newer.at("version") == ack.at("seq"));
    CHECK(differences(newer.at("board").at("rankings"),
                      expected_standings(server.event(), {sheet}).at("rankings")) == "");

    http_response scenario = http_get(server.port(), "/api/boards/scenario/riot-control");
    REQUIRE(scenario.status == 200);
    CHECK(differences(json::parse(scenario.body).at("board"),
                      scenario_of(expected_standings(server.event(), {sheet}), "riot-control")) ==
          "");

    CHECK(http_get(server.port(), "/api/boards/scenario/no-such-scenario").status == 404);
    CHECK(http_get(server.port(), "/api/boards/nonsense").status == 404);
}

TEST_CASE("GET /metrics is Prometheus text that counts errors by code", "[integration]") {
    live_server server;
    {
        auto client = server.connect();
        client->send_text("this is not JSON");
        CHECK(client->read().value("code", "") == "bad_json");
    }
    http_response r = http_get(server.port(), "/metrics");
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type").rfind("text/plain", 0) == 0);
    static const std::regex sample{
        R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+]?([0-9.]+([eE][-+]?[0-9]+)?|NaN|\+Inf|-Inf)( [0-9]+)?$)"};
    std::istringstream lines{r.body};
    std::string line;
    int samples = 0;
    int types = 0;
    bool bad_json_counted = false;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        if (line.rfind("# TYPE ", 0) == 0) ++types;
        if (line[0] == '#') continue;
        INFO(line);
        CHECK(std::regex_match(line, sample));
        ++samples;
        if (line.find("bad_json") != std::string::npos) bad_json_counted = true;
    }
    CHECK(types > 0);
    CHECK(samples > 0);
    CHECK(bad_json_counted);
}

TEST_CASE("GET /metrics times each stored entry's ack, whole and in its three phases, and "
          "each board's delivery",
          "[integration]") {
    live_server server;
    auto display = server.sign_in("display:hall-a", "display");
    display->subscribe("latest");
    display->wait_board("latest", 0);
    CHECK(server.metric_samples()["aplc_board_delivery_seconds_count"] == 0);
    auto judge = server.sign_in("J05", "judge");
    const std::string id = new_submission_id();
    json sheet = riot_sheet("BRN", "J05", {"8", "7.5", "8.5", "7"});
    const json ack = submit(*judge, sheet, id);
    REQUIRE(ack.at("type") == "ok");
    display->wait_board("latest", ack.at("seq").get<std::int64_t>());
    // Neither a repeat nor a refusal stores anything: no ack of an entry to time.
    REQUIRE(submit(*judge, sheet, id).at("repeated") == true);
    REQUIRE(submit(*judge, riot_sheet("BRN", "J05", {"80", "7.5", "8.5", "7"})).at("type") ==
            "error");

    auto m = server.metric_samples();
    CHECK(m["aplc_commit_seconds_count"] == 1);
    CHECK(m["aplc_ack_seconds_count"] == 1);
    CHECK(m["aplc_ack_seconds_bucket{le=\"+Inf\"}"] == 1);
    CHECK(m["aplc_ack_seconds_sum"] > 0);
    double phases = 0;
    for (const char* phase : {"queued", "commit", "reply"}) {
        INFO(phase);
        const std::string labels = std::string{"{phase=\""} + phase + "\"}";
        CHECK(m["aplc_ack_phase_seconds_count" + labels] == 1);
        CHECK(
            m["aplc_ack_phase_seconds_bucket{phase=\"" + std::string{phase} + "\",le=\"+Inf\"}"] ==
            1);
        phases += m["aplc_ack_phase_seconds_sum" + labels];
    }
    // The phases follow one another: together they are the whole (sums in whole microseconds).
    CHECK(phases == Approx(m["aplc_ack_seconds_sum"]).margin(3e-6));
    // Buckets are cumulative: by bound, 0 until the sample's bucket, then 1 (it took under 1 s).
    const std::string prefix = "aplc_ack_seconds_bucket{le=\"";
    std::vector<std::pair<double, double>> buckets;
    for (const auto& [name, value] : m)
        if (name.rfind(prefix, 0) == 0 && name.find("+Inf") == std::string::npos)
            buckets.emplace_back(std::stod(name.substr(prefix.size())), value);
    std::sort(buckets.begin(), buckets.end());
    REQUIRE(buckets.size() >= 10);
    CHECK(buckets.front().first == Approx(0.0001));
    CHECK(buckets.back() == std::pair<double, double>{1.0, 1.0});
    CHECK(std::is_sorted(buckets.begin(), buckets.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; }));

    // The change's boards were delivered in one pass, to the display's `latest` (the other
    // boards it changed have no subscriber); its buckets reach 2.5 s, finer near the targets.
    CHECK(m["aplc_board_delivery_seconds_count"] == 1);
    CHECK(m["aplc_board_delivery_seconds_bucket{le=\"+Inf\"}"] == 1);
    CHECK(m["aplc_board_delivery_seconds_bucket{le=\"2.5\"}"] == 1);
    CHECK(m.contains("aplc_board_delivery_seconds_bucket{le=\"0.17\"}"));
    CHECK(m["aplc_board_delivery_seconds_sum"] < 2.5);
}

TEST_CASE("the standings export is for organisers and head judges only", "[integration]") {
    live_server server;
    const auto [token, judge_token] = organiser_and_judge_tokens(server);

    http_response anonymous = http_get(server.port(), "/api/export/standings.json");
    CHECK((anonymous.status == 401 || anonymous.status == 403));
    http_response wrong = http_get(server.port(), "/api/export/standings.json",
                                   {{"Authorization", "Bearer " + std::string(64, 'f')}});
    CHECK((wrong.status == 401 || wrong.status == 403));
    http_response as_judge = http_get(server.port(), "/api/export/standings.json",
                                      {{"Authorization", "Bearer " + judge_token}});
    CHECK(as_judge.status == 403);
    http_response as_organiser = http_get(server.port(), "/api/export/standings.json",
                                          {{"Authorization", "Bearer " + token}});
    REQUIRE(as_organiser.status == 200);
    json standings = json::parse(as_organiser.body);
    json expected = expected_standings(server.event());
    CHECK(differences(standings.at("scenarios"), expected.at("scenarios")) == "");
    CHECK(differences(standings.at("rankings"), expected.at("rankings")) == "");
}

TEST_CASE("static files are served from the web root and nothing outside it", "[integration]") {
    temp_dir files;
    std::filesystem::create_directory(files.path() / "web");
    {
        std::ofstream index{files.file("web/index.html")};
        index << "<!doctype html><title>APLC</title>";
        std::ofstream secret{files.file("secret.txt")};
        secret << "outside-the-web-root";
    }
    live_server server({"--web-root", files.file("web")});
    http_response index = http_get(server.port(), "/");
    CHECK(index.status == 200);
    CHECK(index.body == "<!doctype html><title>APLC</title>");
    CHECK(index.header("content-type").rfind("text/html", 0) == 0);
    for (const std::string target : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                                     "/web/../../secret.txt", "/%2E%2E%2Fsecret.txt"}) {
        INFO(target);
        http_response r = http_get(server.port(), target);
        CHECK(r.status >= 400);
        CHECK(r.body.find("outside-the-web-root") == std::string::npos);
    }
    CHECK(http_get(server.port(), "/no-such-file.js").status == 404);
}

TEST_CASE("a WebSocket upgrade from a foreign Origin is refused, the server's own is accepted",
          "[integration]") {
    live_server server;
    std::string own = "http://127.0.0.1:" + std::to_string(server.port());
    CHECK(ws_upgrade_status(server.port(), std::string{"http://evil.example"}) == 403);
    CHECK(ws_upgrade_status(server.port(), own) == 101);

    ws_options options;
    options.origin = own;
    ws_client client{server.port(), options};
    CHECK(client.request({{"type", "board.subscribe"}, {"topic", "overall"}}).value("type", "") ==
          "ok");

    // The server's own origin counts when the browser names it by address or as localhost...
    const std::string port = std::to_string(server.port());
    CHECK(ws_upgrade_status(server.port(), "http://localhost:" + port, "localhost:" + port) == 101);
    CHECK(ws_upgrade_status(server.port(), "http://[::1]:" + port, "[::1]:" + port) == 101);
    // ...not by a domain name, which DNS rebinding can point at the server from any page.
    CHECK(ws_upgrade_status(server.port(), "http://venue.example:" + port,
                            "venue.example:" + port) == 403);
}

TEST_CASE("a venue that serves the apps under a name lists it with --allow-origin",
          "[integration]") {
    live_server server({"--allow-origin", "http://aplc.venue.example"});
    CHECK(ws_upgrade_status(server.port(), std::string{"http://aplc.venue.example"},
                            "aplc.venue.example") == 101);
    CHECK(ws_upgrade_status(server.port(), std::string{"http://other.example"}, "other.example") ==
          403);
}

TEST_CASE("the official documents are made from the log for organisers and head judges",
          "[integration]") {
    live_server server;
    const auto [token, judge_token] = organiser_and_judge_tokens(server);
    const std::map<std::string, std::string> bearer{{"Authorization", "Bearer " + token}};

    CHECK(http_get(server.port(), "/api/export/results.pdf").status == 401);
    CHECK(http_get(server.port(), "/api/export/results.pdf",
                   {{"Authorization", "Bearer " + judge_token}})
              .status == 403);

    http_response pdf = http_get(server.port(), "/api/export/results.pdf", bearer);
    REQUIRE(pdf.status == 200);
    CHECK(pdf.header("content-type") == "application/pdf");
    CHECK(pdf.body.rfind("%PDF-", 0) == 0);

    http_response xlsx = http_get(server.port(), "/api/export/results.xlsx", bearer);
    REQUIRE(xlsx.status == 200);
    CHECK(xlsx.body.rfind("PK", 0) == 0); // a zip: the workbook

    http_response results = http_get(server.port(), "/api/export/results.json", bearer);
    REQUIRE(results.status == 200);
    json doc = json::parse(results.body);
    CHECK(doc.at("format") == "aplc-export/1");
    CHECK(doc.at("last_seq") == json::parse(http_get(server.port(), "/healthz").body).at("seq"));
    CHECK(differences(doc.at("standings").at("rankings"),
                      expected_standings(server.event()).at("rankings")) == "");

    http_response letter = http_get(server.port(), "/api/export/letters/SGP.pdf", bearer);
    REQUIRE(letter.status == 200);
    CHECK(letter.body.rfind("%PDF-", 0) == 0);
    CHECK(http_get(server.port(), "/api/export/letters/ATLANTIS.pdf", bearer).status == 404);
    CHECK(http_get(server.port(), "/api/export/results.doc", bearer).status == 404);
}

TEST_CASE("the organiser's log check and backup come from the running server", "[integration]") {
    live_server server;
    const auto [token, judge_token] = organiser_and_judge_tokens(server);
    const std::map<std::string, std::string> bearer{{"Authorization", "Bearer " + token}};
    const json seq = json::parse(http_get(server.port(), "/healthz").body).at("seq");

    http_response check = http_get(server.port(), "/api/export/log-check.json", bearer);
    REQUIRE(check.status == 200);
    json report = json::parse(check.body);
    CHECK(report.at("ok") == true);
    CHECK(report.at("entries") == seq);
    CHECK(report.at("first_bad").is_null());
    CHECK(report.at("last_hash").get<std::string>().size() == 64);
    CHECK(http_get(server.port(), "/api/export/log-check.json",
                   {{"Authorization", "Bearer " + judge_token}})
              .status == 403);

    // The backup holds the sign-in tables: a head judge may check the log but not copy it.
    auto head = server.connect();
    const std::string head_token =
        head->sign_in("J01", server.issue("J01", "head_judge")).at("token").get<std::string>();
    const std::map<std::string, std::string> head_bearer{{"Authorization", "Bearer " + head_token}};
    CHECK(http_get(server.port(), "/api/export/log-check.json", head_bearer).status == 200);
    http_response refused = http_get(server.port(), "/api/export/backup.sqlite", head_bearer);
    CHECK(refused.status == 403);
    CHECK(json::parse(refused.body).at("message") == "organisers only");
    CHECK(http_get(server.port(), "/api/export/backup.sqlite").status == 401);

    http_response backup = http_get(server.port(), "/api/export/backup.sqlite", bearer);
    REQUIRE(backup.status == 200);
    CHECK(backup.header("content-type") == "application/vnd.sqlite3");
    REQUIRE(backup.body.rfind(std::string("SQLite format 3\0", 16), 0) == 0);
    temp_dir files;
    {
        std::ofstream out{files.file("copy.db"), std::ios::binary};
        out << backup.body;
    }
    // The copy is a whole event database: it verifies with every entry the server had.
    auto verified = run_aplc({"verify", "--db", files.file("copy.db")});
    CHECK(verified.status == 0);
    CHECK_THAT(verified.out, Catch::Matchers::Contains("the log verifies: " + seq.dump() +
                                                       " entries, last hash " +
                                                       report.at("last_hash").get<std::string>()));

    // The copy was made in a private directory under the server's TMPDIR; nothing of it stays
    // there, and the directory goes when the server stops.
    auto entries_of = [](const std::filesystem::path& dir) {
        std::vector<std::filesystem::path> found;
        for (const auto& e : std::filesystem::directory_iterator{dir}) found.push_back(e.path());
        return found;
    };
    const auto tmp = server.process().tmp_dir();
    const auto made = entries_of(tmp);
    REQUIRE(made.size() == 1);
    CHECK(made.front().filename().string().rfind("aplc-export-", 0) == 0);
    CHECK((std::filesystem::status(made.front()).permissions() & std::filesystem::perms::all) ==
          std::filesystem::perms::owner_all);
    CHECK(entries_of(made.front()).empty());
    head.reset();
    server.drop_connections();
    CHECK(server.process().stop() == 0);
    CHECK(entries_of(tmp).empty());
}

TEST_CASE("a run's history lists its sheets, corrections and protests in order", "[integration]") {
    live_server server;
    auto j05 = server.sign_in("J05", "judge");
    json first = submit(*j05, riot_sheet("BRN", "J05", {"8", "8", "8", "8"}));
    REQUIRE(first.value("type", "") == "ok");
    json corrected = j05->request(
        change("sheet.correct", {{"supersedes", first.at("seq")},
                                 {"sheet", riot_sheet("BRN", "J05", {"8", "7", "8", "8"})},
                                 {"reason", "command was marked on the wrong line"}}));
    REQUIRE(corrected.value("type", "") == "ok");
    json protest = server.organiser().request(
        change("protest.file", {{"protest", "P-1"},
                                {"scenario", "riot-control"},
                                {"entrant", "BRN"},
                                {"text", "the team asks for the video"}}));
    REQUIRE(protest.value("type", "") == "ok");
    // The head judge rules on it (J04 holds a head judge's code in the demo).
    auto head = server.sign_in("J04", "head_judge");
    json ruled = head->request(
        change("protest.rule",
               {{"protest", "P-1"}, {"upheld", false}, {"reason", "the video shows the command"}}));
    REQUIRE(ruled.value("type", "") == "ok");
    CHECK(ruled.at("seq").get<std::int64_t>() == protest.at("seq").get<std::int64_t>() + 1);

    auto organiser = server.connect();
    const std::string token =
        organiser->sign_in("organiser", server.organiser_password()).at("token").get<std::string>();
    const std::map<std::string, std::string> bearer{{"Authorization", "Bearer " + token}};
    http_response got =
        http_get(server.port(), "/api/export/history/riot-control/BRN.json", bearer);
    REQUIRE(got.status == 200);
    json history = json::parse(got.body);
    CHECK(history.at("scenario") == "riot-control");
    CHECK(history.at("entrant") == "BRN");
    json kinds = json::array();
    for (const auto& e : history.at("entries")) kinds.push_back(e.at("kind"));
    // The demo's imported riot-control sheets for BRN (J04, J06, J07, J08) come first.
    REQUIRE(kinds.size() >= 4);
    CHECK(kinds.at(kinds.size() - 4) == "sheet.submitted");
    CHECK(kinds.at(kinds.size() - 3) == "sheet.corrected");
    CHECK(kinds.at(kinds.size() - 2) == "protest.filed");
    CHECK(kinds.at(kinds.size() - 1) == "protest.ruled");
    CHECK(history.at("entries").back().at("actor") == "head_judge:J04");
    CHECK(history.at("entries").back().at("body").at("decision") == "dismissed");
    const auto& correction = history.at("entries").at(kinds.size() - 3);
    CHECK(correction.at("seq") == corrected.at("seq"));
    CHECK(correction.at("actor") == "judge:J05");
    CHECK(correction.at("body").at("reason") == "command was marked on the wrong line");
    CHECK(correction.at("body").at("supersedes") == first.at("seq"));
    // Of the log's ~300 sheets, only this run's are here.
    for (const auto& e : history.at("entries"))
        if (!e.at("kind").get<std::string>().starts_with("protest."))
            CHECK(e.at("body").at("sheet").at("entrant") == "BRN");

    CHECK(
        http_get(server.port(), "/api/export/history/riot-control/ATLANTIS.json", bearer).status ==
        404);
    CHECK(http_get(server.port(), "/api/export/history/no-such-scenario/BRN.json", bearer).status ==
          404);
    CHECK(http_get(server.port(), "/api/export/history/riot-control/BRN.json").status == 401);
}
