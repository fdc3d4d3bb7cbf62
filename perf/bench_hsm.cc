// DNSSEC signatures/s through zw_key_sign with the key in a SoftHSMv2
// token (libp11's pkcs11 engine) next to the same algorithm's file key,
// in one run:
//   HSM/sign/<ALG>/token     key in the token
//   HSM/sign/<ALG>/file      ordinary key (as loaded from K-files)
// One thread: signatures per CPU-second (SoftHSM runs in the process, so
// its work is ours; robust to other load on a shared machine). Two
// threads on one key: per wall-second, showing whether the token path
// scales. perf/compare_hsm.sh adds whole-zone signing with both kinds.
#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <utility>

#include "perf/shim_hsm.h"

namespace {

struct zw_perf_hsm *Fixture(uint8_t alg, int token)
{
	static std::map<std::pair<int, int>, struct zw_perf_hsm *> cache;
	auto &b = cache[{ alg, token }];

	if (!b)
		b = zw_perf_hsm_new(alg, token);
	return b;
}

void BM_Sign(benchmark::State &state, uint8_t alg, int token)
{
	static struct zw_perf_hsm *b;

	if (state.thread_index() == 0)
		b = Fixture(alg, token);
	if (!b) {
		state.SkipWithError(token ? "no SoftHSM token" : "no key");
		return;
	}
	for (auto _ : state) {
		if (zw_perf_hsm_sign(b) != 0) {
			state.SkipWithError("signing failed");
			break;
		}
	}
	state.counters["sigs/s"] = benchmark::Counter(
		double(state.iterations()), benchmark::Counter::kIsRate);
}

int Register()
{
	const std::pair<uint8_t, const char *> algs[] = {
		{ 13, "ECDSAP256SHA256" }, { 8, "RSASHA256" } };

	for (const auto &a : algs)
		for (int token : { 1, 0 })
			for (int threads : { 1, 2 }) {
				std::string name = std::string("HSM/sign/") +
					a.second + (token ? "/token" : "/file");
				auto *b = benchmark::RegisterBenchmark(
					name.c_str(), BM_Sign, a.first, token);

				b->Threads(threads)->MinTime(0.5);
				if (threads > 1)
					b->UseRealTime();
			}
	return 0;
}

const int registered = Register();

} // namespace
