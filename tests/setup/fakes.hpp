// A TAPI provider list and a service manager that record every call ctigw-setup makes, and the
// fixture the setup tests share (captured log, a temporary folder per test).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "ctigw/setup/setup.hpp"

namespace ctigw::setup::testing {

// tapi.h's values, written out: the tests must not depend on the table under test.
inline constexpr std::uint32_t lineerr_nomultipleinstance = 0x80000056;
inline constexpr std::uint32_t lineerr_operationfailed = 0x80000048;
inline constexpr std::uint32_t lineerr_nomem = 0x80000044;

class fake_tapi : public tapi_providers {
  public:
    std::vector<tapi_provider> providers;  ///< what list() reports
    std::uint32_t list_result = 0;
    std::uint32_t add_result = 0;
    std::uint32_t next_id = 7;                 ///< the id add() assigns
    std::deque<std::uint32_t> remove_results;  ///< one per remove(); none left: 0

    int list_calls = 0;
    std::vector<std::string> added;
    std::vector<std::uint32_t> removed;

    std::uint32_t list(std::vector<tapi_provider>& out) override {
        ++list_calls;
        if (list_result != 0) return list_result;
        out = providers;
        return 0;
    }
    std::uint32_t add(const std::string& file_name, std::uint32_t& permanent_id) override {
        added.push_back(file_name);
        if (add_result != 0) return add_result;
        permanent_id = next_id;
        providers.push_back({next_id, file_name});
        return 0;
    }
    std::uint32_t remove(std::uint32_t permanent_id) override {
        removed.push_back(permanent_id);
        std::uint32_t rc = 0;
        if (!remove_results.empty()) {
            rc = remove_results.front();
            remove_results.pop_front();
        }
        return rc;
    }
};

class fake_services : public service_control {
  public:
    std::uint32_t result = 0;
    std::vector<std::string> calls;

    std::uint32_t set_restart_on_failure(const std::string& service_name) override {
        calls.push_back(service_name);
        return result;
    }
};

class setup_fixture : public ::testing::Test {
  protected:
    setup_fixture() {
        static std::atomic<int> counter{0};
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir = std::filesystem::temp_directory_path() /
              ("ctigw-setup-test-" + std::string(info->name()) + "-" + std::to_string(::getpid()) +
               "-" + std::to_string(counter.fetch_add(1)));
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        env.tapi = &tapi;
        env.services = &services;
        env.log = [this](std::string_view line) { log.emplace_back(line); };
    }
    ~setup_fixture() override {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }

    int run_args(const std::vector<std::string>& args) {
        log.clear();
        return run(args, env);
    }

    /// The whole log, one line per line.
    std::string log_text() const {
        std::string all;
        for (const auto& l : log) all += l + "\n";
        return all;
    }
    bool logged(std::string_view part) const { return log_text().find(part) != std::string::npos; }

    static std::string read(const std::filesystem::path& p) {
        std::ifstream in(p, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    static void write(const std::filesystem::path& p, std::string_view text) {
        std::ofstream(p, std::ios::binary) << text;
    }

    fake_tapi tapi;
    fake_services services;
    environment env;
    std::vector<std::string> log;
    std::filesystem::path dir;
};

}  // namespace ctigw::setup::testing
