#pragma once
// The `aplc` command line: subcommands over the server library. Exit status: 0 success,
// 1 a failure at run time (the message says what to do), 2 bad usage or bad input.
#include <iosfwd>

namespace aplc {

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

} // namespace aplc
