// Answers from a compiled table (zw_table_answer: parse the query, find
// the name, assemble the response) per second on one core, over shuffled
// qnames of the table, qtype A, DO=0 and DO=1, one query at a time
// ("single") and in bursts of 32 (the data plane's rx burst, where the
// lookups' memory accesses overlap).
//
// Lookup/1M/...: the case, the signed 1,000,000-delegation zone
// (NSEC) compiled to $ZW_BENCH_TABLE, else $ZW_BENCH_DIR/deleg-1000000.zwt
// (perf/compare_lookup.sh builds and caches it); 10% of the names do not
// exist. Lookup/1M/<DO>/exist and .../nx split that mix into its two
// kinds (all names exist / none does), burst 32.
// The mixed rows ask for the table's names but those below a zone cut
// (the zone's authoritative names and delegations, as before the compiler
// gave glue names nodes of their own). Lookup/1M/<DO>/nodata: names that
// exist (hosts, not delegations) asked for a type they lack (SRV): NODATA,
// burst 32. Lookup/1M/<DO>/below: names below a cut (glue), type A: the
// cut's referral, burst 32 (no such names in a table compiled with -G).
// Lookup/100k/...: $ZW_BENCH_DIR/deleg-100000.zone compiled in memory
// (unsigned, so DO changes nothing), a table that mostly fits in cache.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <map>
#include <string>
#include <tuple>

#include "perf/shim_lookup.h"

