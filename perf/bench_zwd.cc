// zwd's packet path without a PMD (perf/shim_zwd.c): bursts of 64 frames
// from the benchmark query captures (perf/compare_zwd.sh makes them under
// build/bench/zwd/) copied into buffers and run through zw_engine_burst:
//   Reflect   parse, swap, checksums (no DNS work): the per-packet budget
//   DO0/DO1   the same with answers from the signed 100k-delegation table
// queries/s is per core; the PMD's own cost comes on top (compare_zwd.sh).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "perf/shim_zwd.h"

namespace {

std::string BenchDir()
{
	const char *d = std::getenv("ZW_ZWD_BENCH_DIR");
	return d ? d : "build/bench/zwd";
}

void BM_Zwd(benchmark::State &state, const char *pcap, int reflect)
{
	char err[512];
	std::string dir = BenchDir();
	struct zw_perf_zwd *b = zw_perf_zwd_new((dir + "/zone.zwt").c_str(),
						(dir + "/" + pcap).c_str(),
						reflect, err, sizeof err);
	if (!b) {
		state.SkipWithError((std::string(err) +
				     " (run perf/compare_zwd.sh once)").c_str());
		return;
	}
	unsigned answered = 0;
	double burst = zw_perf_zwd_burst_size();
	for (auto _ : state)
		answered += zw_perf_zwd_burst(b);
	state.counters["queries/s"] = benchmark::Counter(
		double(state.iterations()) * burst, benchmark::Counter::kIsRate);
	state.counters["answered%"] =
		100.0 * answered / (double(state.iterations()) * burst);
	zw_perf_zwd_free(b);
}

int Register()
{
	benchmark::RegisterBenchmark("Zwd/Reflect", BM_Zwd, "q0-0.pcap", 1)
		->MinTime(1.0);
	benchmark::RegisterBenchmark("Zwd/DO0", BM_Zwd, "q0-0.pcap", 0)
		->MinTime(1.0);
	benchmark::RegisterBenchmark("Zwd/DO1", BM_Zwd, "q1-0.pcap", 0)
		->MinTime(1.0);
	return 0;
}

int dummy = Register();

} // namespace
