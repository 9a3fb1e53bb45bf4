# Thin wrapper over CMake/CTest. `make demo` and `make test` are the two commands in the README.
BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
WIN_BUILD  ?= build-win
JOBS       ?= $(shell nproc)
LAUNCHER   := $(shell command -v ccache >/dev/null 2>&1 && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CMAKE_GEN  := $(shell command -v ninja >/dev/null 2>&1 && echo -G Ninja)
# Let ccache share results between checkouts (CI builds a fresh clone): paths relative to here.
export CCACHE_BASEDIR  := $(CURDIR)
export CCACHE_NOHASHDIR := true
# Disk: four build trees plus the cache must fit on a CI machine with little free space (a CI run
# once failed with "No space left on device"), so the debug information is line tables only
# (enough for backtraces and sanitizer reports), compressed (CMakeLists.txt, CTIGW_COMPRESS_DEBUG),
# and the cache is bounded.
export CCACHE_MAXSIZE ?= 2G

.PHONY: perf all bootstrap build asan tsan test-tsan win test-win test test-fast demo format format-check \
        tidy tidy-check clean fuzz-long

all: build

bootstrap:
	@scripts/bootstrap

$(BUILD)/CMakeCache.txt: | bootstrap
	cmake -S . -B $(BUILD) $(CMAKE_GEN) $(LAUNCHER) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"

build: bootstrap $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The sanitizer build uses clang so that it also builds (and briefly runs) the libFuzzer targets,
# and lld: GNU ld takes minutes to link the instrumented debug binaries. -O1 as ASan advises: at
# -O0 the instrumented objects are 7x larger (a Beast test TU: 35 MB vs 5 MB; the -O0 tree took
# 11.6 GB) and the tests slower, for ~50% more compile time.
$(ASAN_BUILD)/CMakeCache.txt: | bootstrap
	CC=clang CXX=clang++ cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) $(LAUNCHER) \
	  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only" \
	  -DCTIGW_ENABLE_SANITIZERS=ON -DCTIGW_BUILD_FUZZERS=ON \
	  -DCTIGW_BUILD_BENCH=OFF -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld \
	  -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld

asan: bootstrap $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# ThreadSanitizer: clang, -O1 with line tables only (reports keep file:line, the build stays
# cheap enough for every CI run), and only the tests of the threaded components: the link
# against the simulator, the TSP (its link and dispatcher threads) and the gateway's server.
TSAN_TESTS := pbx_link_logic_test pbx_link_sim_test tsp_test tsp_calls_test tsp_devices_test gateway_server_tests
$(TSAN_BUILD)/CMakeCache.txt: | bootstrap
	CC=clang CXX=clang++ cmake -S . -B $(TSAN_BUILD) $(CMAKE_GEN) $(LAUNCHER) \
	  -DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=-O1 -gline-tables-only" \
	  -DCTIGW_ENABLE_TSAN=ON -DCTIGW_BUILD_BENCH=OFF \
	  -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld

tsan: bootstrap $(TSAN_BUILD)/CMakeCache.txt
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target $(TSAN_TESTS)

# Any ThreadSanitizer report fails the test that caused it (exit code 66).
TSAN_TEST_OPTIONS := second_deadlock_stack=1 exitcode=66
TSAN_LABELS := ^($(subst $(eval) ,|,$(strip $(TSAN_TESTS))))$$
test-tsan: tsan
	cd $(TSAN_BUILD) && TSAN_OPTIONS="$(TSAN_TEST_OPTIONS)" ctest --output-on-failure -j $(JOBS) \
	  -L '$(TSAN_LABELS)'

# The Windows provider, ctigw.tsp, cross-built with mingw-w64 (docs/windows.md). OpenSSL and
# simdjson come from Debian's source packages (scripts/win-deps, cached); the Wine tests in
# tests/windows use the Linux simulator of $(BUILD).
win: bootstrap build
	deps=$$(scripts/win-deps) && cmake -S . -B $(WIN_BUILD) $(CMAKE_GEN) $(LAUNCHER) \
	  -DCMAKE_BUILD_TYPE=Release -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-x86_64.cmake \
	  -DCTIGW_WIN_DEPS="$$deps" -DCTIGW_HOST_BUILD=$(abspath $(BUILD))
	cmake --build $(WIN_BUILD) -j $(JOBS)

test-win: win
	cd $(WIN_BUILD) && ctest --output-on-failure -j $(JOBS)

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# LeakSanitizer of Debian 12's clang 14 crashes at exit ("Tracer caught signal 11", a bogus DTLS
# range) in a process that dlopen()ed a library using thread_local (ctigw-tapihost loading the TSP)
# with glibc 2.36-9+deb12u14; not tracking __tls_get_addr avoids it, leak checking stays on.
ASAN_TEST_OPTIONS := detect_leaks=1:intercept_tls_get_addr=0

# Everything CI runs: the Linux build and its tests, the same under ASan+UBSan, the Windows
# cross-build with its checks (PE tables, ctigw.tsp under Wine against the simulator), and the
# threaded components' tests under ThreadSanitizer.
test: format-check build tidy-check asan win tsan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=$(ASAN_TEST_OPTIONS) UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)
	cd $(WIN_BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(TSAN_BUILD) && TSAN_OPTIONS="$(TSAN_TEST_OPTIONS)" ctest --output-on-failure -j $(JOBS) \
	  -L '$(TSAN_LABELS)'

# Every libFuzzer target for FUZZ_SECONDS each (default 10 minutes), new inputs kept in the
# build tree; the figures go to docs/reliability.md.
FUZZ_SECONDS ?= 600
fuzz-long: asan
	cd $(ASAN_BUILD) && CTIGW_FUZZ_SECONDS=$(FUZZ_SECONDS) ctest -R '_fuzzer_run$$' -V -j 1

# Client comparison (docs/performance.md): ctigw's pbx-link, a Node.js ws client and the floor on
# the same stream from ctigw-firehose; tables in $(BUILD)/perf/summary.md, plots copied to
# docs/images/perf/. Not part of `make test` (figures, not pass/fail).
perf: build
	@scripts/bootstrap --perf
	python3 tools/bench/compare_clients.py --build $(BUILD) --out $(BUILD)/perf
	mkdir -p docs/images/perf && cp $(BUILD)/perf/*.png docs/images/perf/

demo: build
	@scripts/demo $(BUILD)

format:
	git ls-files '*.hpp' '*.cpp' | xargs clang-format -i

# Every C++ file as clang-format writes it (.clang-format); `make format` fixes what this reports.
format-check: bootstrap
	git ls-files '*.hpp' '*.cpp' | xargs clang-format --dry-run -Werror

tidy: build
	git ls-files '*.cpp' | grep -v '^tests/' | xargs clang-tidy -p $(BUILD) --quiet

# clang-tidy (.clang-tidy, warnings as errors) over the product: every source of the components
# (the static analyzer only in `make tidy`). At ~16 s of CPU a file that is ~15 minutes on two
# cores, so scripts/tidy-check remembers the files it found clean (keyed by their preprocessed text
# with comments, the command and the tidy configuration) and checks only what changed.
TIDY_FILES = $(shell git ls-files 'protocol/*.cpp' 'config/*.cpp' 'pbx-link/*.cpp' 'tsp/*.cpp' \
                'gateway/*.cpp')
tidy-check: build
	scripts/tidy-check --build $(BUILD) --jobs $(JOBS) --log $(BUILD)/tidy.log $(TIDY_FILES)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(WIN_BUILD)
