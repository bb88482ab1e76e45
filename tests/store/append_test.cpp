// Appending to the log and reading it back: sequence numbers, fields, the hash chain, batches
// and exactly-once submission ids.
#include "store_test_support.hpp"

#include <set>

namespace {

using aplc::store::append_ack;
using aplc::store::digest;
using aplc::store::new_entry;
using aplc::store::store_errc;
using aplc::store::stored_entry;
using aplc::test::append_ok;
using aplc::test::make_entry;
using aplc::test::open_store;
using aplc::test::read_all;
using aplc::test::temp_dir;
using aplc::test::verify_ok;
using Catch::Matchers::Contains;

std::vector<std::int64_t> seqs_of(const std::vector<stored_entry>& entries) {
    std::vector<std::int64_t> seqs;
    for (const auto& e : entries) seqs.push_back(e.seq);
    return seqs;
}

} // namespace

TEST_CASE("an empty log has no entries, sequence 0 and an all-zero hash") {
    temp_dir dir;
    auto log = open_store(dir.file("log.db"));
    CHECK(log->last_seq() == 0);
    CHECK(log->last_hash() == digest{});
    CHECK(read_all(*log).empty());
    auto report = verify_ok(*log);
    CHECK(report.entries == 0);
    CHECK_FALSE(report.first_bad.has_value());
}

TEST_CASE("appended entries get sequence numbers 1, 2, 3 and read back field for field") {
    temp_dir dir;
    auto log = open_store(dir.file("log.db"));
    std::vector<new_entry> written{
        {"sheet.submitted", "judge:J01", "tablet-1", "sub-1", R"({"marks":[7.5,8]})",
         "2026-11-24T09:15:02.123Z", ""},
        {"event.created", "organiser", "laptop", "", "{}", "2026-11-24T09:15:03.000Z", ""},
        {"sheet.corrected", "judge:J\u00e9r\u00f4me", "t\u00e4blet \"2\"", "sub-3",
         "{\"text\":\"line one\\nline two \u2713\",\"big\":\"" + std::string(100000, 'z') + "\"}",
         "2026-11-24T09:15:04.999Z", ""},
    };
    std::vector<append_ack> acks;
    for (const auto& e : written) acks.push_back(append_ok(*log, e));

    REQUIRE(acks.size() == 3);
    for (std::size_t i = 0; i < acks.size(); ++i) {
        CHECK(acks[i].seq == static_cast<std::int64_t>(i) + 1);
        CHECK_FALSE(acks[i].repeated);
    }
    auto entries = read_all(*log);
    REQUIRE(entries.size() == 3);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        INFO("entry " << i + 1);
        CHECK(entries[i].seq == static_cast<std::int64_t>(i) + 1);
        CHECK(entries[i].kind == written[i].kind);
        CHECK(entries[i].actor == written[i].actor);
        CHECK(entries[i].device == written[i].device);
        CHECK(entries[i].submission_id == written[i].submission_id);
        CHECK(entries[i].body == written[i].body);
        CHECK(entries[i].at == written[i].at);
        CHECK(entries[i].hash == acks[i].hash);
    }
    CHECK(log->last_seq() == 3);
    CHECK(log->last_hash() == acks[2].hash);
}

TEST_CASE("each entry holds the hash of the one before it; the first holds zeros") {
    temp_dir dir;
    auto log = open_store(dir.file("log.db"));
    for (int i = 0; i < 5; ++i) append_ok(*log, make_entry("test.entry"));
    auto entries = read_all(*log);
    REQUIRE(entries.size() == 5);
    CHECK(entries[0].prev_hash == digest{});
    std::set<digest> distinct;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        INFO("entry " << entries[i].seq);
        CHECK(entries[i].hash != digest{});
        distinct.insert(entries[i].hash);
        if (i > 0) CHECK(entries[i].prev_hash == entries[i - 1].hash);
    }
    // Five entries with identical fields still hash differently: the chain and seq are hashed.
    CHECK(distinct.size() == 5);
    CHECK(aplc::store::to_hex(log->last_hash()) == aplc::store::to_hex(entries[4].hash));
    CHECK(aplc::store::to_hex(log->last_hash()).size() == 64);
    auto report = verify_ok(*log);
    CHECK(report.entries == 5);
    CHECK_FALSE(report.first_bad.has_value());
    CHECK(report.last_hash == entries[4].hash);
}

