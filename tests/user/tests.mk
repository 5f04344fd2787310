# Guest test programs, included by the top Makefile (which defines GUEST_CC and BUILD).
# Every tests/user/NAME.c becomes two static i386 executables, build/tests/user/NAME.O0 and NAME.O2
# (fp_* programs two more, below).
# tests/run-all.sh runs each natively and under xqm-user and compares the two runs.
# The fp_* programs exercise the x87 FPU (and, once translated, SSE): see their own comments.

USER_TEST_SRCS := $(sort $(wildcard tests/user/*.c))
USER_TEST_NAMES := $(USER_TEST_SRCS:tests/user/%.c=%)
USER_TESTS := $(foreach n,$(USER_TEST_NAMES),$(BUILD)/tests/user/$(n).O0 $(BUILD)/tests/user/$(n).O2)

# -Werror: a test that warns is a test whose behaviour may be undefined, so it is not a test.
GUEST_CFLAGS := -static -g -Wall -Wextra -Werror
GUEST_DEPFLAGS = -MMD -MP -MF $@.d -MT $@
GUEST_LIBS := -lm

$(BUILD)/tests/user/%.O0: tests/user/%.c tests/user/tests.mk
	@mkdir -p $(dir $@)
	@echo "  GUEST_CC $@"
	@$(GUEST_CC) $(GUEST_CFLAGS) -O0 $(GUEST_DEPFLAGS) -o $@ $< $(GUEST_LIBS)

$(BUILD)/tests/user/%.O2: tests/user/%.c tests/user/tests.mk
	@mkdir -p $(dir $@)
	@echo "  GUEST_CC $@"
	@$(GUEST_CC) $(GUEST_CFLAGS) -O2 $(GUEST_DEPFLAGS) -o $@ $< $(GUEST_LIBS)

# The fp_* programs also run as SSE2 math (NAME.sse2: -O2 -msse2 -mfpmath=sse) and vectorised
# (NAME.O3v: -O3 -msse2 -mfpmath=sse), compiled from the same source.
FP_TESTS := $(foreach n,$(filter fp_%,$(USER_TEST_NAMES)),$(BUILD)/tests/user/$(n).sse2 $(BUILD)/tests/user/$(n).O3v)
USER_TESTS += $(FP_TESTS)

$(BUILD)/tests/user/%.sse2: tests/user/%.c tests/user/tests.mk
	@mkdir -p $(dir $@)
	@echo "  GUEST_CC $@"
	@$(GUEST_CC) $(GUEST_CFLAGS) -O2 -msse2 -mfpmath=sse $(GUEST_DEPFLAGS) -o $@ $< $(GUEST_LIBS)

$(BUILD)/tests/user/%.O3v: tests/user/%.c tests/user/tests.mk
	@mkdir -p $(dir $@)
	@echo "  GUEST_CC $@"
	@$(GUEST_CC) $(GUEST_CFLAGS) -O3 -msse2 -mfpmath=sse $(GUEST_DEPFLAGS) -o $@ $< $(GUEST_LIBS)

tests-user: $(USER_TESTS)

.PHONY: tests-user
