// The SQLite adapter behind log_store (SQLiteCpp). SQLite exceptions are caught here and only
// here, and turned into store_errors.
#include "aplc/store/log_store.hpp"

#include "hash_chain.hpp"
#include "schema.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <unordered_map>

namespace aplc::store {
namespace {

constexpr int busy_timeout_ms = 2000;

store_error from_sqlite(const SQLite::Exception& e, const std::string& path) {
    std::string what = e.what();
    switch (e.getErrorCode()) {
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return {store_errc::read_only, "'" + path + "' cannot be written (" + what +
                                           "): check the file's permissions and the disk's mount"};
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return {store_errc::locked, "'" + path + "' is locked by another process (" + what +
                                        "): is another aplc server using it?"};
    case SQLITE_FULL:
        return {store_errc::disk_full, "the disk holding '" + path + "' is full (" + what +
                                           "): free space, then retry; nothing was stored"};
    case SQLITE_IOERR:
        // A failed write is, at a venue, almost always a full disk or a file-size limit.
        if (e.getExtendedErrorCode() == SQLITE_IOERR_WRITE)
            return {store_errc::disk_full, "cannot write to '" + path +
                                               "': the disk is full or the file reached its size "
                                               "limit (" +
                                               what +
                                               "); free space, then retry: nothing was stored"};
        return {store_errc::io_error,
                "'" + path + "': " + what +
                    " (check the disk; restore from a backup if it persists)"};
    case SQLITE_CORRUPT:
        return {store_errc::corrupt, "'" + path + "' is damaged (" + what +
                                         "): restore the latest backup (aplc backup)"};
    case SQLITE_NOTADB:
        return {store_errc::not_aplc, "'" + path + "' is not an APLC database (" + what + ")"};
    case SQLITE_CANTOPEN:
        return {store_errc::cannot_open, "cannot open '" + path + "' (" + what +
                                             "): check that the directory exists and is writable"};
    default: return {store_errc::io_error, "'" + path + "': " + what};
    }
}

digest digest_of(const SQLite::Column& c) {
    digest d{};
    if (c.getBytes() == static_cast<int>(d.size()))
        std::copy_n(static_cast<const unsigned char*>(c.getBlob()), d.size(), d.begin());
    return d;
}

constexpr const char* select_columns =
    "SELECT seq, at, actor, device, kind, coalesce(submission_id, ''), body, prev_hash, hash "
    "FROM log ";

stored_entry entry_of(SQLite::Statement& q) {
    stored_entry e;
    e.seq = q.getColumn(0).getInt64();
    e.at = q.getColumn(1).getString();
    e.actor = q.getColumn(2).getString();
    e.device = q.getColumn(3).getString();
    e.kind = q.getColumn(4).getString();
    e.submission_id = q.getColumn(5).getString();
    e.body = q.getColumn(6).getString();
    e.prev_hash = digest_of(q.getColumn(7));
    e.hash = digest_of(q.getColumn(8));
    return e;
}

class sqlite_log_store final : public log_store {
public:
    sqlite_log_store(std::string path, std::unique_ptr<SQLite::Database> db, int version)
        : path_{std::move(path)}, db_{std::move(db)}, version_{version},
          tail_{*db_, "SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1"},
          lookup_{*db_, version_ >= 4 ? "SELECT seq, hash, actor, request_digest FROM log "
                                        "WHERE submission_id = ?"
                                      : "SELECT seq, hash, actor, NULL FROM log "
                                        "WHERE submission_id = ?"} {
        load_tail();
    }

    result<append_ack> append(const new_entry& entry) override {
        auto acks = append_batch(std::span<const new_entry>{&entry, 1});
        if (!acks) return acks.error();
        return acks->front();
    }

    result<std::vector<append_ack>> append_batch(std::span<const new_entry> entries) override {
        if (older()) return older_refusal();
        for (const auto& e : entries)
            if (e.kind.empty() || e.at.empty())
                return store_error{store_errc::bad_entry, "an entry needs a kind and a time"};
        try {
            write_transaction tx{*this};
            load_tail(); // another connection may have appended since
            std::int64_t seq = last_seq_;
            digest prev = last_hash_;
            std::vector<append_ack> acks;
            for (const auto& e : entries) {
                if (auto earlier = lookup(e.submission_id)) {
                    if (!earlier->second.repeated_by(e.actor, e.request))
                        return store_error{store_errc::bad_entry,
                                           "submission id '" + e.submission_id +
                                               "' was already used for a different request "
                                               "(entry " +
                                               std::to_string(earlier->first.seq) +
                                               "); nothing was stored"};
                    acks.push_back(earlier->first);
                    continue;
                }
                ++seq;
                digest h = detail::entry_hash(prev, seq, e.at, e.actor, e.device, e.kind,
                                              e.submission_id, e.body);
                insert(seq, e, prev, h);
                acks.push_back({seq, h, false});
                prev = h;
            }
            tx.commit();
            last_seq_ = seq;
            last_hash_ = prev;
            return acks;
        } catch (const SQLite::Exception& e) {
            load_tail_quietly();
            return from_sqlite(e, path_);
        }
    }