TEST_CASE("an entry's hash is SHA-256 of the previous hash, seq and length-prefixed fields") {
    // The expected digests were computed apart from the server, with Python's hashlib, from
    // docs/log.md's layout: previous hash (32 bytes), seq as 8 bytes little-endian, then at,
    // actor, device, kind, submission id and body, each after its length (8 bytes LE).
    temp_dir dir;
    auto log = open_store(dir.file("log.db"));
    append_ok(*log, make_entry("sheet.submitted", "s-1"));
    append_ok(*log, make_entry("test.entry"));
    auto entries = read_all(*log);
    REQUIRE(entries.size() == 2);
    CHECK(aplc::store::to_hex(entries[0].hash) ==
          "0f8e013a6b3bfbed8695aa659b63be93c80f44dd9ea30b4899b1747fb1e11bbb");
    CHECK(aplc::store::to_hex(entries[1].hash) ==
          "d5149c43f43a104a3c2f2314ccf90827050cbb3b3ce4d0e14e9944cd7389954c");
}

TEST_CASE("to_hex spells a digest as 64 lowercase hex digits") {
    digest d{};
    d[0] = 0x01;
    d[1] = 0xAB;
    d[31] = 0xF0;
    CHECK(aplc::store::to_hex(d) ==
          "01ab0000000000000000000000000000000000000000000000000000000000f0");
}

TEST_CASE("read starts at from_seq and stops when the visitor returns false") {
    temp_dir dir;
    auto log = open_store(dir.file("log.db"));
    for (int i = 0; i < 5; ++i) append_ok(*log, make_entry("test.entry"));

    CHECK(seqs_of(read_all(*log, 3)) == std::vector<std::int64_t>{3, 4, 5});
    CHECK(seqs_of(read_all(*log, 0)) == std::vector<std::int64_t>{1, 2, 3, 4, 5});
    CHECK(read_all(*log, 6).empty());

    std::vector<std::int64_t> seen;
    auto r = log->read(2, [&](const stored_entry& e) {
        seen.push_back(e.seq);
        return e.seq < 3;
    });
    REQUIRE(r.ok());
    CHECK(seen == std::vector<std::int64_t>{2, 3});
}

TEST_CASE("append_batch stores every entry in order in one go") {
    temp_dir dir;
    auto log = open_store(dir.file("log.db"));
    append_ok(*log, make_entry("first"));
    std::vector<new_entry> batch{make_entry("a", "b-1"), make_entry("b"), make_entry("c", "b-3")};
    auto acks = log->append_batch(batch);
    REQUIRE(acks.ok());
    REQUIRE(acks->size() == 3);
    CHECK((*acks)[0].seq == 2);
    CHECK((*acks)[1].seq == 3);
    CHECK((*acks)[2].seq == 4);
    auto entries = read_all(*log);
    REQUIRE(entries.size() == 4);
    CHECK(entries[1].kind == "a");
    CHECK(entries[2].kind == "b");
    CHECK(entries[3].kind == "c");
    CHECK(entries[3].prev_hash == entries[2].hash);
    CHECK(log->last_seq() == 4);
    CHECK(log->last_hash() == (*acks)[2].hash);
    CHECK_FALSE(verify_ok(*log).first_bad.has_value());
}

