# The README's two commands, and a few more. Thin on purpose: CMake presets do the work.
#   make demo        install what is missing, build, show Warden deciding real commands
#   make test        install what is missing, build, run every test (unit, corpus, policy, e2e,
#                    faults, the unit tests again under ASan+UBSan, the multi-threaded parts'
#                    unit tests under ThreadSanitizer, and a short run of every fuzzer)
#   make fuzz        run every fuzzer longer (FUZZ_SECONDS, default 300)
#   make bench       micro-benchmarks and the side-by-side RBAC run (docs/PERFORMANCE.md)
#   make bench-http  the HTTP API and its security stack against nginx (bench/http/run.sh, ~20 min)
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 300
SMOKE_SECONDS ?= 15

.PHONY: all bootstrap build demo test test-default test-asan test-tsan fuzz-smoke fuzz bench bench-http clean format

all: build

bootstrap:
	@scripts/bootstrap.sh

build: bootstrap
	@cmake --preset default >/dev/null
	@cmake --build --preset default -j $(JOBS)

demo: build
	@scripts/demo.sh

test: build
	@$(MAKE) --no-print-directory test-default test-asan test-tsan fuzz-smoke

test-default:
	@ctest --preset default -j $(JOBS)

test-asan:
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ctest --preset asan -j $(JOBS)

# The daemon, the audit writer, the rate limiter and the MCP relay: the parts with threads.
test-tsan:
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS)
	@ctest --preset tsan -j $(JOBS)

fuzz-smoke:
	@cmake --preset fuzz -DWARDEN_FUZZ_SECONDS=$(SMOKE_SECONDS) >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@ctest --test-dir build-fuzz -L fuzz -j $(JOBS) --output-on-failure

fuzz: bootstrap
	@cmake --preset fuzz -DWARDEN_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@ctest --test-dir build-fuzz -L fuzz -j $(JOBS) --output-on-failure

bench: build
	@bench/run.sh

bench-http: build
	@bench/http/run.sh

format:
	@find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	@rm -rf build build-asan build-tsan build-fuzz
