// Zone-file parsing into the zone model (dns/zonefile.h + dns/zone.h) over
// a generated delegation zone (scripts/genzone, seed 1, origin example.):
//   scan       parser only: text -> records, nothing kept
//   load       text in memory -> zone model, finished (sorted, merged,
//              checked, zone cuts found)
//   load_file  the same through the streaming file reader
// Times and rates are CPU time of the one parsing thread (Google
// Benchmark's default), which other load on the machine disturbs least.
// The zone is $ZW_BENCH_ZONE, else $ZW_BENCH_DIR/deleg-100000.zone (make
// bench generates it), else build/bench/deleg-100000.zone.
// perf/compare_zoneparse.sh measures the whole zw-checkzone run on the
// 1,000,000-delegation zone against named-checkzone and kzonecheck.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "perf/shim_zoneparse.h"

namespace {

const char kOrigin[] = "example.";

std::string ZonePath()
{
	if (const char *z = std::getenv("ZW_BENCH_ZONE"))
		return z;
	const char *d = std::getenv("ZW_BENCH_DIR");
	return std::string(d ? d : "build/bench") + "/deleg-100000.zone";
}

// The zone text, read once for all benchmarks.
struct Text {
	char *buf = nullptr;
	size_t len = 0;
	Text() { buf = zw_perf_zoneparse_read(ZonePath().c_str(), &len); }
	~Text() { std::free(buf); }
};

const Text &GetText()
{
	static Text t;
	return t;
}

// Records in the zone (counted once by a scan) for records/s.
long Records()
{
	static long n = zw_perf_zoneparse_scan(GetText().buf, GetText().len,
					       kOrigin);
	return n;
}

bool Ready(benchmark::State &state)
{
	if (!GetText().buf) {
		state.SkipWithError(("cannot read " + ZonePath() +
				     " (make bench generates it)").c_str());
		return false;
	}
	if (Records() <= 0) {
		state.SkipWithError("the benchmark zone does not parse");
		return false;
	}
	return true;
}

void Finish(benchmark::State &state)
{
	state.SetBytesProcessed(int64_t(state.iterations()) * GetText().len);
	state.counters["records/s"] = benchmark::Counter(
		double(state.iterations()) * Records(),
		benchmark::Counter::kIsRate);
	state.SetLabel(std::to_string(Records()) + " records");
}

void BM_zoneparse_scan(benchmark::State &state)
{
	if (!Ready(state))
		return;
	for (auto _ : state) {
		long n = zw_perf_zoneparse_scan(GetText().buf, GetText().len,
						kOrigin);
		if (n < 0) {
			state.SkipWithError("parse failed");
			return;
		}
		benchmark::DoNotOptimize(n);
	}
	Finish(state);
}

void BM_zoneparse_load(benchmark::State &state)
{
	if (!Ready(state))
		return;
	for (auto _ : state) {
		long n = zw_perf_zoneparse_load(GetText().buf, GetText().len,
						kOrigin);
		if (n < 0) {
			state.SkipWithError("load failed");
			return;
		}
		benchmark::DoNotOptimize(n);
	}
	Finish(state);
}

void BM_zoneparse_load_file(benchmark::State &state)
{
	if (!Ready(state))
		return;
	std::string path = ZonePath();
	for (auto _ : state) {
		long n = zw_perf_zoneparse_load_file(path.c_str(), kOrigin);
		if (n < 0) {
			state.SkipWithError("load failed");
			return;
		}
		benchmark::DoNotOptimize(n);
	}
	Finish(state);
}

} // namespace

BENCHMARK(BM_zoneparse_scan)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_zoneparse_load)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_zoneparse_load_file)->Unit(benchmark::kMillisecond);
