#pragma once
// The app service without the network, for the live tests: a real SQLite file holding the demo
// event with a few of its sheets left out (so judges have work), requests in, replies and board
// snapshots out.
#include "aplc/app/event_database.hpp"
#include "aplc/live/auth.hpp"
#include "aplc/live/service.hpp"
#include "aplc/store/log_store.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace aplc::test {

using aplc::live::board_view;
using aplc::live::client;
using aplc::live::role;
using aplc::live::service;
using nlohmann::json;

// The demo event without the sheets of hostage-rescue for SGP (every judge) and with
// cell-extraction under embargo.
inline json demo_event() {
    std::ifstream in{std::string{APLC_EXAMPLES} + "/aplc-demo.json"};
    json doc = json::parse(in);
    auto& sheets = doc["sheets"];
    json kept = json::array();
    for (auto& s : sheets)
        if (!(s["scenario"] == "hostage-rescue" && s["entrant"] == "SGP")) kept.push_back(s);
    sheets = kept;
    for (auto& s : doc["scenarios"])
        if (s["id"] == "riot-control") s["embargo"] = true;
    return doc;
}

struct empty_database {}; // a fixture in set-up: no event imported

class fixture {
public:
    fixture() : fixture(empty_database{}) {
        auto log = aplc::store::log_store::open(path_, aplc::store::open_mode::read_write);
        REQUIRE(log);
        REQUIRE(aplc::app::import_event(**log, demo_event(), "organiser", "2026-11-24T08:00:00Z"));
        open();
    }
    explicit fixture(empty_database) {
        static std::atomic<int> counter{0};
        std::random_device random;
        path_ = (std::filesystem::temp_directory_path() /
                 ("aplc-service-test-" + std::to_string(::getpid()) + "-" +
                  std::to_string(counter++) + "-" + std::to_string(random()) + ".aplc"))
                    .string();
        open();
    }
    fixture(const fixture&) = delete;
    fixture& operator=(const fixture&) = delete;
    ~fixture() {
        app_.reset();
        codes_.reset();
        log_.reset();
        std::error_code ignored;
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(path_ + suffix, ignored);
    }

    // Closes everything and opens the same file again, as a restarted server does.
    void open() {
        app_.reset();
        codes_.reset();
        log_.reset();
        auto log = aplc::store::log_store::open(path_, aplc::store::open_mode::read_write);
        REQUIRE(log);
        log_ = std::move(log.value());
        aplc::live::auth_options o;
        o.fast_hashing = true;
        auto codes = aplc::live::auth::open(path_, o);
        REQUIRE(codes);
        codes_ = std::move(codes.value());
        auto app = service::open(*log_, *codes_);
        REQUIRE(app);
        app_ = std::move(app.value());
        remember(app_->all_boards());
    }

    // Sends one request and remembers the boards it changed.
    json send(const client& from, json request) {
        if (!request.contains("id")) request["id"] = "r" + std::to_string(++ids_);
        auto out = app_->handle(from, request);
        json reply = json::parse(out.reply);
        if (out.committed) {
            auto boards = app_->refresh();
            changed_.clear();
            for (const auto& b : boards)
                changed_.push_back(b->topic + (b->view == board_view::live ? "|live" : "|public"));
            remember(boards);
        } else {
            changed_.clear();
        }
        return reply;
    }

    // The board's current push, parsed.
    json board(const std::string& topic, board_view view = board_view::public_view) {
        return json::parse(boards_.at(topic + (view == board_view::live ? "|live" : "|public")));
    }

    [[nodiscard]] const std::vector<std::string>& changed() const { return changed_; }
    service& app() { return *app_; }
    aplc::store::log_store& log() { return *log_; }

private:
    void remember(const std::vector<aplc::live::snapshot_ptr>& boards) {
        for (const auto& b : boards)
            boards_[b->topic + (b->view == board_view::live ? "|live" : "|public")] = b->frame;
    }

    std::string path_;
    std::unique_ptr<aplc::store::log_store> log_;
    std::unique_ptr<aplc::live::auth> codes_;
    std::unique_ptr<service> app_;
    std::map<std::string, std::string> boards_;
    std::vector<std::string> changed_;
    int ids_ = 0;
};

const client j01{{role::judge, "J01"}, "test"};
const client j02{{role::judge, "J02"}, "test"};
const client j03{{role::judge, "J03"}, "test"};
const client j04{{role::judge, "J04"}, "test"};
const client j14{{role::judge, "J14"}, "test"};
const client head{{role::head_judge, "J04"}, "test"};
const client organiser{{role::organiser, "organiser"}, "test"};

} // namespace aplc::test
