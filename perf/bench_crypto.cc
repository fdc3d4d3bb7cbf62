// DNSSEC signatures/s per algorithm on a 20-octet message (as `openssl
// speed` signs), one key per algorithm (RSA 2048 bits):
//   Crypto/<op>/<ALG>/zw    through zw_key_sign / zw_key_verify
//   Crypto/<op>/<ALG>/raw   raw OpenSSL with a context made once, over a
//                           ready digest for RSA/ECDSA, as openssl speed
//   Crypto/ab/<op>/<ALG>    the two alternating in short legs, with ratio
// plus ECDSA P-256 and Ed25519 signing from 2 threads on one shared key (the
// context pool). perf/compare_crypto.sh sets these beside `openssl speed`.
#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <utility>

#include "perf/shim_crypto.h"

namespace {

struct Alg {
	uint8_t num;
	const char *name;
};

const Alg kAlgs[] = {
	{ 8, "RSASHA256" },	  { 10, "RSASHA512" }, { 13, "ECDSAP256SHA256" },
	{ 14, "ECDSAP384SHA384" }, { 15, "ED25519" },	{ 16, "ED448" },
};

// One key per (algorithm, mode) for the whole run: RSA key generation is
// slow, and threads of one benchmark must share the key.
struct zw_perf_sig *Fixture(uint8_t alg, int mode)
{
	static std::map<std::pair<int, int>, struct zw_perf_sig *> cache;
	auto &b = cache[{ alg, mode }];

	if (!b)
		b = zw_perf_sig_new(alg, mode);
	return b;
}

void BM_Sig(benchmark::State &state, uint8_t alg, int mode, bool sign)
{
	static struct zw_perf_sig *b;

	if (state.thread_index() == 0)
		b = Fixture(alg, mode);
	if (!b) {
		state.SkipWithError("no key");
		return;
	}
	for (auto _ : state) {
		if ((sign ? zw_perf_sig_sign(b) : zw_perf_sig_verify(b)) != 0) {
			state.SkipWithError("signature operation failed");
			break;
		}
	}
	state.counters["ops/s"] = benchmark::Counter(
		double(state.iterations()), benchmark::Counter::kIsRate);
}

// Ours against raw OpenSSL, alternating in ~1 ms legs on one thread:
// counters zw ops/s, raw ops/s and their ratio (the target is
// ratio >= 0.95, i.e. our per-signature cost within 5%).
void BM_AB(benchmark::State &state, uint8_t alg, bool sign)
{
	struct zw_perf_sig *a = Fixture(alg, ZW_PERF_SIG_ZW);
	struct zw_perf_sig *b = Fixture(alg, ZW_PERF_SIG_RAW);
	double ta = 0, tb = 0;
	int batch = a && b ? zw_perf_sig_batch(b, sign) : -1;

	if (batch <= 0) {
		state.SkipWithError("no key");
		return;
	}
	for (auto _ : state) {
		if (zw_perf_sig_ab(a, b, sign, batch, &ta, &tb) != 0) {
			state.SkipWithError("signature operation failed");
			break;
		}
	}
	double ops = 2.0 * batch * double(state.iterations());
	state.counters["zw_ops/s"] = ops / ta;
	state.counters["raw_ops/s"] = ops / tb;
	state.counters["zw/raw"] = tb / ta;
}

int Register()
{
	for (const Alg &a : kAlgs)
		for (const char *op : { "sign", "verify" }) {
			std::string name = std::string("Crypto/ab/") + op +
				"/" + a.name;

			benchmark::RegisterBenchmark(name.c_str(), BM_AB,
						     a.num, op[0] == 's')
				->MinTime(1.0);
		}
	for (const Alg &a : kAlgs)
		for (const char *op : { "sign", "verify" })
			for (int mode : { ZW_PERF_SIG_ZW, ZW_PERF_SIG_RAW }) {
				std::string name = std::string("Crypto/") + op +
					"/" + a.name + "/" +
					(mode == ZW_PERF_SIG_ZW ? "zw" : "raw");

				benchmark::RegisterBenchmark(
					name.c_str(), BM_Sig, a.num, mode,
					op[0] == 's')
					->MinTime(0.5);
			}
	for (const Alg &a : { kAlgs[2], kAlgs[4] }) {
		std::string name = std::string("Crypto/sign/") + a.name +
			"/zw-shared-key";

		benchmark::RegisterBenchmark(name.c_str(), BM_Sig, a.num,
					     ZW_PERF_SIG_ZW, true)
			->Threads(2)
			->UseRealTime()
			->MinTime(0.5);
	}
	return 0;
}

const int registered = Register();

} // namespace