    [[nodiscard]] std::int64_t last_seq() const override { return last_seq_; }
    [[nodiscard]] digest last_hash() const override { return last_hash_; }

    result<done> read(std::int64_t from_seq,
                      const std::function<bool(const stored_entry&)>& visit) const override {
        try {
            SQLite::Statement q{*db_, std::string{select_columns} + "WHERE seq >= ? ORDER BY seq"};
            q.bind(1, from_seq);
            while (q.executeStep())
                if (!visit(entry_of(q))) break;
            return done{};
        } catch (const SQLite::Exception& e) {
            return from_sqlite(e, path_);
        }
    }

    result<done> scan(std::int64_t from_seq,
                      const std::function<bool(const entry_view&)>& visit) const override {
        auto text = [](const SQLite::Column& c) {
            return std::string_view{c.getText(), static_cast<std::size_t>(c.getBytes())};
        };
        try {
            SQLite::Statement q{
                *db_, "SELECT seq, at, actor, kind, body FROM log WHERE seq >= ? ORDER BY seq"};
            q.bind(1, from_seq);
            while (q.executeStep()) {
                entry_view e{q.getColumn(0).getInt64(), text(q.getColumn(1)), text(q.getColumn(2)),
                             text(q.getColumn(3)), text(q.getColumn(4))};
                if (!visit(e)) break;
            }
            return done{};
        } catch (const SQLite::Exception& e) {
            return from_sqlite(e, path_);
        }
    }

    result<std::optional<submission>> find_submission(std::string_view id) const override {
        try {
            auto found = lookup(std::string{id});
            return found ? std::optional{std::move(found->second)} : std::nullopt;
        } catch (const SQLite::Exception& e) {
            return from_sqlite(e, path_);
        }
    }

    result<done> write_checkpoint(std::int64_t seq, const std::string& state) override {
        if (older()) return older_refusal();
        try {
            write_transaction tx{*this};
            SQLite::Statement hash{*db_, "SELECT hash FROM log WHERE seq = ?"};
            hash.bind(1, seq);
            if (!hash.executeStep())
                return store_error{store_errc::bad_entry,
                                   "no entry " + std::to_string(seq) + " to checkpoint"};
            digest h = digest_of(hash.getColumn(0));
            SQLite::Statement put{
                *db_, "INSERT OR REPLACE INTO checkpoint (seq, hash, state) VALUES (?, ?, ?)"};
            put.bind(1, seq);
            put.bind(2, h.data(), static_cast<int>(h.size()));
            put.bind(3, state);
            put.exec();
            SQLite::Statement prune{*db_, "DELETE FROM checkpoint WHERE seq < ?"};
            prune.bind(1, seq);
            prune.exec();
            tx.commit();
            return done{};
        } catch (const SQLite::Exception& e) {
            return from_sqlite(e, path_);
        }
    }

    result<std::optional<checkpoint>> latest_checkpoint() const override {
        if (version_ < 3) return std::optional<checkpoint>{}; // read-only, from before them
        try {
            SQLite::Statement q{*db_,
                                "SELECT c.seq, c.state FROM checkpoint c JOIN log l "
                                "ON l.seq = c.seq AND l.hash = c.hash ORDER BY c.seq DESC LIMIT 1"};
            if (!q.executeStep()) return std::optional<checkpoint>{};
            return std::optional{checkpoint{q.getColumn(0).getInt64(), q.getColumn(1).getString()}};
        } catch (const SQLite::Exception& e) {
            return from_sqlite(e, path_);
        }
    }

    result<verify_report> verify() const override;
    result<done> backup_to(const std::string& target) const override;
    [[nodiscard]] int schema_version() const override { return version_; }

    result<done> presize_wal(std::int64_t bytes) override {
        try {
            db_->exec("DROP TABLE IF EXISTS wal_presize"); // left by a stop half-way
            std::error_code ec;
            const auto wal = std::filesystem::file_size(path_ + "-wal", ec);
            if (!ec && static_cast<std::int64_t>(wal) >= bytes) return done{};
            {
                write_transaction tx{*this};
                db_->exec("CREATE TABLE wal_presize (fill BLOB)");
                SQLite::Statement fill{*db_, "INSERT INTO wal_presize VALUES (zeroblob(?))"};
                fill.bind(1, bytes);
                fill.exec();
                tx.commit();
            }
            // The commit above ran SQLite's automatic checkpoint (the WAL passed
            // wal_autocheckpoint pages), so this one starts the WAL again from its beginning.
            db_->exec("DROP TABLE wal_presize");
            return done{};
        } catch (const SQLite::Exception& e) {
            return from_sqlite(e, path_);
        }
    }

