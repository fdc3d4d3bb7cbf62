// Answers from a compiled table (zw_table_answer: parse the query, find
// the name, assemble the response) per second on one core, over shuffled
// qnames of the table with 10% that do not exist, qtype A, DO=0 and DO=1,
// one query at a time and in bursts of 32 (the data plane's rx burst,
// where the lookups' memory accesses overlap).
// The table is $ZW_BENCH_TABLE (perf/compare_compile.sh passes the
// compiled 1,000,000-delegation signed zone), else the zone
// $ZW_BENCH_DIR/deleg-100000.zone compiled in memory (unsigned).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <map>
#include <string>

#include "perf/shim_lookup.h"

namespace {

constexpr unsigned kQueries = 1u << 20;

struct zw_perf_lookup *Get(int dnssec, std::string *why)
{
	static std::map<int, struct zw_perf_lookup *> cache;
	auto it = cache.find(dnssec);
	if (it != cache.end())
		return it->second;
	char err[256] = "";
	const char *table = std::getenv("ZW_BENCH_TABLE");
	const char *d = std::getenv("ZW_BENCH_DIR");
	std::string zone = std::string(d ? d : "build/bench") +
			   "/deleg-100000.zone";
	struct zw_perf_lookup *p = zw_perf_lookup_new(
		table, zone.c_str(), kQueries, 10, dnssec, err);
	if (!p)
		*why = err;
	cache[dnssec] = p;
	return p;
}

void BM_Lookup(benchmark::State &state, int dnssec, unsigned burst)
{
	std::string why;
	struct zw_perf_lookup *p = Get(dnssec, &why);
	if (!p) {
		state.SkipWithError(("no table: " + why).c_str());
		return;
	}
	const unsigned per = 4096;
	uint64_t bytes = 0;
	for (auto _ : state)
		bytes += zw_perf_lookup_run(p, per, burst);
	benchmark::DoNotOptimize(bytes);
	state.SetItemsProcessed(int64_t(state.iterations()) * per);
	state.counters["ns/query"] = benchmark::Counter(
		double(state.iterations()) * per,
		benchmark::Counter::kIsRate | benchmark::Counter::kInvert,
		benchmark::Counter::kIs1000);
	state.counters["bytes/resp"] =
		double(bytes) / (double(state.iterations()) * per);
	state.counters["table_MB"] =
		double(zw_perf_lookup_table_bytes(p)) / 1e6;
	state.counters["names"] = double(zw_perf_lookup_names(p));
}

int Register()
{
	for (int dnssec : {0, 1})
		for (unsigned burst : {1u, 32u}) {
			std::string name = std::string("Lookup/") +
					   (dnssec ? "DO1" : "DO0") +
					   "/burst:" + std::to_string(burst);
			benchmark::RegisterBenchmark(name.c_str(), BM_Lookup,
						     dnssec, burst)
				->MinTime(1.0)
				->Unit(benchmark::kNanosecond);
		}
	return 0;
}

const int registered = Register();

} // namespace
