#pragma once
// Runs the real aplc binary as a child process and captures what it prints.
#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace aplc::test {

struct run_result {
    int status = -1;
    std::string out;
    std::string err;
};

// Runs `APLC_BINARY args` through the shell; stderr is captured through a temporary file.
inline run_result run_aplc(const std::string& args) {
    std::string err_file = "/tmp/aplc-cli-test-" + std::to_string(::getpid()) + ".err";
    std::string command = std::string{APLC_BINARY} + " " + args + " 2>" + err_file;
    run_result r;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return r;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        r.out.append(buffer.data(), n);
    int raw = ::pclose(pipe);
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    if (FILE* f = std::fopen(err_file.c_str(), "r")) {
        while ((n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0)
            r.err.append(buffer.data(), n);
        std::fclose(f);
    }
    std::remove(err_file.c_str());
    return r;
}

inline std::string data(const std::string& name) {
    return std::string{APLC_TEST_DATA} + "/" + name;
}
inline std::string example(const std::string& name) {
    return std::string{APLC_EXAMPLES} + "/" + name;
}

} // namespace aplc::test
