# zonewire top-level Makefile. Each module folder has a module.mk fragment
# that names its dependencies and libraries; everything else is derived:
#   <mod>/*.c          -> build/lib/libzw_<mod>.a
#   <mod>/cmd/<p>.c    -> build/bin/<p>
#   tests/<mod>/test_*.c -> build/tests/<mod>/test_* (cmocka)
# `make SANITIZE=1 ...` builds with ASan+UBSan under build/san/.

.DEFAULT_GOAL := all
.SUFFIXES:
SHELL := /bin/bash

CC  ?= cc
CXX ?= c++
ifeq ($(origin CC),default)
CC := gcc
endif
ifeq ($(origin CXX),default)
CXX := g++
endif

BUILD := build
ifeq ($(SANITIZE),1)
BUILD := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
BIN := $(BUILD)/bin

OPT      ?= -O2
CPPFLAGS := -I. -D_GNU_SOURCE
CFLAGS   := -std=c11 $(OPT) -g -Wall -Wextra -Werror -pthread $(SANFLAGS) $(EXTRA_CFLAGS)
CXXFLAGS := -std=c++17 $(OPT) -g -Wall -Wextra -Werror -pthread $(SANFLAGS)
LDFLAGS  := -pthread $(SANFLAGS)
DEPFLAGS  = -MMD -MP

MODULES := dns crypto hsm zonecompile dataplane control perf cli

# Fragments set, per module m: m_DEPS (modules it links against, in link
# order), m_LDLIBS (system libraries), optionally m_CFLAGS.
include $(wildcard $(addsuffix /module.mk,$(MODULES)))
MODULES := $(foreach m,$(MODULES),$(if $(wildcard $(m)/module.mk),$(m)))

define MODULE_RULES
$(1)_SRCS  := $$(wildcard $(1)/*.c)
$(1)_OBJS  := $$(patsubst %.c,$(BUILD)/obj/%.o,$$($(1)_SRCS))
$(1)_LIB   := $$(if $$($(1)_SRCS),$(BUILD)/lib/libzw_$(1).a)
$(1)_PROGS := $$(patsubst $(1)/cmd/%.c,$(BIN)/%,$$(wildcard $(1)/cmd/*.c))
$(1)_TESTS := $$(patsubst tests/$(1)/%.c,$(BUILD)/tests/$(1)/%,$$(wildcard tests/$(1)/test_*.c))
endef
$(foreach m,$(MODULES),$(eval $(call MODULE_RULES,$(m))))

# Link line for module m: its own library, then its dependencies'.
link_libs   = $($(1)_LIB) $(foreach d,$($(1)_DEPS),$($(d)_LIB))
link_ldlibs = $($(1)_LDLIBS) $(foreach d,$($(1)_DEPS),$($(d)_LDLIBS))

define MODULE_LINK
$(BUILD)/lib/libzw_$(1).a: $$($(1)_OBJS)
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^

$$($(1)_OBJS): $(BUILD)/obj/%.o: %.c
	@mkdir -p $$(@D)
	$$(CC) $$(CPPFLAGS) $$(CFLAGS) $$($(1)_CFLAGS) $$(DEPFLAGS) -c $$< -o $$@

$(BIN)/%: $(1)/cmd/%.c $$(call link_libs,$(1))
	@mkdir -p $$(@D) $(BUILD)/obj/$(1)/cmd
	$$(CC) $$(CPPFLAGS) $$(CFLAGS) $$($(1)_CFLAGS) $$(DEPFLAGS) -MF $(BUILD)/obj/$(1)/cmd/$$*.d $$< -o $$@ $$(LDFLAGS) $$(call link_libs,$(1)) $$(call link_ldlibs,$(1))

$(BUILD)/tests/$(1)/%: tests/$(1)/%.c $$(call link_libs,$(1)) $(BUILD)/lib/libzw_testutil.a
	@mkdir -p $$(@D) $(BUILD)/obj/tests/$(1)
	$$(CC) $$(CPPFLAGS) $$(CFLAGS) $$($(1)_CFLAGS) $$(DEPFLAGS) -MF $(BUILD)/obj/tests/$(1)/$$*.d $$< -o $$@ $$(LDFLAGS) $(BUILD)/lib/libzw_testutil.a $$(call link_libs,$(1)) $$(call link_ldlibs,$(1)) -lcmocka
endef
$(foreach m,$(MODULES),$(eval $(call MODULE_LINK,$(m))))

# Small shared helpers for tests (paths to vectors, temp dirs, file reads).
TESTUTIL_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/util/*.c))
$(BUILD)/lib/libzw_testutil.a: $(TESTUTIL_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^
$(TESTUTIL_OBJS): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

LIBS  := $(foreach m,$(MODULES),$($(m)_LIB))
PROGS := $(foreach m,$(MODULES),$($(m)_PROGS))
TESTS := $(foreach m,$(MODULES),$($(m)_TESTS))

.PHONY: all libs progs tests deps test unit integration demo bench fuzz clean
all: libs progs tests $(EXTRA_ALL)
libs: $(LIBS)
progs: $(PROGS)
tests: $(TESTS)

deps:
	@scripts/deps.sh

# `make test`: every unit test and every integration test (real peers).
NPROC := $(shell nproc 2>/dev/null || echo 2)

test: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@BUILD=$(BUILD) tests/run.sh

unit: all
	@BUILD=$(BUILD) tests/run.sh --unit

integration: all
	@BUILD=$(BUILD) tests/run.sh --integration

demo: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@BUILD=$(BUILD) scripts/demo.sh

include tests/fuzz/fuzz.mk
include perf/bench.mk

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
