# The differential tester, included by the top Makefile (which defines BUILD, HOST_CC, GUEST_CC).
# dtgen (generator and comparator) is built for the build machine; the harness objects are i386 and
# get linked with each generated batch by tests/difftest/run.sh, which does the rest.
#
#   make difftest SEED=n COUNT=m [DIFFTEST_OPTS="--extra --faults"]   m sequences from seed n
#   make difftest-check                                               the fixed budget for make check

# run.sh also uses this file on its own (make -f) to build the tools, hence the defaults.
BUILD ?= build
HOST_CC ?= gcc
GUEST_CC ?= i686-linux-gnu-gcc
DIFFTEST_BUILD := $(BUILD)/tests/difftest
DIFFTEST_GEN_SRCS := $(addprefix tests/difftest/,dtgen.c gen.c insns_arith.c insns_misc.c insns_x87.c insns_simd.c compare.c compare_fp.c)
DIFFTEST_TOOLS := $(DIFFTEST_BUILD)/dtgen $(DIFFTEST_BUILD)/harness.o $(DIFFTEST_BUILD)/entry.o
SEED ?= 1
COUNT ?= 2000
DIFFTEST_OPTS ?=

$(DIFFTEST_BUILD)/dtgen: $(DIFFTEST_GEN_SRCS) tests/difftest/dtgen.h tests/difftest/insns.h tests/difftest/dtstate.h tests/difftest/dtfpstate.h tests/difftest/compare_fp.h
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g -I. -o $@ $(DIFFTEST_GEN_SRCS)

$(DIFFTEST_BUILD)/harness.o: tests/difftest/harness.c tests/difftest/dtstate.h tests/difftest/dtfpstate.h tests/difftest/compare_fp.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) -static -O0 -g -Wall -Wextra -Werror -I. -c -o $@ $<

$(DIFFTEST_BUILD)/entry.o: tests/difftest/entry.S
	@mkdir -p $(dir $@)
	$(GUEST_CC) -c -o $@ $<

difftest-tools: $(DIFFTEST_TOOLS)

difftest: all difftest-tools
	bash tests/difftest/run.sh $(DIFFTEST_OPTS) $(SEED) $(COUNT)

difftest-check: all difftest-tools
	@bash tests/difftest/run.sh --check 1 2000

.PHONY: difftest-tools difftest difftest-check
