/*
 * The bare-metal tests' library: serial output, printf, checks, descriptor tables, trap dispatch,
 * PIC and PIT set-up (see test.h).
 */
#include "test.h"

enum { COM1 = 0x3f8, DEBUG_EXIT = 0xf4 };

static int checks, failures;

void putchar_serial(char c)
{
    if (c == '\n')
        putchar_serial('\r');
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (uint8_t)c);
}

void puts_serial(const char *s)
{
    while (*s)
        putchar_serial(*s++);
}

static void put_number(uint32_t v, unsigned base, int width, char pad, bool negative)
{
    char buf[16];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (negative)
        buf[n++] = '-';
    while (n < width)
        putchar_serial(pad), width--;
    while (n)
        putchar_serial(buf[--n]);
}

static void vprint(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putchar_serial(*fmt);
            continue;
        }
        char pad = ' ';
        int width = 0;
        fmt++;
        if (*fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        switch (*fmt) {
        case 'd': {
            int v = va_arg(ap, int);
            put_number(v < 0 ? (uint32_t)-v : (uint32_t)v, 10, width, pad, v < 0);
            break;
        }
        case 'u': put_number(va_arg(ap, uint32_t), 10, width, pad, false); break;
        case 'x': put_number(va_arg(ap, uint32_t), 16, width, pad, false); break;
        case 'c': putchar_serial((char)va_arg(ap, int)); break;
        case 's': puts_serial(va_arg(ap, const char *)); break;
        default: putchar_serial(*fmt); break;
        }
    }
}

void printf_serial(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
}

void check(bool ok, const char *what, ...)
{
    va_list ap;
    checks++;
    if (!ok)
        failures++;
    puts_serial(ok ? "ok " : "FAIL ");
    va_start(ap, what);
    vprint(what, ap);
    va_end(ap);
    putchar_serial('\n');
}

int test_verdict(void)
{
    if (failures)
        printf("FAIL (%d of %d checks failed)\n", failures, checks);
    else
        printf("PASS (%d checks)\n", checks);
    return failures;
}

