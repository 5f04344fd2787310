# The benchmark harness, included by the top Makefile (which defines BUILD, HOST_CC, GUEST_CC).
# `make bench` counts the MIPS instructions xqm-user and QEMU's own qemu-i386 (mips64el build)
# execute for each workload, both under the dynamic qemu-mips64el with our plugin, and prints a
# table; build/bench/results.json keeps the figures. Not part of `make check`: it takes minutes.
#
#   make bench                          everything (counts twice, timings median of 3)
#   make bench BENCH_QUICK=1            counts only, no timing runs
#   make bench BENCH_ONLY="crc32 sort"  only the named workloads
#   make bench BENCH_SCALE=0.25         scale every workload's size
#
# tools/bench/README.md describes the figures.

BENCH_DIR := $(BUILD)/bench
BENCH_WL_DIR := $(BENCH_DIR)/workloads
BENCH_WL_SRCS := $(filter-out tools/bench/workloads/fp.c,$(wildcard tools/bench/workloads/*.c))
BENCH_WORKLOADS := $(BENCH_WL_SRCS:tools/bench/workloads/%.c=$(BENCH_WL_DIR)/%) \
                   $(BENCH_WL_DIR)/fp-x87 $(BENCH_WL_DIR)/fp-sse2
BENCH_GUEST_CFLAGS := -static -O2 -g -Wall -Wextra -Werror
BENCH_TOOLS := $(BENCH_DIR)/insn_count.so $(BENCH_DIR)/cpuid_probe $(BENCH_WORKLOADS)

# The plugin runs inside the build machine's qemu-user, so it is built with the native compiler.
$(BENCH_DIR)/insn_count.so: tools/bench/insn_count.c tools/bench/qemu-plugin-api.h
	@mkdir -p $(dir $@)
	@echo "  HOST_CC $@"
	@$(HOST_CC) -std=gnu11 -O2 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden -o $@ $<

$(BENCH_DIR)/cpuid_probe: tools/bench/cpuid_probe.c
	@mkdir -p $(dir $@)
	@echo "  GUEST_CC $@"
	@$(GUEST_CC) $(BENCH_GUEST_CFLAGS) -o $@ $<

$(BENCH_WL_DIR)/%: tools/bench/workloads/%.c tools/bench/workloads/common.h
	@mkdir -p $(dir $@)
	@echo "  GUEST_CC $@"
	@$(GUEST_CC) $(BENCH_GUEST_CFLAGS) -o $@ $<

$(BENCH_WL_DIR)/fp-x87: tools/bench/workloads/fp.c tools/bench/workloads/common.h
	@mkdir -p $(dir $@)
	@echo "  GUEST_CC $@"
	@$(GUEST_CC) $(BENCH_GUEST_CFLAGS) -mfpmath=387 -o $@ $< -lm

$(BENCH_WL_DIR)/fp-sse2: tools/bench/workloads/fp.c tools/bench/workloads/common.h
	@mkdir -p $(dir $@)
	@echo "  GUEST_CC $@"
	@$(GUEST_CC) $(BENCH_GUEST_CFLAGS) -msse2 -mfpmath=sse -o $@ $< -lm

# qemu-i386-static for mips64el and busybox-static for i386, from Debian's archive (the script
# does nothing when both are already unpacked).
bench-fetch:
	@BENCH_DIR=$(BENCH_DIR) bash tools/bench/fetch-deps.sh

bench-tools: $(BENCH_TOOLS) bench-fetch

bench: all bench-tools
	python3 tools/bench/bench.py --build $(BUILD)

.PHONY: bench bench-tools bench-fetch
