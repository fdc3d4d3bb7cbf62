// The signer (zonecompile/sign.h):
//   Sign/p256/<path>   one P-256 signature over 100 octets:
//                      keysign = zw_key_sign (EVP_PKEY_sign), inline = the
//                      signer's engine making its nonce, pooled = the
//                      engine with a nonce made beforehand (as while the
//                      zone parses); CPU time per signature
//   Sign/fmt_rrsig     one RRSIG rdata printed as text
//   Sign/zone/<mode>/threads:N   the whole signer over the delegation zone
//                      (load, chain, signatures, text; output discarded),
//                      real time, signatures/s
// The zone is $ZW_BENCH_ZONE, else $ZW_BENCH_DIR/deleg-100000.zone (make
// bench generates it). perf/compare_sign.sh compares zw-signzone with
// dnssec-signzone, kzonesign and ldns-signzone on the 1M zone.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "perf/shim_sign.h"

namespace {

std::string ZonePath()
{
	if (const char *z = std::getenv("ZW_BENCH_ZONE"))
		return z;
	const char *d = std::getenv("ZW_BENCH_DIR");
	return std::string(d ? d : "build/bench") + "/deleg-100000.zone";
}

zw_perf_sign *Ctx()
{
	static zw_perf_sign *p = zw_perf_sign_new();
	return p;
}

void BM_sign_p256(benchmark::State &state)
{
	int path = int(state.range(0));
	zw_perf_sign *p = Ctx();
	if (!p) {
		state.SkipWithError("no key");
		return;
	}
	for (auto _ : state) {
		if (path == 2) {
			state.PauseTiming();
			zw_perf_sign_fill(p, 1);
			state.ResumeTiming();
		}
		if (zw_perf_sign_one(p, path) != 64) {
			state.SkipWithError("signing failed");
			return;
		}
	}
	state.counters["signs/s"] = benchmark::Counter(
		double(state.iterations()), benchmark::Counter::kIsRate);
	static const char *const names[] = { "zw_key_sign (EVP)",
					     "engine, nonce inline",
					     "engine, nonce pooled" };
	state.SetLabel(names[path]);
}

void BM_sign_fmt_rrsig(benchmark::State &state)
{
	zw_perf_sign *p = Ctx();
	if (!p) {
		state.SkipWithError("no key");
		return;
	}
	for (auto _ : state)
		benchmark::DoNotOptimize(zw_perf_sign_fmt(p));
}

void BM_sign_zone(benchmark::State &state)
{
	zw_perf_sign *p = Ctx();
	int nsec3 = int(state.range(0));
	unsigned threads = unsigned(state.range(1));
	long sigs = 0;
	size_t bytes = 0;
	if (!threads)
		threads = std::thread::hardware_concurrency();
	for (auto _ : state) {
		sigs = zw_perf_sign_zone(p, ZonePath().c_str(), "example.",
					 nsec3, threads, &bytes);
		if (sigs < 0) {
			state.SkipWithError(("cannot sign " + ZonePath() +
					     " (make bench generates it)")
						    .c_str());
			return;
		}
	}
	state.counters["signatures/s"] = benchmark::Counter(
		double(state.iterations()) * double(sigs),
		benchmark::Counter::kIsRate);
	state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(bytes));
	state.SetLabel(std::to_string(sigs) + " signatures, " +
		       std::to_string(threads) + " threads");
}

} // namespace

BENCHMARK(BM_sign_p256)->Name("Sign/p256")->Arg(0)->Arg(1)->Arg(2);
BENCHMARK(BM_sign_fmt_rrsig)->Name("Sign/fmt_rrsig");
BENCHMARK(BM_sign_zone)
	->Name("Sign/zone")
	->ArgNames({ "nsec3", "threads" })
	->Args({ 0, 1 })
	->Args({ 0, 0 })
	->Args({ 1, 0 })
	->Unit(benchmark::kMillisecond)
	->UseRealTime()
	->Iterations(1);
