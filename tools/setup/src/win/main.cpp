// ctigw-setup.exe: the administrator's (and a script's) way to do what the installer does —
// register ctigw.tsp with TAPI, remove it, check or write the configuration, set the ACD proxy
// service's recovery actions (docs/windows.md). `ctigw-setup --help` lists the commands.
// Single-threaded; messages go to stdout, one per line.
#include <windows.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "ctigw/tapihost/wide.hpp"
#include "win_api.hpp"

int wmain(int argc, wchar_t** argv) {
    try {
        std::vector<std::string> args;
        args.reserve(static_cast<std::size_t>(argc > 1 ? argc - 1 : 0));
        for (int i = 1; i < argc; ++i) args.push_back(ctigw::tapihost::from_wide(argv[i]));
        ctigw::setup::win::tapi32_providers tapi;
        ctigw::setup::win::scm_services services;
        ctigw::setup::environment env;
        env.tapi = &tapi;
        env.services = &services;
        env.log = [](std::string_view line) {
            std::fwrite(line.data(), 1, line.size(), stdout);
            std::fputc('\n', stdout);
            std::fflush(stdout);
        };
        return ctigw::setup::run(args, env);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ctigw-setup: %s\n", e.what());
    } catch (...) {
        std::fprintf(stderr, "ctigw-setup: unexpected error\n");
    }
    return 1;
}