TEST_CASE("a batch with one bad entry stores nothing (bad_entry)") {
    temp_dir dir;
    auto log = open_store(dir.file("log.db"));
    auto first = append_ok(*log, make_entry("first"));

    std::vector<new_entry> batch{make_entry("a", "b-1"), make_entry("b", "b-2"), make_entry("c")};
    SECTION("the third entry has no kind") { batch[2].kind.clear(); }
    SECTION("the third entry has no time") { batch[2].at.clear(); }
    auto acks = log->append_batch(batch);
    REQUIRE_FALSE(acks.ok());
    CHECK(acks.error().code == store_errc::bad_entry);
    CHECK_FALSE(acks.error().message.empty());

    CHECK(read_all(*log).size() == 1);
    CHECK(log->last_seq() == 1);
    CHECK(log->last_hash() == first.hash);
    auto found = log->find_submission("b-1");
    REQUIRE(found.ok());
    CHECK_FALSE(found->has_value());
    // The next append continues the sequence without a gap.
    CHECK(append_ok(*log, make_entry("next")).seq == 2);
}

TEST_CASE("a single entry without a kind is refused with bad_entry") {
    temp_dir dir;
    auto log = open_store(dir.file("log.db"));
    auto ack = log->append(make_entry(""));
    REQUIRE_FALSE(ack.ok());
    CHECK(ack.error().code == store_errc::bad_entry);
    CHECK(log->last_seq() == 0);
    CHECK(read_all(*log).empty());
}

TEST_CASE("a repeated submission id returns the original entry and stores nothing") {
    temp_dir dir;
    auto log = open_store(dir.file("log.db"));
    auto original = append_ok(*log, make_entry("sheet.submitted", "s-1", R"({"v":1})"));
    append_ok(*log, make_entry("other"));

    auto again = append_ok(*log, make_entry("sheet.submitted", "s-1", R"({"v":2})"));
    CHECK(again.repeated);
    CHECK(again.seq == original.seq);
    CHECK(again.hash == original.hash);

    auto entries = read_all(*log);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].body == R"({"v":1})");
    CHECK(log->last_seq() == 2);
    CHECK(append_ok(*log, make_entry("next")).seq == 3);
}

TEST_CASE("repeated submission ids inside a batch are acknowledged, not stored") {
    temp_dir dir;
    auto log = open_store(dir.file("log.db"));
    auto earlier = append_ok(*log, make_entry("sheet.submitted", "s-1"));
    append_ok(*log, make_entry("other"));

    std::vector<new_entry> batch{make_entry("a", "b-1"), make_entry("again", "s-1"),
                                 make_entry("b", "b-2"), make_entry("a twice", "b-1")};
    auto acks = log->append_batch(batch);
    REQUIRE(acks.ok());
    REQUIRE(acks->size() == 4);
    CHECK((*acks)[0].seq == 3);
    CHECK_FALSE((*acks)[0].repeated);
    CHECK((*acks)[1].seq == earlier.seq);
    CHECK((*acks)[1].hash == earlier.hash);
    CHECK((*acks)[1].repeated);
    CHECK((*acks)[2].seq == 4);
    CHECK_FALSE((*acks)[2].repeated);
    CHECK((*acks)[3].seq == 3);
    CHECK((*acks)[3].hash == (*acks)[0].hash);
    CHECK((*acks)[3].repeated);

    auto entries = read_all(*log);
    REQUIRE(entries.size() == 4);
    CHECK(entries[2].kind == "a");
    CHECK(entries[3].kind == "b");
    CHECK(entries[3].prev_hash == entries[2].hash);
    CHECK(log->last_seq() == 4);
    CHECK(log->last_hash() == (*acks)[2].hash);
    CHECK_FALSE(verify_ok(*log).first_bad.has_value());
}

TEST_CASE("entries without a submission id are never taken for repeats") {
    temp_dir dir;
    auto log = open_store(dir.file("log.db"));
    auto a = append_ok(*log, make_entry("x", ""));
    auto b = append_ok(*log, make_entry("x", ""));
    CHECK_FALSE(b.repeated);
    CHECK(b.seq == a.seq + 1);
    CHECK(read_all(*log).size() == 2);
    auto found = log->find_submission("");
    REQUIRE(found.ok());
    CHECK_FALSE(found->has_value());
}

