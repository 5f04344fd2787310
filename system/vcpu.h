/*
 * Virtual CPUs: one host thread each, running translated code through cpu_exec and taking
 * interrupts and exceptions between TBs.
 *
 * Kick: vcpu_kick makes the CPU leave translated code at its next TB entry (env->exit_request) and
 * wakes it if it is halted. Devices raise the INTR line with vcpu_set_irq (under the BQL); the CPU
 * acknowledges through sys_ack_interrupt when IF allows.
 */
#ifndef XQM_SYSTEM_VCPU_H
#define XQM_SYSTEM_VCPU_H

#include <stdbool.h>

#include "target/i386/sys.h"

/* Allocates n CPUs (CPU 0 is the boot CPU) and their threads, which wait for vcpu_start. */
void vcpu_create_all(int n);
int vcpu_count(void);
CPUX86State *vcpu_env(int index);
/* The CPU of the calling vCPU thread. */
CPUX86State *vcpu_current_env(void);
/* Lets CPU index run (the others stay stopped until an INIT/SIPI model exists). */
void vcpu_start(int index);
void vcpu_kick(CPUX86State *env);
/* A CPU's INTR pin (driven by its local APIC) and its NMI. */
void vcpu_set_intr(int index, int level);
void vcpu_nmi(int index);

/* What a guest-requested reset does: restart the machine, or exit (-no-reboot). */
void vcpu_set_no_reboot(bool no_reboot);
/* The machine's reset routine, run by the boot CPU's thread with the BQL held. */
void vcpu_set_machine_reset(void (*fn)(void));

#endif
