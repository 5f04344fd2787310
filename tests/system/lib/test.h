/*
 * The small kernel library of the bare-metal tests: port I/O, control registers, serial output
 * with a minimal printf, checks with a PASS/FAIL verdict, descriptor tables (flat kernel and user
 * segments, a TSS), an IDT whose every vector enters trap_dispatch, the 8259 and the 8254.
 *
 * A test is `int test_main(uint32_t magic, uint32_t mbi)` returning the number of failed checks;
 * crt0.S reports it on the isa-debug-exit port (0xf4): status 1 is a pass.
 */
#ifndef XQM_TESTS_SYSTEM_TEST_H
#define XQM_TESTS_SYSTEM_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

#define READ_CR(n) ({ uint32_t v_; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v_)); v_; })
#define WRITE_CR(n, v) __asm__ volatile("mov %0, %%cr" #n : : "r"((uint32_t)(v)) : "memory")

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline uint32_t read_eflags(void) { uint32_t f; __asm__ volatile("pushf; pop %0" : "=r"(f)); return f; }
static inline void invlpg(uint32_t addr) { __asm__ volatile("invlpg (%0)" : : "r"(addr) : "memory"); }

/* Serial console (COM1) and the verdict. */
void putchar_serial(char c);
void puts_serial(const char *s);
void printf_serial(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
#define printf printf_serial
/* Records one check; prints "ok <what>" or "FAIL <what>". */
void check(bool ok, const char *what, ...) __attribute__((format(__printf__, 2, 3)));
/* Prints PASS or FAIL with the count and returns the number of failures. */
int test_verdict(void);
_Noreturn void exit_machine(int status);

/* Descriptor tables: kernel code/data, user code/data (RPL 3), the TSS. */
enum { SEL_KCODE = 0x08, SEL_KDATA = 0x10, SEL_UCODE = 0x1b, SEL_UDATA = 0x23, SEL_TSS = 0x28 };
void setup_gdt(void);
void setup_idt(void);
void tss_set_esp0(uint32_t esp0);
/* Rewrites the gate of a vector: DPL, and interrupt (IF cleared) or trap gate. */
void set_gate_attrs(int vector, int dpl, bool trap_gate);
/* Raw GDT access for segment tests. */
void set_gdt_entry(int index, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags);

/* What the trap stubs push, lowest address first. esp/ss only when coming from CPL 3. */
struct trap_frame {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp_dummy, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
    uint32_t esp, ss;
};
typedef void (*trap_handler)(struct trap_frame *f);
extern trap_handler trap_handlers[256];

/*
 * Expected faults: fault_resume names where to continue after a fault (set by the EXPECT_FAULT
 * macros in the tests); the default handler records the fault in last_fault and resumes there.
 */
struct fault_record {
    int vector;
    uint32_t error, cr2, eip, cs;
    int count;
};
extern volatile struct fault_record last_fault;
extern volatile uint32_t fault_resume;

/* Runs asm `body` (operands as for __asm__) allowing it to fault: a fault resumes right after it
 * and is recorded in last_fault. Call fault_reset() first. */
#define TRY_ASM(body, ...) \
    __asm__ volatile("movl $1f, fault_resume\n\t" body "\n1:\n\tmovl $0, fault_resume" __VA_ARGS__)
static inline void fault_reset(void)
{
    last_fault.count = 0;
    last_fault.vector = -1;
    last_fault.error = 0xdead;
}

/* Paging structures for the tests: one page directory, 4 KiB page tables on demand. */
enum { PTE_P = 1, PTE_W = 2, PTE_U = 4, PTE_A = 0x20, PTE_D = 0x40, PDE_PS = 0x80 };
extern uint32_t page_dir[1024];
/* Identity-maps the first `mib` MiB with 4 KiB pages (flags for every PTE), turns paging on. */
void paging_identity(uint32_t mib, uint32_t flags);
/* The PTE of vaddr (its page table must exist), and mapping one 4 KiB page. */
uint32_t *pte_of(uint32_t vaddr);
void map_page(uint32_t vaddr, uint32_t paddr, uint32_t flags);

/* Enters CPL 3 at fn with the given stack; returns when user code calls user_exit(). Needs
 * setup_gdt/setup_idt; installs the int 0x80 gate (DPL 3) for user_exit and user_syscall. */
void run_user(void (*fn)(void), uint32_t user_stack);
/* From CPL 3: int $0x80 with eax = 0 (back to run_user's caller) or another value (counted). */
static inline void user_exit(void) { __asm__ volatile("int $0x80" : : "a"(0)); }
extern volatile uint32_t user_syscalls, user_syscall_cs;

/* 8259: vectors 0x20-0x2f, everything masked; unmask/eoi by IRQ number. */
void pic_init(void);
void pic_unmask(int irq);
void pic_eoi(int irq);
/* 8254 channel 0 periodic (mode 2) at hz. */
void pit_periodic(uint32_t hz);

#endif