TEST_CASE("a submission id sent again with another request or by another actor is refused") {
    temp_dir dir;
    auto log = open_store(dir.file("log.db"));
    auto first = make_entry("sheet.submitted", "s-1", R"({"v":1})");
    first.request = R"({"sheet":{"v":1},"submission_id":"s-1","type":"sheet.submit"})";
    auto original = append_ok(*log, first);

    SECTION("the same actor and request: the original ack") {
        auto again = append_ok(*log, first);
        CHECK(again.repeated);
        CHECK(again.seq == original.seq);
        CHECK(again.hash == original.hash);
        CHECK(log->last_seq() == 1);
        return;
    }
    auto reuse = first;
    SECTION("another request") { reuse.request = R"({"sheet":{"v":2},"type":"sheet.submit"})"; }
    SECTION("no request") { reuse.request.clear(); }
    SECTION("another actor") { reuse.actor = "judge:J02"; }
    SECTION("inside a batch, after a new entry") {
        reuse.actor = "judge:J02";
        std::vector<new_entry> batch{make_entry("a", "b-1"), reuse};
        auto acks = log->append_batch(batch);
        REQUIRE_FALSE(acks.ok());
        CHECK(acks.error().code == store_errc::bad_entry);
        CHECK(log->last_seq() == 1);
        CHECK(read_all(*log).size() == 1); // the batch's new entry was not stored either
        return;
    }
    auto refused = log->append(reuse);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == store_errc::bad_entry);
    CHECK_THAT(refused.error().message, Contains("s-1") && Contains("entry 1"));
    CHECK(log->last_seq() == 1);
    CHECK(read_all(*log).size() == 1);
    CHECK(append_ok(*log, make_entry("next")).seq == 2);
}

TEST_CASE("find_submission names the entry a submission id was stored as") {
    temp_dir dir;
    auto log = open_store(dir.file("log.db"));
    append_ok(*log, make_entry("x", "s-1"));
    append_ok(*log, make_entry("x"));

    auto three_entry = make_entry("x", "s-3");
    three_entry.actor = "judge:J03";
    three_entry.request = R"({"type":"sheet.submit"})";
    append_ok(*log, three_entry);

    auto one = log->find_submission("s-1");
    REQUIRE(one.ok());
    REQUIRE(one->has_value());
    CHECK((*one)->seq == 1);
    CHECK((*one)->actor == "judge:J01");
    CHECK_FALSE((*one)->request.has_value());
    auto three = log->find_submission("s-3");
    REQUIRE(three.ok());
    REQUIRE(three->has_value());
    CHECK((*three)->seq == 3);
    CHECK((*three)->actor == "judge:J03");
    CHECK((*three)->request == aplc::store::request_digest(R"({"type":"sheet.submit"})"));
    auto unknown = log->find_submission("s-2");
    REQUIRE(unknown.ok());
    CHECK_FALSE(unknown->has_value());
}

TEST_CASE("two stores on one file continue each other's sequence and chain") {
    temp_dir dir;
    auto a = open_store(dir.file("log.db"));
    auto b = open_store(dir.file("log.db"));
    CHECK(append_ok(*a, make_entry("x", "a-1")).seq == 1);
    CHECK(append_ok(*b, make_entry("x", "b-1")).seq == 2);
    CHECK(append_ok(*a, make_entry("x", "a-2")).seq == 3);
    // b sees a's submission as a repeat although b did not write it.
    auto repeat = append_ok(*b, make_entry("x", "a-2"));
    CHECK(repeat.repeated);
    CHECK(repeat.seq == 3);
    CHECK(append_ok(*b, make_entry("x", "b-2")).seq == 4);
    CHECK(a->last_seq() >= 3);
    CHECK(b->last_seq() == 4);
    auto report = verify_ok(*a);
    CHECK(report.entries == 4);
    CHECK_FALSE(report.first_bad.has_value());
}
