# zw-bench (C++ Google Benchmark main + registrations, perf/*.cc) and
# `make bench`. Included by the top-level Makefile after the module rules,
# so perf_LIB and link_libs are known here.

BENCH_DIR      := build/bench
BENCH_CXX_OBJS := $(patsubst %.cc,$(BUILD)/obj/%.o,$(wildcard perf/*.cc))

$(BENCH_CXX_OBJS): $(BUILD)/obj/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(DEPFLAGS) -c $< -o $@

$(BIN)/zw-bench: $(BENCH_CXX_OBJS) $(call link_libs,perf)
	@mkdir -p $(@D)
	$(CXX) $(BENCH_CXX_OBJS) -o $@ $(LDFLAGS) $(call link_libs,perf) $(call link_ldlibs,perf)

# Zones for the in-process benchmarks (the compare scripts cache their own,
# bigger ones in the same folder).
$(BENCH_DIR)/deleg-%.zone: scripts/genzone
	@mkdir -p $(@D)
	scripts/genzone --delegations $* --seed 1 --origin example. -o $@ \
		--stats 2>$@.count

# `make bench`: deps, build, zw-bench, then every side-by-side script.
# BENCH_ARGS go to zw-bench (e.g. BENCH_ARGS=--benchmark_filter=zone).
bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_DIR)/deleg-100000.zone
	ZW_BENCH_DIR=$(BENCH_DIR) $(BIN)/zw-bench $(BENCH_ARGS)
	@set -e; for s in perf/compare_*.sh; do \
		[ -e "$$s" ] || continue; \
		echo "== $$s"; BUILD=$(BUILD) bash "$$s"; \
	done