void exit_machine(int status)
{
    outl(DEBUG_EXIT, (uint32_t)status);
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* --- descriptor tables --- */

static uint64_t gdt[8];
static uint64_t idt[256];
static uint32_t tss[26];
extern char trap_stubs[];

void set_gdt_entry(int index, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    gdt[index] = (limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 | (uint64_t)access << 40 |
                 (uint64_t)((limit >> 16) & 0xf) << 48 | (uint64_t)(flags & 0xf) << 52 |
                 (uint64_t)(base >> 24) << 56;
}

void setup_gdt(void)
{
    set_gdt_entry(1, 0, 0xfffff, 0x9a, 0xc);        /* kernel code */
    set_gdt_entry(2, 0, 0xfffff, 0x92, 0xc);        /* kernel data */
    set_gdt_entry(3, 0, 0xfffff, 0xfa, 0xc);        /* user code */
    set_gdt_entry(4, 0, 0xfffff, 0xf2, 0xc);        /* user data */
    tss[2] = SEL_KDATA;                             /* ss0 */
    tss[25] = sizeof tss << 16;                     /* I/O map base beyond the limit: no bitmap */
    set_gdt_entry(5, (uint32_t)tss, sizeof tss - 1, 0x89, 0);
    struct __attribute__((packed)) { uint16_t limit; uint32_t base; } d = { sizeof gdt - 1, (uint32_t)gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "mov %2, %%eax\n\t"
                     "mov %%eax, %%ds\n\t"
                     "mov %%eax, %%es\n\t"
                     "mov %%eax, %%fs\n\t"
                     "mov %%eax, %%gs\n\t"
                     "mov %%eax, %%ss\n\t"
                     "mov %3, %%eax\n\t"
                     "ltr %%ax"
                     : : "m"(d), "i"(SEL_KCODE), "i"(SEL_KDATA), "i"(SEL_TSS) : "eax", "memory");
}

void tss_set_esp0(uint32_t esp0)
{
    tss[1] = esp0;
}

static void set_gate(int vector, uint32_t handler, int dpl, bool trap_gate)
{
    idt[vector] = (handler & 0xffff) | (uint64_t)SEL_KCODE << 16 | (uint64_t)(0x80 | dpl << 5 | (trap_gate ? 0xf : 0xe)) << 40 |
                  (uint64_t)(handler >> 16) << 48;
}

void set_gate_attrs(int vector, int dpl, bool trap_gate)
{
    set_gate(vector, (uint32_t)(trap_stubs + 16 * vector), dpl, trap_gate);
}

void setup_idt(void)
{
    for (int v = 0; v < 256; v++)
        set_gate(v, (uint32_t)(trap_stubs + 16 * v), 0, false);
    struct __attribute__((packed)) { uint16_t limit; uint32_t base; } d = { sizeof idt - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(d));
}

/* --- traps --- */

trap_handler trap_handlers[256];
volatile struct fault_record last_fault;
volatile uint32_t fault_resume;

void trap_dispatch(struct trap_frame *f);

void trap_dispatch(struct trap_frame *f)
{
    if (trap_handlers[f->vector]) {
        trap_handlers[f->vector](f);
        return;
    }
    if (fault_resume) {
        last_fault.vector = (int)f->vector;
        last_fault.error = f->error;
        last_fault.cr2 = READ_CR(2);
        last_fault.eip = f->eip;
        last_fault.cs = f->cs;
        last_fault.count++;
        f->eip = fault_resume;
        fault_resume = 0;
        return;
    }
    printf("FAIL unexpected exception %u (error 0x%x) at %x:%x, cr2 %x\n", f->vector, f->error, f->cs, f->eip,
           READ_CR(2));
    exit_machine(99);
}

/* --- 8259 and 8254 --- */

void pic_init(void)
{
    outb(0x20, 0x11);           /* ICW1: edge, cascade, ICW4 */
    outb(0x21, 0x20);           /* ICW2: vectors 0x20-0x27 */
    outb(0x21, 0x04);           /* ICW3: slave on IRQ 2 */
    outb(0x21, 0x01);           /* ICW4: 8086 mode */
    outb(0xa0, 0x11);
    outb(0xa1, 0x28);
    outb(0xa1, 0x02);
    outb(0xa1, 0x01);
    outb(0x21, 0xfb);           /* everything masked but the cascade */
    outb(0xa1, 0xff);
}

void pic_unmask(int irq)
{
    uint16_t port = irq < 8 ? 0x21 : 0xa1;
    outb(port, inb(port) & (uint8_t)~(1u << (irq & 7)));
}

void pic_eoi(int irq)
{
    if (irq >= 8)
        outb(0xa0, 0x20);
    outb(0x20, 0x20);
}

void pit_periodic(uint32_t hz)
{
    uint32_t count = 1193182 / hz;
    outb(0x43, 0x34);           /* channel 0, lobyte/hibyte, mode 2 */
    outb(0x40, (uint8_t)count);
    outb(0x40, (uint8_t)(count >> 8));
}

/* --- paging --- */

uint32_t page_dir[1024] __attribute__((aligned(4096)));
static uint32_t page_tables[16][1024] __attribute__((aligned(4096)));
static int page_tables_used;

uint32_t *pte_of(uint32_t vaddr)
{
    uint32_t pde = page_dir[vaddr >> 22];
    return (uint32_t *)(pde & ~0xfffu) + ((vaddr >> 12) & 0x3ff);
}

void map_page(uint32_t vaddr, uint32_t paddr, uint32_t flags)
{
    uint32_t *pde = &page_dir[vaddr >> 22];
    if (!(*pde & PTE_P)) {
        uint32_t *pt = page_tables[page_tables_used++];
        for (int i = 0; i < 1024; i++)
            pt[i] = 0;
        *pde = (uint32_t)pt | PTE_P | PTE_W | PTE_U;
    }
    *pte_of(vaddr) = (paddr & ~0xfffu) | flags;
}

void paging_identity(uint32_t mib, uint32_t flags)
{
    for (uint32_t a = 0; a < mib << 20; a += 4096)
        map_page(a, a, flags);
    WRITE_CR(3, (uint32_t)page_dir);
    WRITE_CR(0, READ_CR(0) | 0x80000000u);
}

/* --- user mode --- */

volatile uint32_t user_syscalls, user_syscall_cs;
static uint32_t kernel_context[6];      /* ebx esi edi ebp esp eip, saved by run_user */
static uint8_t kernel_trap_stack[8192] __attribute__((aligned(16)));

static void on_syscall(struct trap_frame *f)
{
    user_syscall_cs = f->cs;
    if (f->eax != 0) {
        user_syscalls++;
        return;
    }
    /* Back to run_user's caller: restore its context on the kernel stack (the user frame on the
     * trap stack is simply abandoned). */
    __asm__ volatile("mov 0(%0), %%ebx\n\t"
                     "mov 4(%0), %%esi\n\t"
                     "mov 8(%0), %%edi\n\t"
                     "mov 12(%0), %%ebp\n\t"
                     "mov 16(%0), %%esp\n\t"
                     "mov %1, %%eax\n\t"
                     "mov %%eax, %%ds\n\t"
                     "mov %%eax, %%es\n\t"
                     "jmp *20(%0)"
                     : : "c"(kernel_context), "i"(SEL_KDATA) : "memory");
}

void run_user(void (*fn)(void), uint32_t user_stack)
{
    tss_set_esp0((uint32_t)(kernel_trap_stack + sizeof kernel_trap_stack));
    set_gate_attrs(0x80, 3, true);
    trap_handlers[0x80] = on_syscall;
    __asm__ volatile("mov %%ebx, 0(%0)\n\t"
                     "mov %%esi, 4(%0)\n\t"
                     "mov %%edi, 8(%0)\n\t"
                     "mov %%ebp, 12(%0)\n\t"
                     "mov %%esp, 16(%0)\n\t"
                     "movl $1f, 20(%0)\n\t"
                     "push %1\n\t"            /* ss */
                     "push %2\n\t"            /* esp */
                     "pushf\n\t"
                     "push %3\n\t"            /* cs */
                     "push %4\n\t"            /* eip */
                     "mov %1, %%eax\n\t"
                     "mov %%eax, %%ds\n\t"
                     "mov %%eax, %%es\n\t"
                     "iret\n"
                     "1:"
                     : : "c"(kernel_context), "i"(SEL_UDATA), "r"(user_stack), "i"(SEL_UCODE), "r"(fn)
                     : "eax", "edx", "memory");
}
