// What a cache line from memory costs on this machine (perf/shim_mem.c):
// dependent loads along a random cycle of lines in 256 MiB (far past the
// last-level cache), 1 walk (the latency of one miss) and 8, 32 and 64
// walks interleaved (the throughput with that many misses in flight; zwd's
// burst stages prefetch a line for each of up to 32 queries at once).
// Counter ns/line: wall time per line read. perf/compare_zwd.sh reads the
// 32-walk figure to turn the table's miss cost into lines per query.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "perf/shim_mem.h"

namespace {

constexpr size_t kMiB = 256;

struct zw_perf_mem *shared_mem()
{
	static struct zw_perf_mem *m = zw_perf_mem_new(kMiB);
	return m;
}

void BM_MemChase(benchmark::State &state, unsigned chains)
{
	struct zw_perf_mem *m = shared_mem();
	if (!m) {
		state.SkipWithError("cannot map the buffer");
		return;
	}
	if (zw_perf_mem_spread(m, chains) != 0) {
		state.SkipWithError("bad number of walks");
		return;
	}
	// about 2 M lines an iteration, well under lines / chains per walk
	size_t steps = (size_t(1) << 21) / chains;
	auto t0 = std::chrono::steady_clock::now();
	for (auto _ : state)
		benchmark::DoNotOptimize(zw_perf_mem_chase(m, steps));
	std::chrono::duration<double, std::nano> ns =
		std::chrono::steady_clock::now() - t0;
	// a plain number (a rate counter would print seconds)
	state.counters["ns/line"] = ns.count() /
		(double(state.iterations()) * double(steps * chains));
}

int Register()
{
	for (unsigned chains : { 1u, 8u, 32u, 64u }) {
		std::string name = "Memory/chase/MiB:" + std::to_string(kMiB) +
			"/inflight:" + std::to_string(chains);
		benchmark::RegisterBenchmark(name.c_str(), BM_MemChase, chains)
			->MinTime(0.5)
			->UseRealTime();
	}
	return 0;
}

const int registered = Register();

} // namespace
