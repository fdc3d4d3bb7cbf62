# libFuzzer targets: tests/fuzz/fuzz_<name>.c, each built with clang and
# -fsanitize=fuzzer,address,undefined against the dns/ sources compiled the
# same way; a target #includes the crypto/, hsm/, zonecompile/ or dataplane/
# .c files it exercises. Seed corpora: tests/fuzz/corpus/<name>/.
# `make fuzz` runs each target for FUZZ_TIME seconds (default 60).

FUZZ_CC     ?= clang
FUZZ_BUILD  := build/fuzz
FUZZ_COMMON := -std=c11 -g -O1 -I. -D_GNU_SOURCE -fno-sanitize-recover=undefined
FUZZ_FLAGS  := $(FUZZ_COMMON) -fsanitize=fuzzer,address,undefined
FUZZ_LFLAGS := $(FUZZ_COMMON) -fsanitize=fuzzer-no-link,address,undefined
FUZZ_TIME   ?= 60
FUZZ_LIBSRC := $(wildcard dns/*.c)
FUZZERS     := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(wildcard tests/fuzz/fuzz_*.c))
# The library is compiled once and archived, so each target only compiles
# its own file (and the .c files it #includes).
FUZZ_LIBOBJ := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(FUZZ_LIBSRC))
FUZZ_LIB    := $(FUZZ_BUILD)/libfuzz_dns.a

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZERS)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_LFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIBOBJ)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/%: tests/fuzz/%.c $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -MMD -MP -MF $(FUZZ_BUILD)/obj/$*.d $< $(FUZZ_LIB) -o $@

-include $(wildcard $(FUZZ_BUILD)/obj/*.d $(FUZZ_BUILD)/obj/*/*.d)

fuzz: deps fuzz-build
	@set -e; for f in $(FUZZERS); do \
		n=$$(basename $$f); c=tests/fuzz/corpus/$${n#fuzz_}; \
		mkdir -p $(FUZZ_BUILD)/corpus-$$n; \
		echo "== $$n ($(FUZZ_TIME)s)"; \
		$$f -max_total_time=$(FUZZ_TIME) -timeout=5 $(FUZZ_BUILD)/corpus-$$n $$c; \
	done