namespace {

constexpr unsigned kQueries = 1u << 20;

std::string BenchDir()
{
	const char *d = std::getenv("ZW_BENCH_DIR");
	return d ? d : "build/bench";
}

struct zw_perf_table *Table(bool big, std::string *why)
{
	static std::map<bool, std::pair<struct zw_perf_table *, std::string>>
		cache;
	auto it = cache.find(big);
	if (it == cache.end()) {
		char err[256] = "";
		const char *env = std::getenv("ZW_BENCH_TABLE");
		std::string path = env ? env : BenchDir() + "/deleg-1000000.zwt";
		std::string zone = BenchDir() + "/deleg-100000.zone";
		struct zw_perf_table *t =
			big ? zw_perf_table_open(path.c_str(), nullptr, err)
			    : zw_perf_table_open(nullptr, zone.c_str(), err);
		std::string msg = err;
		if (!t && big)
			msg += " (build it with perf/compare_lookup.sh)";
		it = cache.emplace(big, std::make_pair(t, msg)).first;
	}
	*why = it->second.second;
	return it->second.first;
}

struct zw_perf_lookup *Queries(bool big, int dnssec, unsigned nx,
			       std::string *why)
{
	static std::map<std::tuple<bool, int, unsigned>,
			struct zw_perf_lookup *> cache;
	auto key = std::make_tuple(big, dnssec, nx);
	auto it = cache.find(key);
	if (it != cache.end())
		return it->second;
	struct zw_perf_table *t = Table(big, why);
	if (!t)
		return nullptr;
	char err[256] = "";
	struct zw_perf_lookup *p =
		zw_perf_lookup_new(t, kQueries, nx, dnssec, err);
	if (!p)
		*why = err;
	cache[key] = p;
	return p;
}

// The NODATA set (kNodata) or the names below a cut (kBelow).
constexpr unsigned kNodata = ~0u, kBelow = ~1u;

struct zw_perf_lookup *SetQueries(int dnssec, unsigned set, std::string *why)
{
	static std::map<std::pair<int, unsigned>, struct zw_perf_lookup *>
		cache;
	auto key = std::make_pair(dnssec, set);
	auto it = cache.find(key);
	if (it != cache.end())
		return it->second;
	struct zw_perf_table *t = Table(true, why);
	if (!t)
		return nullptr;
	char err[256] = "";
	struct zw_perf_lookup *p =
		set == kNodata
			? zw_perf_lookup_nodata(t, kQueries, dnssec, err)
			: zw_perf_lookup_below(t, kQueries, dnssec, err);
	if (!p)
		*why = err;
	cache[key] = p;
	return p;
}

// Lookup/file/...: $ZW_BENCH_QTABLE answering the queries listed in
// $ZW_BENCH_QFILE ("name TYPE" lines, e.g. compare_zwd.sh's
// build/bench/zwd/q0-0.txt with its zone.zwt: zwd's benchmark mix, with
// its NS, DS and glue-name queries), skipped when they are not set.
struct zw_perf_lookup *FileQueries(int dnssec, struct zw_perf_table **tp,
				   std::string *why)
{
	static struct zw_perf_table *t;
	static std::map<int, struct zw_perf_lookup *> cache;
	const char *tab = std::getenv("ZW_BENCH_QTABLE");
	const char *qf = std::getenv("ZW_BENCH_QFILE");
	char err[256] = "";
	if (!tab || !qf) {
		*why = "set ZW_BENCH_QTABLE and ZW_BENCH_QFILE";
		return nullptr;
	}
	if (!t && !(t = zw_perf_table_open(tab, nullptr, err))) {
		*why = err;
		return nullptr;
	}
	*tp = t;
	auto it = cache.find(dnssec);
	if (it != cache.end())
		return it->second;
	struct zw_perf_lookup *p = zw_perf_lookup_file(t, qf, dnssec, err);
	if (!p)
		*why = err;
	cache[dnssec] = p;
	return p;
}

void BM_LookupFile(benchmark::State &state, int dnssec, unsigned burst)
{
	std::string why;
	struct zw_perf_table *t = nullptr;
	struct zw_perf_lookup *p = FileQueries(dnssec, &t, &why);
	if (!p) {
		state.SkipWithError(why.c_str());
		return;
	}
	const unsigned per = 4096;
	uint64_t bytes = 0;
	for (auto _ : state)
		bytes += zw_perf_lookup_run(p, per, burst);
	double n = double(state.iterations()) * per;
	state.SetItemsProcessed(int64_t(n));
	state.counters["ns/query"] = benchmark::Counter(
		n, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
	state.counters["bytes/resp"] = double(bytes) / n;
}

void BM_Lookup(benchmark::State &state, bool big, int dnssec, unsigned nx,
	       unsigned burst)
{
	std::string why;
	struct zw_perf_lookup *p = nx == kNodata || nx == kBelow
					   ? SetQueries(dnssec, nx, &why)
					   : Queries(big, dnssec, nx, &why);
	if (!p) {
		state.SkipWithError(("no table: " + why).c_str());
		return;
	}
	const unsigned per = 4096;
	uint64_t bytes = 0;
	for (auto _ : state)
		bytes += zw_perf_lookup_run(p, per, burst);
	benchmark::DoNotOptimize(bytes);
	double n = double(state.iterations()) * per;
	state.SetItemsProcessed(int64_t(n));
	// seconds per query (printed with an SI prefix: "250n" is 250 ns)
	state.counters["ns/query"] = benchmark::Counter(
		n, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
	state.counters["bytes/resp"] = double(bytes) / n;
	struct zw_perf_table *t = Table(big, &why);
	state.counters["table_MB"] = double(zw_perf_table_bytes(t)) / 1e6;
	state.counters["names"] = double(zw_perf_table_names(t));
}

void Add(bool big, int dnssec, unsigned nx, const char *mix, unsigned burst)
{
	std::string name = std::string("Lookup/") + (big ? "1M/" : "100k/") +
			   (dnssec ? "DO1" : "DO0") + mix +
			   (burst == 1 ? "/single"
				       : "/burst" + std::to_string(burst));
	benchmark::RegisterBenchmark(name.c_str(), BM_Lookup, big, dnssec, nx,
				     burst)
		->MinTime(1.0)
		->Unit(benchmark::kNanosecond);
}

int Register()
{
	for (int dnssec : {0, 1})
		for (unsigned burst : {1u, 32u})
			Add(true, dnssec, 10, "", burst);
	for (int dnssec : {0, 1}) {
		Add(true, dnssec, 0, "/exist", 32);
		Add(true, dnssec, 100, "/nx", 32);
	}
	for (int dnssec : {0, 1})
		Add(true, dnssec, kNodata, "/nodata", 32);
	for (int dnssec : {0, 1})
		Add(true, dnssec, kBelow, "/below", 32);
	for (unsigned burst : {1u, 32u})
		Add(false, 0, 10, "", burst);
	if (std::getenv("ZW_BENCH_QFILE"))
		for (int dnssec : {0, 1})
			benchmark::RegisterBenchmark(
				dnssec ? "Lookup/file/DO1/burst32"
				       : "Lookup/file/DO0/burst32",
				BM_LookupFile, dnssec, 32u)
				->MinTime(1.0)
				->Unit(benchmark::kNanosecond);
	return 0;
}

const int registered = Register();

} // namespace
