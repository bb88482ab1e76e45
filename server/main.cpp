// The aplc executable: a thin shell over the server library (STYLE.md).
#include "aplc/cli.hpp"

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    try {
        return aplc::run_cli(argc, argv, std::cout, std::cerr);
    } catch (const std::exception& e) {
        std::cerr << "aplc: unexpected failure: " << e.what()
                  << " (please report it with the command you ran)\n";
        return 1;
    }
}
