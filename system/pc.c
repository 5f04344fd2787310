/*
 * The PC machine of xqm-system: RAM from address 0, the legacy ISA devices (8259 pair, 8254,
 * MC146818, 16550A on COM1, i8042, port 0x92, optionally isa-debug-exit), the PCI host bridge, a
 * local APIC per vCPU and an I/O APIC, the vCPUs, and reset. Interrupt routing is the classic one:
 * PIT on IRQ 0, keyboard 1, COM1 4, RTC 8, aux 12; every ISA line goes to both the 8259 pair and
 * the I/O APIC, and the master 8259's output to the boot CPU's LINT0.
 *
 * There is no firmware: at power-on and at every reset the kernel given with -kernel is loaded
 * again and the boot CPU starts in 32-bit protected mode at its entry, as the multiboot and the
 * Linux 32-bit boot protocols describe. The legacy area 0xa0000-0xfffff is plain RAM (the e820
 * map marks it reserved); nothing lives above the RAM except what devices map.
 */
#include <stdlib.h>
#include <string.h>

#include "common/xqm.h"
#include "system/apic.h"
#include "system/devices.h"
#include "system/iomem.h"
#include "system/main_loop.h"
#include "system/pc.h"
#include "system/softmmu.h"
#include "system/vcpu.h"

static struct {
    struct machine_config cfg;
    struct i8259 *pic;
    struct i8254 *pit;
    struct mc146818 *rtc;
    struct serial *com1;
    struct i8042 *kbc;
    struct pci_host *pci;
    struct irq_line pic_in[16], ioapic_in[16];
    uint8_t *kernel;
    uint64_t kernel_size;
} pc;

/* The 8259's INTR goes to the boot CPU's local APIC (LINT0). */
static void pic_intr(void *opaque, int n, int level)
{
    (void)opaque, (void)n;
    apic_set_extint(env_sys(vcpu_env(0))->apic, level);
}

static int pic_ack(void)
{
    return i8259_ack(pc.pic);
}

int sys_ack_interrupt(CPUX86State *env)
{
    return apic_ack(env_sys(env)->apic, pic_ack);
}

/* An ISA interrupt line is wired to both the 8259 pair and the I/O APIC. */
static void isa_irq_set(void *opaque, int n, int level)
{
    (void)opaque;
    irq_set(&pc.pic_in[n], level);
    irq_set(&pc.ioapic_in[n], level);
}

static struct irq_line isa_irq(int n)
{
    pc.pic_in[n] = i8259_irq(pc.pic, n);
    pc.ioapic_in[n] = ioapic_irq(n);
    return (struct irq_line){ isa_irq_set, NULL, n };
}

/* The reset lines of the i8042, port 0x92 and the PIIX3 RCR. */
static void reset_line(void)
{
    sys_request_reset(vcpu_env(0), "reset line");
}

static void load_kernel(void)
{
    CPUX86State *env = vcpu_env(0);
    if (linux_probe(pc.kernel, pc.kernel_size))
        linux_load(env, &pc.cfg, pc.kernel, pc.kernel_size);
    else
        multiboot_load(env, &pc.cfg, pc.kernel, pc.kernel_size);
}

/* Power-on state for every device and CPU, RAM cleared, kernel loaded again. */
static void machine_reset(void)
{
    i8259_reset(pc.pic);
    i8254_reset(pc.pit);
    mc146818_reset(pc.rtc);
    serial_reset(pc.com1);
    i8042_reset(pc.kbc);
    pci_reset(pc.pci);
    ioapic_reset();
    memset(mem_host_range(0, pc.cfg.ram_size), 0, pc.cfg.ram_size);
    for (int i = 0; i < vcpu_count(); i++) {
        sys_cpu_reset(vcpu_env(i));
        apic_reset(env_sys(vcpu_env(i))->apic);
    }
    load_kernel();
}

void pc_init(const struct machine_config *cfg)
{
    pc.cfg = *cfg;
    pc.kernel = loader_read_file(cfg->kernel, &pc.kernel_size, "kernel");
    if (!linux_probe(pc.kernel, pc.kernel_size) && !multiboot_probe(pc.kernel, pc.kernel_size))
        sys_fatal("kernel '%s' is neither a Linux bzImage nor a multiboot kernel", cfg->kernel);

    mem_map_ram(0, cfg->ram_size, "pc.ram");
    softmmu_init();
    vcpu_create_all(cfg->smp);
    for (int i = 0; i < cfg->smp; i++)
        env_sys(vcpu_env(i))->apic = apic_init(i);
    ioapic_init();

    pc.pic = i8259_init((struct irq_line){ pic_intr, NULL, 0 });
    pc.pit = i8254_init(isa_irq(0));
    pc.rtc = mc146818_init(isa_irq(8));
    mc146818_set_memory(pc.rtc, cfg->ram_size);
    pc.com1 = serial_init(0x3f8, isa_irq(4), cfg->serial_stdio);
    pc.kbc = i8042_init(isa_irq(1), isa_irq(12), reset_line);
    port92_init(reset_line);
    pc.pci = pci_init(reset_line);
    if (cfg->debug_exit)
        debug_exit_init(cfg->debug_exit_base, cfg->debug_exit_size);

    vcpu_set_no_reboot(cfg->no_reboot);
    vcpu_set_machine_reset(machine_reset);
    load_kernel();
    vcpu_start(0);
}
