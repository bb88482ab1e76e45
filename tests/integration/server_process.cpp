#include "server_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace aplc::itest {
namespace {

using clock = std::chrono::steady_clock;

int decode_status(int raw) {
    if (WIFEXITED(raw)) return WEXITSTATUS(raw);
    if (WIFSIGNALED(raw)) return 128 + WTERMSIG(raw);
    return -1;
}

std::string read_file(const std::string& path) {
    std::ifstream in{path, std::ios::binary};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// argv for execv: the strings live in `args`, which must outlive the call.
std::vector<char*> make_argv(std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return argv;
}

// This process's environment with `name` set to `value` (made before fork: the child may only
// call async-signal-safe functions).
std::vector<std::string> environment_with(const std::string& name, const std::string& value) {
    const std::string prefix = name + "=";
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e)
        if (!std::string_view{*e}.starts_with(prefix)) env.emplace_back(*e);
    env.push_back(prefix + value);
    return env;
}

// Forks and execs `args` with stdout on `out_fd` and stderr on `err_fd`; every other descriptor
// of this process (sockets of earlier clients, other pipes) is closed in the child. The child
// gets `env` as its environment when it is given, this process's otherwise, and `open_files`
// as its open-file limit (soft and hard) when it is given.
pid_t spawn(std::vector<std::string> args, int out_fd, int err_fd,
            std::optional<std::vector<std::string>> env = std::nullopt,
            std::optional<unsigned> open_files = std::nullopt) {
    auto argv = make_argv(args);
    std::vector<char*> envp;
    if (env) envp = make_argv(*env);
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(null_fd, 0);
        ::dup2(out_fd, 1);
        ::dup2(err_fd, 2);
        ::close_range(3, ~0U, 0);
        if (open_files) {
            const rlimit limit{*open_files, *open_files};
            if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::_exit(126);
        }
        if (env)
            ::execve(argv[0], argv.data(), envp.data());
        else
            ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(null_fd);
    if (pid < 0) throw std::runtime_error("fork failed");
    return pid;
}

} // namespace

