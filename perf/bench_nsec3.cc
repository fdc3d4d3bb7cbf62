// NSEC3 hashes/s (RFC 5155 §5) per implementation, iterations 0 and 10,
// over a batch of 1024 zone-like names with a 4-octet salt:
//   openssl      our one-at-a-time path (OpenSSL SHA-1 block function)
//   ipsec-mb     Intel IPsec-MB SHA-1 jobs, many names in flight
//   sha-ni       our 4-lane interleaved SHA-NI batch
//   auto         whichever of those start-up selection picked
//   openssl-evp  the usual EVP way, one reused context (reference)
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>

#include "perf/shim_nsec3.h"

namespace {

constexpr size_t kNames = 1024;

void BM_NSEC3(benchmark::State &state, int impl, unsigned iterations)
{
	struct zw_perf_nsec3 *b = zw_perf_nsec3_new(impl, kNames);

	if (!b) {
		state.SkipWithError("implementation not available here");
		return;
	}
	for (auto _ : state) {
		if (zw_perf_nsec3_run(b, iterations) != 0) {
			state.SkipWithError("hashing failed");
			break;
		}
		benchmark::DoNotOptimize(zw_perf_nsec3_out(b, 0)[0]);
	}
	state.SetItemsProcessed(int64_t(state.iterations()) * kNames);
	state.counters["hashes/s"] = benchmark::Counter(
		double(state.iterations()) * kNames,
		benchmark::Counter::kIsRate);
	if (impl == ZW_PERF_NSEC3_AUTO)
		state.SetLabel(std::string("selected ") +
			       zw_perf_nsec3_selected());
	zw_perf_nsec3_free(b);
}

int Register()
{
	const int impls[] = { ZW_PERF_NSEC3_OPENSSL, ZW_PERF_NSEC3_IPSECMB,
			      ZW_PERF_NSEC3_SHANI, ZW_PERF_NSEC3_AUTO,
			      ZW_PERF_NSEC3_EVP };

	for (unsigned iters : { 0u, 10u })
		for (int impl : impls) {
			std::string name = std::string("NSEC3/") +
				zw_perf_nsec3_name(impl) + "/iter:" +
				std::to_string(iters);

			benchmark::RegisterBenchmark(name.c_str(), BM_NSEC3,
						     impl, iters)
				->MinTime(0.3);
		}
	return 0;
}

const int registered = Register();

} // namespace
