// The status page in a real browser: headless Chromium (Debian's `chromium`) loads the page from a
// status server on a loopback port, under the page's own Content-Security-Policy, and the DOM it
// dumps must show the figures the page's script fetched, updated, and the error banner once the
// status fails. A screenshot of the page is kept as a test artefact.
//
// Chromium runs on virtual time (--virtual-time-budget): the page's one-second refreshes happen
// as fast as the machine allows, and the number of refreshes does not depend on its speed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/asio.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ctigw/gateway/status_http.hpp"

extern char** environ;

namespace ctigw::gateway {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::optional<fs::path> find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const auto end = std::min(dirs.find(':', start), dirs.size());
        const fs::path candidate = fs::path(dirs.substr(start, end - start)) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    return std::nullopt;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct run_result {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// Runs `args` under coreutils' `timeout` (a hung Chromium fails the test instead of stalling
/// ctest), with stdout and stderr in files under `dir`.
run_result run_bounded(const std::vector<std::string>& args, const fs::path& dir) {
    std::vector<std::string> all = {"timeout", "--kill-after=10", "120"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    const auto out = dir / "stdout.txt";
    const auto err = dir / "stderr.txt";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, "timeout", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start timeout(1): " + std::to_string(rc));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    run_result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
}

/// The text of the element with `id` in a dumped DOM (the element's own text, no children).
std::string text_of(const std::string& dom, const std::string& id) {
    const std::regex re("id=\"" + id + "\"[^>]*>([^<]*)<");
    std::smatch m;
    return std::regex_search(dom, m, re) ? m[1].str() : std::string("<no element " + id + ">");
}

/// The class attribute of the element with `id`.
std::string class_of(const std::string& dom, const std::string& id) {
    std::smatch m;
    const std::regex before("class=\"([^\"]*)\"[^>]*id=\"" + id + "\"");
    if (std::regex_search(dom, m, before)) return m[1].str();
    const std::regex after("id=\"" + id + "\"[^>]*class=\"([^\"]*)\"");
    return std::regex_search(dom, m, after) ? m[1].str() : std::string("<no element " + id + ">");
}

class status_page : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto found = find_program("chromium");
        ASSERT_TRUE(found) << "headless Chromium is needed for this test: install Debian's "
                              "`chromium` package (scripts/bootstrap does)";
        chromium_ = *found;
        dir_ = fs::temp_directory_path() / ("ctigw-status-page-" + std::to_string(::getpid()));
        fs::create_directories(dir_ / "profile");

        status_options o;
        o.address = "127.0.0.1";
        o.port = 0;
        o.log = [](std::string_view) {};
        // Figures that change with every fetch: fetch n shows n sessions, 10+n calls...; the
        // clock advances one second per fetch and events_sent 100 per fetch: 100 events/s.
        o.snapshot = [this] {
            const int n = ++fetches_;
            if (n >= fail_from_) throw std::runtime_error("simulated failure");
            status_snapshot s;
            s.version = "1.2.3";
            s.instance = "gw-test";
            s.uptime_seconds = 3600 + n;
            s.backend_kind = "sim";
            s.backend_up = n <= backend_up_until_;
            s.backend_instance = "be-test";
            s.sessions_open = static_cast<std::size_t>(n);
            s.sessions_accepted = static_cast<std::size_t>(40 + n);
            s.sessions_by_client = {{"tapi-server", 3}, {"agent <b>2001</b>", 1}};
            s.devices_monitored = static_cast<std::size_t>(200 + n);
            s.monitors = static_cast<std::size_t>(250 + n);
            s.active_calls = static_cast<std::size_t>(10 + n);
            s.events_sent = static_cast<std::uint64_t>(100 * n);
            s.requests_by_service = {{"MakeCall", 4}};
            return s;
        };
        o.now = [this] {
            return std::chrono::steady_clock::time_point{} + std::chrono::seconds(fetches_.load());
        };
        server_ = std::make_unique<status_server>(io_, std::move(o));
        ASSERT_EQ(server_->start(), "");
        url_ = "http://127.0.0.1:" + std::to_string(server_->port()) + "/";
        thread_ = std::thread([this] { io_.run(); });
    }

    void TearDown() override {
        if (server_) boost::asio::post(io_, [this] { server_->stop(); });
        if (thread_.joinable()) thread_.join();
        server_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    run_result chromium(std::vector<std::string> extra) {
        std::vector<std::string> args = {chromium_.string(),
                                         "--headless",
                                         "--no-sandbox",  // root in CI: no user namespaces
                                         "--disable-gpu",
                                         "--disable-dev-shm-usage",
                                         "--user-data-dir=" + (dir_ / "profile").string(),
                                         "--no-first-run",
                                         "--no-default-browser-check",
                                         "--disable-extensions",
                                         "--disable-background-networking",
                                         "--disable-component-update",
                                         "--disable-sync",
                                         "--disable-default-apps",
                                         "--hide-scrollbars",
                                         "--virtual-time-budget=10000"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(url_);
        return run_bounded(args, dir_);
    }

    boost::asio::io_context io_;
    std::unique_ptr<status_server> server_;
    std::thread thread_;
    std::string url_;
    fs::path chromium_;
    fs::path dir_;
    std::atomic<int> fetches_{0};
    std::atomic<int> fail_from_{1 << 30};
    std::atomic<int> backend_up_until_{1 << 30};
};

TEST_F(status_page, ScriptRendersLiveFiguresAndTheErrorBanner) {
    // Fetches 1..5 succeed (the backend goes down at the 4th), the 6th and later fail.
    fail_from_ = 6;
    backend_up_until_ = 3;
    const auto r = chromium({"--dump-dom"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto& dom = r.out;
    ASSERT_THAT(dom, HasSubstr("id=\"sessions-open\"")) << dom;
    // The 10 s of virtual time leave room for more than the six fetches this test needs.
    ASSERT_GE(fetches_.load(), 6) << dom;

    // The figures of the last good fetch (the 5th), written by the script: the static HTML has
    // "-" and "0" there. Five renders prove the page updated itself.
    EXPECT_EQ(text_of(dom, "updates"), "5");
    EXPECT_EQ(text_of(dom, "sessions-open"), "5");
    EXPECT_EQ(text_of(dom, "sessions-accepted"), "45 accepted since start");
    EXPECT_EQ(text_of(dom, "devices-monitored"), "205");
    EXPECT_EQ(text_of(dom, "monitors"), "255 monitors");
    EXPECT_EQ(text_of(dom, "active-calls"), "15");
    EXPECT_EQ(text_of(dom, "events-per-second"), "100.0");
    EXPECT_EQ(text_of(dom, "events-sent"), "500 events sent");
    EXPECT_EQ(text_of(dom, "uptime"), "1h 0m 5s");
    EXPECT_EQ(text_of(dom, "gateway"), "version 1.2.3 \u00b7 instance gw-test");
    EXPECT_THAT(text_of(dom, "last-update"), Not(HasSubstr("never")));
    // The backend went down at the 4th fetch: a red DOWN tile.
    EXPECT_EQ(text_of(dom, "backend-state"), "DOWN");
    EXPECT_THAT(class_of(dom, "backend-tile"), HasSubstr("down"));
    EXPECT_THAT(class_of(dom, "backend-tile"), Not(HasSubstr("up")));
    EXPECT_EQ(text_of(dom, "backend-detail"), "sim \u00b7 instance be-test");
    // Client names are text, never markup.
    EXPECT_THAT(dom, HasSubstr("<td>agent &lt;b&gt;2001&lt;/b&gt;</td>"));
    EXPECT_THAT(dom, Not(HasSubstr("<b>2001</b>")));
    EXPECT_THAT(dom, HasSubstr("<td>tapi-server</td><td class=\"num\">3</td>"));
    EXPECT_THAT(dom, HasSubstr("<td>MakeCall</td><td class=\"num\">4</td>"));
    EXPECT_THAT(dom, HasSubstr("<td>Events sent</td><td class=\"num\">500</td>"));
    // The failed fetches raised the banner.
    EXPECT_THAT(class_of(dom, "error"), Not(HasSubstr("hidden")));
    EXPECT_THAT(text_of(dom, "error"), HasSubstr("HTTP 500"));
}

TEST_F(status_page, ScreenshotIsKeptAsATestArtefact) {
    const fs::path artefacts = CTIGW_TEST_ARTEFACTS_DIR;
    fs::create_directories(artefacts);
    const auto png = artefacts / "status-page.png";
    std::error_code ec;
    fs::remove(png, ec);
    const auto r = chromium({"--screenshot=" + png.string(), "--window-size=1024,768"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(fs::exists(png)) << r.err;
    const auto bytes = read_file(png);
    ASSERT_GE(bytes.size(), 24u);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(bytes.substr(12, 4), "IHDR");
    auto be32 = [&](std::size_t at) {
        return (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
               (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
               (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
               static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
    };
    EXPECT_EQ(be32(16), 1024u);
    EXPECT_EQ(be32(20), 768u);
    // A blank 1024x768 page compresses to a few hundred bytes; the rendered page is far larger.
    EXPECT_GT(bytes.size(), 15000u) << png;
    // The screenshot was taken after the script had fetched the figures.
    EXPECT_GE(fetches_.load(), 2);
}

}  // namespace
}  // namespace ctigw::gateway
