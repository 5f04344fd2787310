# xqm build. Cross-builds for mips64el by default; `make CROSS_PREFIX=` on a native mips64el host.
# Objects go under build/, dependencies are tracked with -MMD, and every target is -j safe.

CROSS_PREFIX ?= mips64el-linux-gnuabi64-
CC := $(CROSS_PREFIX)gcc
AR := $(CROSS_PREFIX)ar
GUEST_CC ?= i686-linux-gnu-gcc
HOST_CC ?= gcc
SYSROOT ?= build/sysroot
MULTIARCH ?= mips64el-linux-gnuabi64
QEMU_MIPS ?= qemu-mips64el-static
QEMU_CPU ?= Loongson-3A1000
export QEMU_CPU

BUILD := build
ifeq ($(wildcard $(SYSROOT)/.native),)
SYSINC := -I$(SYSROOT)/usr/include -I$(SYSROOT)/usr/include/glib-2.0 \
          -I$(SYSROOT)/usr/lib/$(MULTIARCH)/glib-2.0/include
SYSLIB := -L$(SYSROOT)/usr/lib/$(MULTIARCH)
else
SYSINC := -I/usr/include/glib-2.0 -I/usr/lib/$(MULTIARCH)/glib-2.0/include
SYSLIB :=
endif

CFLAGS ?= -O2 -g
XQM_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -MMD -MP -I. $(SYSINC) $(CFLAGS)
LDFLAGS_STATIC := -static $(SYSLIB)
LIBS := -lcapstone -lelf -lglib-2.0 -lpcre2-8 -lz -lzstd -lpthread -lm

# The core: one static library linked into both binaries. Memory-access emission is per mode,
# and the x86 system architecture (target/i386/sys_*.c) belongs to xqm-system alone.
CORE_SRCS := $(wildcard common/*.c) $(filter-out target/i386/sys_%.c,$(wildcard target/i386/*.c)) \
             $(filter-out host/mips/ldst_%.c,$(wildcard host/mips/*.c))
USER_SRCS := $(wildcard linux-user/*.c) host/mips/ldst_user.c
SYSTEM_SRCS := $(wildcard system/*.c) $(wildcard target/i386/sys_*.c) host/mips/ldst_softmmu.c
CORE_OBJS := $(CORE_SRCS:%.c=$(BUILD)/%.o)
USER_OBJS := $(USER_SRCS:%.c=$(BUILD)/%.o)
SYSTEM_OBJS := $(SYSTEM_SRCS:%.c=$(BUILD)/%.o)

all: $(BUILD)/xqm-user $(BUILD)/xqm-system

$(BUILD)/%.o: %.c $(SYSROOT)/.complete
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(XQM_CFLAGS) -c -o $@ $<

$(BUILD)/libxqm-core.a: $(CORE_OBJS)
	@rm -f $@
	@$(AR) rcs $@ $^

# glibc warns that getpwnam & co. in a static program need the host's NSS at run time; glib
# references them but xqm never calls them, so that one warning is filtered and any other kept.
# $(call link_static,objects)
define link_static
	@$(CC) $(LDFLAGS_STATIC) -o $@.tmp $(1) $(BUILD)/libxqm-core.a $(LIBS) 2>$@.log; \
	    st=$$?; grep -v -e 'statically linked applications requires at runtime' \
	        -e 'in function .g_get_user_database_entry' -e 'in function .g_get_home_dir' $@.log >&2; \
	    rm -f $@.log; [ $$st = 0 ] && mv $@.tmp $@
	@echo "  LINK $@"
endef

$(BUILD)/xqm-user: $(USER_OBJS) $(BUILD)/libxqm-core.a
	$(call link_static,$(USER_OBJS))

$(BUILD)/xqm-system: $(SYSTEM_OBJS) $(BUILD)/libxqm-core.a
	$(call link_static,$(SYSTEM_OBJS))

# The sysroot is made by the setup script; a native mips64el host marks it .native instead.
$(SYSROOT)/.complete:
	@if [ -f $(SYSROOT)/.native ]; then touch $@; else \
	    echo "xqm: no mips64el sysroot in $(SYSROOT): run tools/setup-deps.sh first" >&2; exit 1; fi

setup:
	bash tools/setup-deps.sh

# `make run`: set up, build, and run the bundled default program (hello world) under xqm-user.
run: setup
	$(MAKE) all $(BUILD)/tests/user/hello.O2
	$(QEMU_MIPS) $(BUILD)/xqm-user $(BUILD)/tests/user/hello.O2

-include tests/user/tests.mk
-include tests/unit/unit.mk
-include tests/difftest/difftest.mk
-include tools/bench/bench.mk
-include tests/system/system.mk

check: all tests-user unit-tests tests-system difftest-tools guest
	bash tests/run-all.sh

clean:
	rm -rf $(BUILD)/common $(BUILD)/target $(BUILD)/host $(BUILD)/linux-user $(BUILD)/system \
	       $(BUILD)/tests $(BUILD)/*.a $(BUILD)/xqm-*

.PHONY: all setup run check clean
-include $(CORE_OBJS:.o=.d) $(USER_OBJS:.o=.d) $(SYSTEM_OBJS:.o=.d)
