// What a durable commit waits for on this disk: a write of one commit's WAL frames followed by
// fdatasync, timed one by one, in the two situations SQLite's WAL meets (docs/performance.md,
// "Where the ack's time goes now"):
//   - growing: each write extends the file (a new database, or a WAL that was truncated), so
//     fdatasync must also write the file's new size;
//   - in place: the file is already that long (a WAL rewritten from its start after a
//     checkpoint, a venue's steady state), so fdatasync writes the data only.
// Back to back by default; --gap-ms pauses between commits, as sheets arrive at a venue: on a
// virtual disk an isolated flush can take several times as long as one in a busy stream
// (docs/performance.md). Run it in the directory that will hold the event database (a venue
// laptop's disk, before the event):
//
//   build/release/bench/fsync_probe [--dir DIR] [--writes N] [--bytes N] [--rounds N]
//                                   [--gap-ms MS]
#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct options {
    std::string dir = ".";
    int writes = 1000;
    int bytes = 3 * 4096; // about one sheet's commit: a log page, an index page, WAL headers
    int rounds = 2;
    double gap_ms = 0; // pause before each commit
};

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "fsync_probe: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(1);
}

void write_at(int fd, const std::vector<char>& block, off_t at) {
    if (::pwrite(fd, block.data(), block.size(), at) != static_cast<ssize_t>(block.size()))
        fail("pwrite");
}

// Milliseconds of each write + fdatasync, sorted.
std::vector<double> probe(const options& o, bool in_place) {
    const std::string path = o.dir + "/fsync-probe-" + std::to_string(::getpid()) + ".bin";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) fail("open " + path);
    std::vector<char> block(static_cast<std::size_t>(o.bytes), 'w');
    const auto size = static_cast<off_t>(block.size());
    if (in_place) {
        for (int i = 0; i < o.writes; ++i) write_at(fd, block, i * size);
        if (::fsync(fd) != 0) fail("fsync");
    }
    std::vector<double> ms;
    ms.reserve(static_cast<std::size_t>(o.writes));
    const auto gap = std::chrono::duration<double, std::milli>(o.gap_ms);
    for (int i = 0; i < o.writes; ++i) {
        if (o.gap_ms > 0) std::this_thread::sleep_for(gap);
        const auto start = std::chrono::steady_clock::now();
        write_at(fd, block, i * size);
        if (::fdatasync(fd) != 0) fail("fdatasync");
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
    }
    ::close(fd);
    ::unlink(path.c_str());
    std::sort(ms.begin(), ms.end());
    return ms;
}

double quantile(const std::vector<double>& sorted, double q) {
    const auto i = static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1));
    return sorted[i];
}

} // namespace

int main(int argc, char** argv) {
    options o;
    CLI::App app{"Times write + fdatasync on a growing file and in place (a commit's wait)"};
    app.add_option("--dir", o.dir, "directory to test (where the event database will live)");
    app.add_option("--writes", o.writes, "commits per round")->check(CLI::Range(10, 1'000'000));
    app.add_option("--bytes", o.bytes, "bytes per commit")->check(CLI::Range(512, 1 << 24));
    app.add_option("--rounds", o.rounds, "rounds of each kind")->check(CLI::Range(1, 100));
    app.add_option("--gap-ms", o.gap_ms, "pause before each commit (0: back to back)")
        ->check(CLI::Range(0.0, 1000.0));
    CLI11_PARSE(app, argc, argv);

    std::printf("write %d bytes + fdatasync, %d times per round, ", o.bytes, o.writes);
    if (o.gap_ms > 0)
        std::printf("one every %g ms", o.gap_ms);
    else
        std::printf("back to back");
    std::printf(", in %s (ms)\n", o.dir.c_str());
    for (int r = 0; r < o.rounds; ++r)
        for (bool in_place : {false, true}) {
            const auto ms = probe(o, in_place);
            std::printf("%-9s p50 %6.3f  p90 %6.3f  p99 %6.3f  max %7.3f\n",
                        in_place ? "in place" : "growing", quantile(ms, 0.5), quantile(ms, 0.9),
                        quantile(ms, 0.99), ms.back());
        }
    return 0;
}
