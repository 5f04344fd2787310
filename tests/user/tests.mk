# Guest test programs, included by the top Makefile (which defines GUEST_CC and BUILD).
# Every tests/user/NAME.c becomes two static i386 executables, build/tests/user/NAME.O0 and NAME.O2.
# tests/run-all.sh runs each natively and under xqm-user and compares the two runs.
# No floating point in these programs until xqm translates the FPU.

USER_TEST_SRCS := $(sort $(wildcard tests/user/*.c))
USER_TEST_NAMES := $(USER_TEST_SRCS:tests/user/%.c=%)
USER_TESTS := $(foreach n,$(USER_TEST_NAMES),$(BUILD)/tests/user/$(n).O0 $(BUILD)/tests/user/$(n).O2)

# -Werror: a test that warns is a test whose behaviour may be undefined, so it is not a test.
GUEST_CFLAGS := -static -g -Wall -Wextra -Werror
GUEST_DEPFLAGS = -MMD -MP -MF $@.d -MT $@

$(BUILD)/tests/user/%.O0: tests/user/%.c tests/user/tests.mk
	@mkdir -p $(dir $@)
	@echo "  GUEST_CC $@"
	@$(GUEST_CC) $(GUEST_CFLAGS) -O0 $(GUEST_DEPFLAGS) -o $@ $<

$(BUILD)/tests/user/%.O2: tests/user/%.c tests/user/tests.mk
	@mkdir -p $(dir $@)
	@echo "  GUEST_CC $@"
	@$(GUEST_CC) $(GUEST_CFLAGS) -O2 $(GUEST_DEPFLAGS) -o $@ $<

tests-user: $(USER_TESTS)

.PHONY: tests-user
