// ctigw-gateway: the switch side of ctigw.csta.v1 as a Linux service (ctigw-gateway(8)).
#include <iostream>
#include <string>
#include <vector>

#include "ctigw/gateway/app/cli.hpp"

int main(int argc, char** argv) {
    try {
        return ctigw::gateway::app::run_command(std::vector<std::string>(argv + 1, argv + argc),
                                                std::cout, std::cerr);
    } catch (const std::exception& e) {
        std::cerr << "ctigw-gateway: " << e.what() << '\n';
        return 1;
    }
}
