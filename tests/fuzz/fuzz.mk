# libFuzzer targets: tests/fuzz/fuzz_<name>.c, each built with clang and
# -fsanitize=fuzzer,address,undefined against the dns/ (and crypto/, once it
# exists) sources compiled the same way. Seed corpora: tests/fuzz/corpus/<name>/.
# `make fuzz` runs each target for FUZZ_TIME seconds (default 60).

FUZZ_CC     ?= clang
FUZZ_BUILD  := build/fuzz
FUZZ_FLAGS  := -std=c11 -g -O1 -I. -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_TIME   ?= 60
FUZZ_LIBSRC := $(wildcard dns/*.c)
FUZZERS     := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZERS)

$(FUZZ_BUILD)/%: tests/fuzz/%.c $(FUZZ_LIBSRC)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) $< $(FUZZ_LIBSRC) -o $@

fuzz: deps fuzz-build
	@set -e; for f in $(FUZZERS); do \
		n=$$(basename $$f); c=tests/fuzz/corpus/$${n#fuzz_}; \
		mkdir -p $(FUZZ_BUILD)/corpus-$$n; \
		echo "== $$n ($(FUZZ_TIME)s)"; \
		$$f -max_total_time=$(FUZZ_TIME) -timeout=5 $(FUZZ_BUILD)/corpus-$$n $$c; \
	done
