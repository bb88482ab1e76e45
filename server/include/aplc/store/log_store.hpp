#pragma once
// The event log: an append-only, hash-chained record in one SQLite file (DESIGN.md, "Source of
// truth: the log"). Every change in an event is one entry; entries are never updated or
// deleted; each holds the SHA-256 of the one before it, so any edit of history is detectable.
//
// Durability: the database runs in WAL mode with synchronous=FULL, so append() returns only
// after its transaction is on disk; an acknowledged entry survives a crash or a power cut.
//
// Thread safety: one log_store is used from one thread (the server's strand); SQLite's own
// locking keeps a second process (a backup, `aplc verify`) consistent.
//
// Errors: no exception leaves this interface. Every failure is a store_error with a stable
// code and a message that says what to do; nothing is half-written (each append is one
// transaction that commits whole or not at all).
#include "aplc/scoring/rejection.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace aplc::store {

enum class store_errc {
    cannot_open, // no such directory, not a file, permission denied
    not_aplc,    // a SQLite file, or some other file, that is not an APLC log
    too_new,     // written by a newer version of the program
    read_only,   // opened (or only writable) read-only
    locked,      // another process holds the write lock past the busy timeout
    disk_full,   // the disk (or the database's size limit) is full
    corrupt,     // the file is damaged
    io_error,    // any other failure of the disk
    bad_entry,   // an entry that cannot be stored (e.g. empty kind)
};

// "disk_full", ...
std::string_view code_name(store_errc code);

struct store_error {
    store_errc code{};
    std::string message;
};

// A value or the store_error that stopped it.
template <class T> using result = scoring::outcome<T, store_error>;

struct done {};

using digest = std::array<unsigned char, 32>;
std::string to_hex(const digest& d);

// What a caller asks to append. `at` (server time) is given by the caller: the store reads no
// clock.
struct new_entry {
    std::string kind;          // "sheet.submitted", ... (docs/log.md)
    std::string actor;         // who: "judge:J01", "organiser", "system"
    std::string device;        // from which device or connection
    std::string submission_id; // client-made id for exactly-once; empty for none
    std::string body;          // the entry's content, JSON
    std::string at;            // ISO 8601 UTC, e.g. "2026-11-24T09:15:02.123Z"
    // The request that made the entry, as canonical text (the live server: its JSON without
    // the request's own id); empty for none. Only its SHA-256 is stored, beside the entry and
    // outside the hash chain, so that the submission id sent again with another request is
    // told from a repeat (submission::repeated_by).
    std::string request;
};

// SHA-256 of a request's canonical text, as stored with the entry it made.
digest request_digest(std::string_view request);

// The entry a submission id was stored as.
struct submission {
    std::int64_t seq = 0;
    std::string actor;
    std::optional<digest> request; // absent when it was stored without one

    // Whether `actor` sending `request` (as in new_entry) repeats what made this entry, rather
    // than reusing its submission id for something else: the same actor, and the same request
    // unless the entry was stored without one.
    [[nodiscard]] bool repeated_by(std::string_view actor, std::string_view request) const;
};

struct stored_entry {
    std::int64_t seq = 0; // 1, 2, 3, ... without gaps
    std::string at;
    std::string actor;
    std::string device;
    std::string kind;
    std::string submission_id;
    std::string body;
    digest prev_hash{};
    digest hash{};
};

// A look at one stored entry without copies: the views are valid only during the visit.
struct entry_view {
    std::int64_t seq = 0;
    std::string_view at;
    std::string_view actor;
    std::string_view kind;
    std::string_view body;
};

struct append_ack {
    std::int64_t seq = 0;
    digest hash{};
    bool repeated = false; // the submission id was seen before: this is the original entry
};

struct verify_report {
    std::int64_t entries = 0;              // entries checked
    std::optional<std::int64_t> first_bad; // the first entry that fails, if any
    std::string problem;                   // what is wrong with it, for a person
    digest last_hash{};                    // hash of the last good entry
};

// The folded state of the log as of one entry, saved so that start-up need not replay every
// entry (docs/log.md, "Checkpoints"). It is a cache: the log stays the source of truth.
struct checkpoint {
    std::int64_t seq = 0;
    std::string state; // JSON, written and read by the app layer
};