temp_dir::temp_dir() {
    std::string pattern = "/tmp/aplc-it-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

temp_dir::~temp_dir() {
    if (std::getenv("APLC_IT_KEEP")) return; // keep the files for a post-mortem
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

command_result run_aplc(const std::vector<std::string>& args) {
    std::vector<std::string> all{APLC_BINARY};
    all.insert(all.end(), args.begin(), args.end());
    return run_command(all);
}

command_result run_command(const std::vector<std::string>& all) {
    std::string err_path = "/tmp/aplc-it-cli-XXXXXX";
    int err_fd = ::mkstemp(err_path.data());
    int pipe_fds[2];
    if (err_fd < 0 || ::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = spawn(all, pipe_fds[1], err_fd);
    ::close(pipe_fds[1]);
    ::close(err_fd);
    command_result result;
    char buffer[8192];
    for (;;) {
        ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (n > 0)
            result.out.append(buffer, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR)
            break;
    }
    ::close(pipe_fds[0]);
    int raw = 0;
    ::waitpid(pid, &raw, 0);
    result.status = decode_status(raw);
    result.err = read_file(err_path);
    std::remove(err_path.c_str());
    return result;
}

server_process::server_process(server_options options)
    : options_{std::move(options)}, db_path_{dir_.file("event.db")} {
    start();
}

server_process::~server_process() {
    if (pid_ > 0 && !exit_code_) stop();
    join_reader();
}

void server_process::start() {
    // Port 0 the first time; the same port after a restart.
    std::vector<std::string> args{APLC_BINARY, "serve",     "--db",   db_path_,
                                  "--bind",    "127.0.0.1", "--port", std::to_string(port_)};
    if (options_.event_file) args.insert(args.end(), {"--event", *options_.event_file});
    args.insert(args.end(), {"--organiser-password", options_.organiser_password});
    args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());

    stderr_path_ = dir_.file("server-" + std::to_string(restarts_++) + ".err");
    int err_fd = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int pipe_fds[2];
    if (err_fd < 0 || ::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    {
        std::lock_guard lock{mutex_};
        stdout_.clear();
        stdout_closed_ = false;
    }
    exit_code_.reset();
    // Its temporary files (exports) go to a directory of the test's own, which a test can check.
    std::filesystem::create_directories(tmp_dir());
    pid_ = spawn(args, pipe_fds[1], err_fd, environment_with("TMPDIR", tmp_dir().string()),
                 options_.open_files);
    ::close(pipe_fds[1]);
    ::close(err_fd);
    reader_ = std::thread{[this, fd = pipe_fds[0]] {
        char buffer[4096];
        for (;;) {
            ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            std::lock_guard lock{mutex_};
            if (n <= 0) {
                stdout_closed_ = true;
                changed_.notify_all();
                break;
            }
            stdout_.append(buffer, static_cast<std::size_t>(n));
            changed_.notify_all();
        }
        ::close(fd);
    }};

    static const std::regex listening{R"(listening on https?://127\.0\.0\.1:([0-9]+))"};
    std::smatch match;
    std::unique_lock lock{mutex_};
    bool found = changed_.wait_for(lock, options_.start_timeout, [&] {
        return std::regex_search(stdout_, match, listening) || stdout_closed_;
    });
    if (!found || match.empty()) {
        std::string out = stdout_;
        lock.unlock();
        kill_hard();
        throw std::runtime_error("aplc serve did not print its listening line (stdout: '" + out +
                                 "', stderr: '" + stderr_text() + "')");
    }
    port_ = static_cast<unsigned short>(std::stoi(match[1].str()));
}

void server_process::reap(int raw_status) {
    exit_code_ = decode_status(raw_status);
    join_reader();
}

void server_process::join_reader() {
    if (reader_.joinable()) reader_.join();
}

bool server_process::running() {
    if (pid_ <= 0 || exit_code_) return false;
    int raw = 0;
    pid_t r = ::waitpid(pid_, &raw, WNOHANG);
    if (r == pid_) {
        reap(raw);
        return false;
    }
    return true;
}

int server_process::stop(std::chrono::milliseconds timeout) {
    terminate();
    return wait_exit(timeout);
}

void server_process::terminate() {
    if (running()) ::kill(pid_, SIGTERM);
}

int server_process::wait_exit(std::chrono::milliseconds timeout) {
    if (!running()) return exit_code_.value_or(-1);
    auto deadline = clock::now() + timeout;
    while (clock::now() < deadline) {
        int raw = 0;
        if (::waitpid(pid_, &raw, WNOHANG) == pid_) {
            reap(raw);
            return *exit_code_;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{10}); // polling waitpid
    }
    kill_hard();
    return -1;
}

void server_process::kill_hard() {
    if (!running()) return;
    ::kill(pid_, SIGKILL);
    int raw = 0;
    ::waitpid(pid_, &raw, 0);
    reap(raw);
}

void server_process::restart() {
    if (running()) throw std::logic_error("restart: the server is still running");
    join_reader();
    start();
}

long server_process::rss_kib() const {
    std::ifstream status{"/proc/" + std::to_string(pid_) + "/status"};
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0;
}

std::string server_process::stdout_text() {
    std::lock_guard lock{mutex_};
    return stdout_;
}

std::string server_process::stderr_text() const { return read_file(stderr_path_); }

child_process::child_process(const temp_dir& dir, std::vector<std::string> args) {
    static int count = 0;
    const auto name = "child-" + std::to_string(++count);
    out_path_ = dir.file(name + ".out");
    err_path_ = dir.file(name + ".err");
    int out_fd = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int err_fd = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out_fd < 0 || err_fd < 0) throw std::runtime_error("cannot create " + out_path_);
    pid_ = spawn(std::move(args), out_fd, err_fd);
    ::close(out_fd);
    ::close(err_fd);
}

child_process::~child_process() {
    if (exit_code_) return;
    ::kill(pid_, SIGKILL);
    int raw = 0;
    ::waitpid(pid_, &raw, 0);
}

int child_process::wait_exit(std::chrono::milliseconds timeout) {
    const auto until = clock::now() + timeout;
    while (!exit_code_) {
        int raw = 0;
        if (::waitpid(pid_, &raw, WNOHANG) == pid_) {
            exit_code_ = decode_status(raw);
            break;
        }
        if (clock::now() >= until) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    return *exit_code_;
}

bool child_process::wait_output(const std::function<bool(const std::string&)>& done,
                                std::chrono::milliseconds timeout) {
    const auto until = clock::now() + timeout;
    for (;;) {
        if (done(stdout_text())) return true;
        if (wait_exit(std::chrono::milliseconds{0}) >= 0) return done(stdout_text());
        if (clock::now() >= until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
}

std::string child_process::stdout_text() const { return read_file(out_path_); }
std::string child_process::stderr_text() const { return read_file(err_path_); }

} // namespace aplc::itest
