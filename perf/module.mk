# perf/: Google Benchmark harness. perf/*.c are C shims (libzw_perf.a) that
# benchmarks in perf/*.cc call; perf/bench.mk links them into
# build/bin/zw-bench. Every library a shim calls goes in perf_DEPS.
perf_DEPS := dataplane zonecompile hsm crypto dns
perf_LDLIBS := -lbenchmark
# Part of `make all`, so a change that breaks a benchmark breaks the build.
EXTRA_ALL += $(BIN)/zw-bench
