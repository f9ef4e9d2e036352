# Crewportal's two commands: `make demo` runs the demo agency, `make test`
# runs every test, browser tests included. GOTOOLCHAIN lets an older local Go
# fetch the toolchain go.mod asks for through the module proxy.
export GOTOOLCHAIN := go1.27.4

.PHONY: demo test chromium vet bench fuzz

demo:
	go run . serve --demo --http=127.0.0.1:8090

# -timeout: go test's default of 10 minutes per package is too tight for the
# browser tests on a 2-core machine shared with other work.
test: chromium vet
	go test -count=1 -timeout 20m ./...
	$(MAKE) fuzz

vet:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	go vet ./...

# The Go benchmarks, then the load benchmark at a small scale (bench/load:
# generate the agency, start the real server, drive every portal call).
# BENCH_SCALE=1 is the large agency of issue 16 (see README).
BENCH_SCALE ?= 0.02
BENCH_DIR ?= /tmp/crewportal-bench
bench:
	go test -run '^$$' -bench . -benchtime 2s ./...
	mkdir -p $(BENCH_DIR)
	go build -o $(BENCH_DIR)/crewportal .
	go run ./bench/load --server $(BENCH_DIR)/crewportal --dir $(BENCH_DIR)/scale-$(BENCH_SCALE) \
		--scale $(BENCH_SCALE) --json $(BENCH_DIR)/report-$(BENCH_SCALE).json

# Browser tests drive Debian's Chromium; install it when missing (as root).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		else echo "Browser tests need Chromium: sudo apt-get install -y chromium"; exit 1; fi; }

# A short fuzz run of every portal input (pb_hooks/fuzz_test.go). `go test
# -fuzz` takes one target per run; plain `go test` already runs their seeds.
FUZZ_TARGETS := FuzzBookingPayload FuzzEstimatePayload FuzzChangeRequestPayload FuzzWithdrawRequest FuzzEventListQuery
FUZZTIME ?= 5s
fuzz:
	@for target in $(FUZZ_TARGETS); do \
		go test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -parallel 1 ./pb_hooks/ || exit 1; \
	done
