/* Privilege levels: iret to CPL 3, int $0x80 through a DPL 3 trap gate with the TSS stack switch,
 * and what CPL 3 may not do: cli, hlt, in, a DPL 0 gate, CR writes, kernel-only pages, read-only
 * pages, DPL 0 data segments. */
#include "lib/test.h"

static uint8_t secret[4096] __attribute__((aligned(4096)));
static uint8_t readonly[4096] __attribute__((aligned(4096)));
static uint8_t user_stack[8192] __attribute__((aligned(16)));

enum { T_CPL, T_CLI, T_HLT, T_IN, T_GATE, T_CR3, T_SECRET, T_READONLY, T_DS, T_SS_FRAME, T_COUNT };
static volatile struct { int vector; uint32_t error, cr2; } result[T_COUNT];
static volatile uint32_t user_cs, syscall_ss, syscall_esp;

static void record(int t)
{
    result[t].vector = last_fault.vector;
    result[t].error = last_fault.error;
    result[t].cr2 = last_fault.cr2;
    fault_reset();
}

static void on_probe(struct trap_frame *f)
{
    syscall_ss = f->ss;
    syscall_esp = f->esp;
}

static void user_main(void)
{
    uint32_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    user_cs = cs;
    __asm__ volatile("int $0x80" : : "a"(42));
    __asm__ volatile("int $0x82" : : : "memory");
    fault_reset();
    TRY_ASM("cli", : : : "memory");
    record(T_CLI);
    TRY_ASM("hlt", : : : "memory");
    record(T_HLT);
    TRY_ASM("inb $0x80, %%al", : : : "eax", "memory");
    record(T_IN);
    TRY_ASM("int $0x81", : : : "memory");
    record(T_GATE);
    TRY_ASM("mov %%eax, %%cr3", : : "a"(0) : "memory");
    record(T_CR3);
    TRY_ASM("movl (%0), %%eax", : : "r"(secret + 16) : "eax", "memory");
    record(T_SECRET);
    TRY_ASM("movl %%eax, (%0)", : : "r"(readonly + 32), "a"(1) : "memory");
    record(T_READONLY);
    TRY_ASM("mov %0, %%ds", : : "r"((uint32_t)SEL_KDATA) : "memory");
    record(T_DS);
    user_exit();
}

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    setup_gdt();
    setup_idt();
    paging_identity(12, PTE_P | PTE_W | PTE_U);
    map_page((uint32_t)secret, (uint32_t)secret, PTE_P | PTE_W);
    map_page((uint32_t)readonly, (uint32_t)readonly, PTE_P | PTE_U);
    WRITE_CR(3, READ_CR(3));
    set_gate_attrs(0x82, 3, false);
    trap_handlers[0x82] = on_probe;

    run_user(user_main, (uint32_t)(user_stack + sizeof user_stack));

    uint32_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    check(cs == SEL_KCODE, "back at CPL 0 after user_exit");
    check(user_cs == SEL_UCODE, "user code ran with CS 0x%x", user_cs);
    check(user_syscalls == 1 && user_syscall_cs == SEL_UCODE, "int $0x80 from CPL 3 through a DPL 3 gate");
    check(syscall_ss == SEL_UDATA && syscall_esp > (uint32_t)user_stack &&
          syscall_esp <= (uint32_t)(user_stack + sizeof user_stack),
          "the frame holds the user SS:ESP (0x%x:0x%x)", syscall_ss, syscall_esp);
    check(result[T_CLI].vector == 13 && result[T_CLI].error == 0, "cli at CPL 3: #GP(0)");
    check(result[T_HLT].vector == 13 && result[T_HLT].error == 0, "hlt at CPL 3: #GP(0)");
    check(result[T_IN].vector == 13 && result[T_IN].error == 0, "in at CPL 3 with IOPL 0: #GP(0)");
    check(result[T_GATE].vector == 13 && result[T_GATE].error == 0x81 * 8 + 2,
          "int $0x81 through a DPL 0 gate: #GP(0x40a) (%d, 0x%x)", result[T_GATE].vector, result[T_GATE].error);
    check(result[T_CR3].vector == 13 && result[T_CR3].error == 0, "mov to CR3 at CPL 3: #GP(0)");
    check(result[T_SECRET].vector == 14 && result[T_SECRET].error == 5 &&
          result[T_SECRET].cr2 == (uint32_t)secret + 16, "user read of a supervisor page: #PF error 5");
    check(result[T_READONLY].vector == 14 && result[T_READONLY].error == 7, "user write to a read-only page: #PF error 7");
    check(result[T_DS].vector == 13 && result[T_DS].error == SEL_KDATA, "loading a DPL 0 data segment at CPL 3: #GP(sel)");
    return test_verdict();
}
