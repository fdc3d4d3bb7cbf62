// Batched ECDSA P-256 verification (crypto/batchverify) against OpenSSL EVP
// one at a time, per core. items_per_second is verifies/s.
//   BvOpenSSL/K          OpenSSL EVP_PKEY_verify, K keys (key context and
//                        DER signature prepared: OpenSSL's best case)
//   BvBatch/N/K          zw_bv_verify, batches of N, K keys, warm cache with
//                        per-key tables
//   BvBatchNoTable/N/K   same with per-key tables disabled (Straus path)
//   BvNewKey             one signature by a key never seen before
//   BvOpenSSLNewKey      the same with OpenSSL (key imported, then verify)
//   BvPrecompute         building one key's fixed-base table
//   Ed25519OpenSSL / Ed25519Batch/N   Ed25519 (through OpenSSL either way)
#include <benchmark/benchmark.h>

#include <map>
#include <utility>

#include "perf/shim_batchverify.h"

namespace {

const unsigned kPool = 1024;

zw_bvb *pool(unsigned keys, unsigned ntables)
{
	static std::map<std::pair<unsigned, unsigned>, zw_bvb *> pools;
	auto key = std::make_pair(keys, ntables);
	auto it = pools.find(key);
	if (it != pools.end())
		return it->second;
	zw_bvb *b = zw_bvb_new(keys, kPool, ntables);
	pools[key] = b;
	return b;
}

void BvOpenSSL(benchmark::State &st)
{
	zw_bvb *b = pool(static_cast<unsigned>(st.range(0)), 16);
	if (b == nullptr) {
		st.SkipWithError("pool");
		return;
	}
	unsigned i = 0, valid = 0;
	for (auto _ : st)
		valid += zw_bvb_openssl(b, i++);
	if (valid != i)
		st.SkipWithError("invalid signature");
	st.SetItemsProcessed(st.iterations());
}

void run_batches(benchmark::State &st, unsigned ntables)
{
	unsigned n = static_cast<unsigned>(st.range(0));
	zw_bvb *b = pool(static_cast<unsigned>(st.range(1)), ntables);
	if (b == nullptr) {
		st.SkipWithError("pool");
		return;
	}
	unsigned i = 0, valid = 0;
	for (auto _ : st) {
		valid += zw_bvb_batch(b, i, n);
		i += n;
	}
	if (valid != n * st.iterations())
		st.SkipWithError("invalid signature");
	st.SetItemsProcessed(st.iterations() * n);
	st.SetLabel(zw_bvb_engine());
}

void BvBatch(benchmark::State &st)
{
	run_batches(st, 16);
}

void BvBatchNoTable(benchmark::State &st)
{
	run_batches(st, 0);
}

void BvNewKey(benchmark::State &st)
{
	zw_bvb *b = pool(1, 16);
	unsigned i = 0, valid = 0;
	for (auto _ : st)
		valid += zw_bvb_new_key_verify(b, i++);
	if (valid != i)
		st.SkipWithError("invalid signature");
	st.SetItemsProcessed(st.iterations());
}

void BvOpenSSLNewKey(benchmark::State &st)
{
	zw_bvb *b = pool(1, 16);
	unsigned i = 0, valid = 0;
	for (auto _ : st)
		valid += zw_bvb_openssl_new_key(b, i++);
	if (valid != i)
		st.SkipWithError("invalid signature");
	st.SetItemsProcessed(st.iterations());
}

void BvPrecompute(benchmark::State &st)
{
	zw_bvb *b = pool(16, 16);
	unsigned k = 0;
	for (auto _ : st)
		zw_bvb_precompute(b, k++);
	st.SetItemsProcessed(st.iterations());
}

void Ed25519OpenSSL(benchmark::State &st)
{
	zw_bvb *b = pool(1, 16);
	unsigned i = 0, valid = 0;
	for (auto _ : st)
		valid += zw_bvb_ed25519_openssl(b, i++);
	if (valid != i)
		st.SkipWithError("invalid signature");
	st.SetItemsProcessed(st.iterations());
}

void Ed25519Batch(benchmark::State &st)
{
	unsigned n = static_cast<unsigned>(st.range(0));
	zw_bvb *b = pool(1, 16);
	unsigned i = 0, valid = 0;
	for (auto _ : st) {
		valid += zw_bvb_ed25519_batch(b, i, n);
		i += n;
	}
	if (valid != n * st.iterations())
		st.SkipWithError("invalid signature");
	st.SetItemsProcessed(st.iterations() * n);
}

void sizes_keys(benchmark::internal::Benchmark *b)
{
	for (int keys : { 1, 16 })
		for (int n : { 1, 8, 16, 64 })
			b->Args({ n, keys });
}

}  // namespace

BENCHMARK(BvOpenSSL)->Arg(1)->Arg(16);
BENCHMARK(BvBatch)->Apply(sizes_keys);
BENCHMARK(BvBatchNoTable)->Apply(sizes_keys);
BENCHMARK(BvNewKey);
BENCHMARK(BvOpenSSLNewKey);
BENCHMARK(BvPrecompute);
BENCHMARK(Ed25519OpenSSL);
BENCHMARK(Ed25519Batch)->Arg(16);
