# Unit tests, built natively with the build machine's compiler ($(HOST_CC)) and its capstone: they
# check the MIPS encoder's words against capstone's MIPS disassembler and never run MIPS code, so they
# need no sysroot and no qemu. `make unit-tests` builds them, `make check-unit` also runs them.

UNIT_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -MMD -MP -I. -O2 -g
UNIT_OBJDIR := $(BUILD)/tests/unit/native
UNIT_TESTS := $(BUILD)/tests/unit/test_mips_emit $(BUILD)/tests/unit/test_x87_native \
    $(BUILD)/tests/unit/test_sse_native

# Native objects live apart from the cross-built ones under $(BUILD), and this rule's longer
# prefix wins over the cross-compiling $(BUILD)/%.o rule.
$(UNIT_OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(UNIT_CFLAGS) -c -o $@ $<

$(BUILD)/tests/unit/test_mips_emit: $(addprefix $(UNIT_OBJDIR)/,tests/unit/test_mips_emit.o host/mips/emit.o common/log.o)
	$(HOST_CC) -o $@ $^ -lcapstone

# The x87 and SSE helpers against this machine's own CPU (an x86 build machine is required anyway).
FPU_NATIVE_SRCS := target/i386/softfloat.c target/i386/softfloat_trans.c target/i386/x87_helper.c \
    target/i386/x87_ext.c target/i386/x87_ctl.c target/i386/x87_table.c target/i386/x87_fast.c \
    target/i386/sse_table.c \
    target/i386/sse_helper.c target/i386/sse_approx.c target/i386/sse_hostfp.c target/i386/mmx_helper.c target/i386/cpu.c \
    common/log.c
FPU_NATIVE_OBJS := $(addprefix $(UNIT_OBJDIR)/,$(FPU_NATIVE_SRCS:.c=.o))
$(BUILD)/tests/unit/test_x87_native: $(UNIT_OBJDIR)/tests/unit/test_x87_native.o $(UNIT_OBJDIR)/tests/unit/x87_trans_ref.o $(FPU_NATIVE_OBJS)
	$(HOST_CC) -o $@ $^ -lquadmath -lm
$(BUILD)/tests/unit/test_sse_native: $(UNIT_OBJDIR)/tests/unit/test_sse_native.o $(FPU_NATIVE_OBJS)
	$(HOST_CC) -o $@ $^ -lm

unit-tests: $(UNIT_TESTS)

check-unit: unit-tests
	@st=0; for t in $(UNIT_TESTS); do $$t || st=1; done; exit $$st

.PHONY: unit-tests check-unit

# Header dependencies of the native objects (a changed header, e.g. target/i386/cpu.h, rebuilds them).
-include $(FPU_NATIVE_OBJS:.o=.d) $(addprefix $(UNIT_OBJDIR)/tests/unit/,test_mips_emit.d test_x87_native.d \
    test_sse_native.d x87_trans_ref.d gen_approx_table.d) $(UNIT_OBJDIR)/host/mips/emit.d
