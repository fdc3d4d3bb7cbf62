// zw-bench: the one Google Benchmark binary. Benchmarks register themselves
// in perf/bench_<topic>.cc and call C shims (perf/shim_<topic>.c), so the C
// code is measured through its C API. This file holds only main.
#include <benchmark/benchmark.h>

int main(int argc, char **argv)
{
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