    result<std::int64_t> steady_wal_bytes() const override {
        try {
            const std::int64_t page = db_->execAndGet("PRAGMA page_size").getInt64();
            const std::int64_t pages = db_->execAndGet("PRAGMA wal_autocheckpoint").getInt64();
            if (pages <= 0) return std::int64_t{0};
            constexpr std::int64_t wal_header = 32, frame_header = 24, last_commit = 128;
            return wal_header + (pages + last_commit) * (page + frame_header);
        } catch (const SQLite::Exception& e) {
            return from_sqlite(e, path_);
        }
    }

private:
    // Every write of this store: BEGIN IMMEDIATE ... COMMIT on statements prepared once, rolled
    // back unless committed.
    // SQLite::Transaction runs them through sqlite3_exec, which parses them on every append
    // (about a tenth of a commit's CPU on a busy server, docs/performance.md).
    class write_transaction {
    public:
        explicit write_transaction(sqlite_log_store& store) : store_{store} {
            if (!store.begin_) {
                store.begin_ = std::make_unique<SQLite::Statement>(*store.db_, "BEGIN IMMEDIATE");
                store.commit_ = std::make_unique<SQLite::Statement>(*store.db_, "COMMIT");
                store.rollback_ = std::make_unique<SQLite::Statement>(*store.db_, "ROLLBACK");
            }
            run(*store.begin_);
        }
        write_transaction(const write_transaction&) = delete;
        write_transaction& operator=(const write_transaction&) = delete;
        ~write_transaction() {
            if (committed_) return;
            try {
                run(*store_.rollback_);
            } catch (const SQLite::Exception&) { // SQLite may have rolled back already
            }
        }

        void commit() {
            run(*store_.commit_);
            committed_ = true;
        }

    private:
        static void run(SQLite::Statement& q) {
            q.tryReset(); // rewinds; a failed run's stale error code is not this run's
            q.exec();
            q.tryReset();
        }

        sqlite_log_store& store_;
        bool committed_ = false;
    };

    void load_tail() {
        tail_.tryReset(); // a failed step's stale error code is not this call's
        if (tail_.executeStep()) {
            last_seq_ = tail_.getColumn(0).getInt64();
            last_hash_ = digest_of(tail_.getColumn(1));
        } else {
            last_seq_ = 0;
            last_hash_ = digest{};
        }
        tail_.reset();
    }

    void load_tail_quietly() noexcept {
        try {
            load_tail();
        } catch (const SQLite::Exception&) { // keep the cached tail; the next append re-reads it
        }
    }

    // The entry stored with `submission_id`: its ack as a repeat, and what made it.
    std::optional<std::pair<append_ack, submission>>
    lookup(const std::string& submission_id) const {
        if (submission_id.empty()) return std::nullopt;
        lookup_.tryReset();
        lookup_.bind(1, submission_id);
        std::optional<std::pair<append_ack, submission>> found;
        if (lookup_.executeStep()) {
            const std::int64_t seq = lookup_.getColumn(0).getInt64();
            submission made{seq, lookup_.getColumn(2).getString(), std::nullopt};
            if (!lookup_.getColumn(3).isNull()) made.request = digest_of(lookup_.getColumn(3));
            found.emplace(append_ack{seq, digest_of(lookup_.getColumn(1)), true}, std::move(made));
        }
        lookup_.reset();
        return found;
    }

