# Bare-metal system tests, included by the top Makefile (which defines GUEST_CC and BUILD).
# Every tests/system/NAME.c (or NAME.S) is linked with the small kernel library in
# tests/system/lib into a multiboot ELF, build/tests/system/NAME.elf, loaded at 1 MiB.
# tests/system/run.sh boots each under xqm-system and checks its PASS/FAIL verdict.

SYSTEM_TEST_SRCS := $(sort $(wildcard tests/system/*.c tests/system/*.S))
SYSTEM_TESTS := $(patsubst tests/system/%,$(BUILD)/tests/system/%.elf,$(basename $(SYSTEM_TEST_SRCS)))
SYSTEM_TEST_LIB := tests/system/lib/crt0.S tests/system/lib/traps.S tests/system/lib/lib.c
SYSTEM_TEST_CFLAGS := -m32 -march=i686 -ffreestanding -fno-pic -fno-pie -no-pie -fno-stack-protector \
    -fno-asynchronous-unwind-tables -nostdlib -static -O2 -g -Wall -Wextra -Werror \
    -Wl,-T,tests/system/lib/link.ld -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

$(BUILD)/tests/system/%.elf: tests/system/%.c $(SYSTEM_TEST_LIB) tests/system/lib/test.h tests/system/lib/link.ld \
                             tests/system/system.mk
	@mkdir -p $(dir $@)
	@echo "  GUEST_CC $@"
	@$(GUEST_CC) $(SYSTEM_TEST_CFLAGS) -o $@ $< $(SYSTEM_TEST_LIB) -lgcc

$(BUILD)/tests/system/%.elf: tests/system/%.S $(SYSTEM_TEST_LIB) tests/system/lib/test.h tests/system/lib/link.ld \
                             tests/system/system.mk
	@mkdir -p $(dir $@)
	@echo "  GUEST_CC $@"
	@$(GUEST_CC) $(SYSTEM_TEST_CFLAGS) -o $@ $< $(SYSTEM_TEST_LIB) -lgcc

tests-system: $(SYSTEM_TESTS)

check-system: $(BUILD)/xqm-system tests-system
	bash tests/system/run.sh

.PHONY: tests-system check-system

# The Debian guest (kernel + busybox initramfs) from Debian packages, fetched once; rebuilt when
# the script changes. A failed fetch does not stop `make check`: system/linux then fails instead.
$(BUILD)/guest/initrd.gz: tools/build-system-guest.sh
	@GUEST_DIR=$(BUILD)/guest bash tools/build-system-guest.sh || \
	    echo "guest: tools/build-system-guest.sh failed; system/linux will fail" >&2

guest: $(BUILD)/guest/initrd.gz

# The Debian kernel boot (tests/run-all.sh runs it as system/linux in `make check`).
check-linux: $(BUILD)/xqm-system guest
	bash tests/system/linux_boot.sh

.PHONY: guest check-linux

# The tests/user programs run natively, under xqm-user and inside the guest under xqm-system.
crosscheck: $(BUILD)/xqm-system $(BUILD)/xqm-user tests-user
	bash tests/system/crosscheck.sh

.PHONY: crosscheck