enum class open_mode { read_write, read_only };

class log_store {
public:
    // Opens the log at `path`, creating it when absent (read_write only). An older schema is
    // migrated forward in one transaction when opened read-write, and read as it is when opened
    // read-only (nothing is written to an archived log that is checked, exported or copied);
    // a newer one is refused (too_new). Errors: cannot_open, not_aplc, too_new, read_only (an
    // empty file opened read-only), locked, corrupt, io_error.
    static result<std::unique_ptr<log_store>> open(const std::string& path, open_mode mode);

    virtual ~log_store() = default;

    // Appends one entry and returns only after it is durably committed. A non-empty
    // submission_id already in the log returns that entry's ack with repeated = true and stores
    // nothing, when the entry is its repeat (submission::repeated_by); when it is not, the
    // append is refused with bad_entry. Errors: read_only, locked, disk_full, io_error,
    // corrupt, bad_entry.
    virtual result<append_ack> append(const new_entry& entry) = 0;

    // Appends several entries in one transaction (a group commit): all or none. Repeated
    // submission ids are acknowledged, or the batch refused, as in append().
    virtual result<std::vector<append_ack>> append_batch(std::span<const new_entry> entries) = 0;

    // The newest entry's sequence number (0 for an empty log) and hash.
    [[nodiscard]] virtual std::int64_t last_seq() const = 0;
    [[nodiscard]] virtual digest last_hash() const = 0;

    // Calls `visit` for every entry from `from_seq` on, in order, until it returns false.
    virtual result<done> read(std::int64_t from_seq,
                              const std::function<bool(const stored_entry&)>& visit) const = 0;

    // Like read(), for replay: only what the fold needs, without copying it.
    virtual result<done> scan(std::int64_t from_seq,
                              const std::function<bool(const entry_view&)>& visit) const = 0;

    // The entry a submission id was stored as, if any.
    virtual result<std::optional<submission>> find_submission(std::string_view id) const = 0;

    // Saves a checkpoint of the state as of entry `seq`, with that entry's hash; older ones are
    // dropped. Errors: bad_entry (no such entry), read_only, locked, disk_full, io_error.
    virtual result<done> write_checkpoint(std::int64_t seq, const std::string& state) = 0;

    // The newest checkpoint whose entry still has the hash it was saved with (a checkpoint that
    // does not match the log is ignored); nullopt when there is none.
    virtual result<std::optional<checkpoint>> latest_checkpoint() const = 0;

    // Recomputes the whole hash chain and names the first entry that was edited, deleted or
    // reordered.
    virtual result<verify_report> verify() const = 0;

    // A consistent copy of the whole database at `target` (SQLite's online backup), taken while
    // other connections may be writing. Errors: cannot_open, disk_full, io_error, locked.
    virtual result<done> backup_to(const std::string& target) const = 0;

    // The schema version of the open database: the current one after a read-write open, the
    // file's own (perhaps older) one after a read-only open.
    [[nodiscard]] virtual int schema_version() const = 0;

    // Grows the write-ahead log to at least `bytes` once, so that later commits rewrite it in
    // place instead of extending it: an fdatasync that must also record a new file size takes
    // about twice as long, with rarer but longer stalls (docs/performance.md). Writes a scratch
    // table's worth of zeros through SQLite and drops it; the log's entries are untouched and
    // the database file keeps the freed pages for later entries. No-op when the WAL is already
    // that long. Errors: disk_full, io_error, locked.
    virtual result<done> presize_wal(std::int64_t bytes) = 0;

    // How long the write-ahead log grows between two automatic checkpoints, for presize_wal():
    // SQLite checkpoints once a commit leaves more than `PRAGMA wal_autocheckpoint` pages in
    // it, so it holds that many frames (a page and a 24-byte header each) plus the last
    // commit's, allowed 128 pages, after its 32-byte header. With SQLite's defaults (1,000
    // pages of 4 KiB) that is 4,647,392 bytes. 0 when automatic checkpoints are off (the WAL
    // then grows until something checkpoints). Errors: io_error, locked.
    [[nodiscard]] virtual result<std::int64_t> steady_wal_bytes() const = 0;
};

// The newest schema version this program writes.
constexpr int current_schema_version = 4;

} // namespace aplc::store