    void insert(std::int64_t seq, const new_entry& e, const digest& prev, const digest& h) {
        if (!insert_)
            insert_ = std::make_unique<SQLite::Statement>(
                *db_, "INSERT INTO log (seq, at, actor, device, kind, submission_id, body, "
                      "prev_hash, hash, request_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        SQLite::Statement& q = *insert_;
        q.tryReset();
        q.clearBindings();
        q.bind(1, seq);
        q.bind(2, e.at);
        q.bind(3, e.actor);
        q.bind(4, e.device);
        q.bind(5, e.kind);
        if (e.submission_id.empty())
            q.bind(6);
        else
            q.bind(6, e.submission_id);
        q.bind(7, e.body);
        q.bind(8, prev.data(), static_cast<int>(prev.size()));
        q.bind(9, h.data(), static_cast<int>(h.size()));
        if (e.request.empty()) {
            q.bind(10);
        } else {
            const digest r = request_digest(e.request);
            q.bind(10, r.data(), static_cast<int>(r.size()));
        }
        q.exec();
    }

    // An older schema than this program's: only ever opened read-only (a read-write open
    // migrates), and read as it is; writing would need the newer tables and columns.
    [[nodiscard]] bool older() const { return version_ < current_schema_version; }
    [[nodiscard]] store_error older_refusal() const {
        return {store_errc::read_only,
                "'" + path_ + "' is a log of schema " + std::to_string(version_) +
                    " opened read-only; nothing was stored (a read-write open upgrades it)"};
    }

    std::string path_;
    std::unique_ptr<SQLite::Database> db_;
    int version_ = 0;
    std::int64_t last_seq_ = 0;
    digest last_hash_{};
    // Prepared once (a read-only connection cannot prepare the INSERT, so it waits for use).
    mutable SQLite::Statement tail_;
    mutable SQLite::Statement lookup_;
    std::unique_ptr<SQLite::Statement> insert_;
    std::unique_ptr<SQLite::Statement> begin_;
    std::unique_ptr<SQLite::Statement> commit_;
    std::unique_ptr<SQLite::Statement> rollback_;
};

// Explains a broken link: an entry whose prev_hash is another entry's hash was moved.
std::string broken_link(const SQLite::Database& db, const stored_entry& e) {
    SQLite::Statement q{db, "SELECT seq FROM log WHERE hash = ?"};
    q.bind(1, e.prev_hash.data(), static_cast<int>(e.prev_hash.size()));
    if (q.executeStep())
        return "entry " + std::to_string(e.seq) +
               " is out of order: it was written right after "
               "the entry now numbered " +
               std::to_string(q.getColumn(0).getInt64()) + " (the log was reordered)";
    return "entry " + std::to_string(e.seq) + " does not follow entry " +
           std::to_string(e.seq - 1) + ": an entry before it was removed or replaced";
}

result<verify_report> sqlite_log_store::verify() const {
    try {
        verify_report report;
        SQLite::Statement q{*db_, std::string{select_columns} + "ORDER BY seq"};
        std::int64_t expected = 1;
        digest prev{};
        while (q.executeStep()) {
            stored_entry e = entry_of(q);
            std::string problem;
            if (e.seq != expected)
                problem = "entry " + std::to_string(expected) + " is missing (deleted)";
            else if (e.prev_hash != prev)
                problem = broken_link(*db_, e);
            else if (detail::entry_hash(e) != e.hash)
                problem =
                    "entry " + std::to_string(e.seq) +
                    " was changed after it was written: its content no longer matches its hash";
            if (!problem.empty()) {
                report.first_bad = expected;
                report.problem = problem;
                return report;
            }
            prev = e.hash;
            report.last_hash = e.hash;
            ++report.entries;
            ++expected;
        }
        return report;
    } catch (const SQLite::Exception& e) {
        return from_sqlite(e, path_);
    }
}

result<done> sqlite_log_store::backup_to(const std::string& target) const {
    std::string partial = target + ".partial";
    try {
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);
        // SQLite's online backup copies a consistent snapshot even while others write.
        SQLite::Database copy{partial, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
        SQLite::Backup backup{copy, *db_};
        backup.executeStep(-1);
    } catch (const SQLite::Exception& e) {
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);
        return from_sqlite(e, target);
    } catch (const std::filesystem::filesystem_error& e) {
        return store_error{store_errc::cannot_open, "cannot write '" + partial + "': " + e.what()};
    }
    std::error_code ec;
    std::filesystem::rename(partial, target, ec);
    if (ec)
        return store_error{store_errc::io_error,
                           "cannot move the copy to '" + target + "': " + ec.message()};
    return done{};
}

} // namespace

std::string_view code_name(store_errc code) {
    switch (code) {
    case store_errc::cannot_open: return "cannot_open";
    case store_errc::not_aplc: return "not_aplc";
    case store_errc::too_new: return "too_new";
    case store_errc::read_only: return "read_only";
    case store_errc::locked: return "locked";
    case store_errc::disk_full: return "disk_full";
    case store_errc::corrupt: return "corrupt";
    case store_errc::io_error: return "io_error";
    case store_errc::bad_entry: return "bad_entry";
    }
    return "io_error";
}

result<std::unique_ptr<log_store>> log_store::open(const std::string& path, open_mode mode) {
    bool writable = mode == open_mode::read_write;
    std::error_code missing;
    if (!writable && !std::filesystem::exists(path, missing))
        return store_error{
            store_errc::cannot_open,
            "'" + path + "' does not exist (check the path; 'aplc import' creates a database)"};
    try {
        int flags = writable ? SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE : SQLite::OPEN_READONLY;
        auto db = std::make_unique<SQLite::Database>(path, flags, busy_timeout_ms);
        auto version = detail::prepare_schema(*db, path, writable);
        if (!version) return version.error();
        return std::unique_ptr<log_store>{
            std::make_unique<sqlite_log_store>(path, std::move(db), *version)};
    } catch (const SQLite::Exception& e) {
        return from_sqlite(e, path);
    }
}

} // namespace aplc::store
