#pragma once
// The real `aplc serve` as a child process on 127.0.0.1, port 0, in a temporary directory of its
// own with a fresh database file. The port is learned from the line the server prints once it
// accepts connections ("listening on http://127.0.0.1:PORT").
//
// Thread safety: one test thread uses an object; a background thread drains the child's stdout
// (so the child never blocks on a full pipe) and is joined when the object is destroyed.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace aplc::itest {

// A fresh directory under /tmp, removed with its contents when destroyed.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] std::string file(const std::string& name) const {
        return (path_ / name).string();
    }

private:
    std::filesystem::path path_;
};

struct command_result {
    int status = -1; // the exit code, or 128 + signal
    std::string out;
    std::string err;
};

// Runs the aplc binary (APLC_BINARY) with `args`, no shell, and captures what it prints.
command_result run_aplc(const std::vector<std::string>& args);
// Runs the program at args[0] (a full path) with the rest as its arguments, no shell.
command_result run_command(const std::vector<std::string>& args);

struct server_options {
    std::optional<std::string> event_file;             // --event
    std::string organiser_password = "organiser-pw-1"; // --organiser-password
    std::vector<std::string> extra_args;               // e.g. {"--slow-client-ms", "1000"}
    std::optional<unsigned> open_files;                // the child's open-file limit, soft and hard
    std::chrono::seconds start_timeout{60};
};

class server_process {
public:
    // Starts the server; throws std::runtime_error (with its stderr) when it does not print the
    // listening line within the start timeout or exits first.
    explicit server_process(server_options options = {});
    // SIGTERM, then SIGKILL if it has not exited within 20 s.
    ~server_process();
    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;

    [[nodiscard]] unsigned short port() const { return port_; }
    [[nodiscard]] pid_t pid() const { return pid_; }
    [[nodiscard]] const std::string& db_path() const { return db_path_; }
    [[nodiscard]] const temp_dir& dir() const { return dir_; }
    // The server's TMPDIR, inside dir().
    [[nodiscard]] std::filesystem::path tmp_dir() const { return dir_.path() / "tmp"; }
    [[nodiscard]] const server_options& options() const { return options_; }

    // Whether the child is still running (reaps it when it has exited).
    bool running();
    // Sends SIGTERM and waits up to `timeout`; returns the exit code (128 + signal when killed
    // by one), or -1 if it did not exit in time (it is then killed with SIGKILL).
    int stop(std::chrono::milliseconds timeout = std::chrono::seconds{20});
    // Sends SIGTERM only.
    void terminate();
    // Waits up to `timeout` for the exit, without sending anything; returns as stop() does.
    int wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds{20});
    // SIGKILL and reap: a crash, as far as the server can tell.
    void kill_hard();
    // Starts the server again on the same database and port with the same arguments (clients
    // reconnect to the same address); it must be stopped.
    void restart();

    // The server's resident set size (VmRSS) in KiB; 0 when it cannot be read.
    [[nodiscard]] long rss_kib() const;
    [[nodiscard]] std::string stdout_text();
    [[nodiscard]] std::string stderr_text() const;

private:
    void start();
    void reap(int raw_status);
    void join_reader();

    server_options options_;
    temp_dir dir_;
    std::string db_path_;
    std::string stderr_path_;
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
    unsigned short port_ = 0;
    int restarts_ = 0;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::string stdout_;
    bool stdout_closed_ = false;
    std::thread reader_;
};

// Another program (e.g. `aplc simulate`) running beside the test, its output going to files in
// `dir`. The destructor kills it (SIGKILL) if it is still running.
class child_process {
public:
    child_process(const temp_dir& dir, std::vector<std::string> args);
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    // Waits up to `timeout` for the exit; returns the exit code (128 + signal), or -1 if it is
    // still running then.
    int wait_exit(std::chrono::milliseconds timeout);
    // Waits up to `timeout` until `done(stdout so far)` holds; false on timeout or exit first.
    bool wait_output(const std::function<bool(const std::string&)>& done,
                     std::chrono::milliseconds timeout);
    [[nodiscard]] std::string stdout_text() const;
    [[nodiscard]] std::string stderr_text() const;

private:
    std::string out_path_, err_path_;
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
};

} // namespace aplc::itest
