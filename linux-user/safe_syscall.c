/*
 * Blocking host system calls that a guest signal can interrupt without a race.
 *
 * The problem: a guest signal is caught by xqm's host handler, which only queues it and asks the
 * CPU loop to deliver it. If it arrives after the syscall layer last looked at the queue but before
 * the host kernel starts a blocking call (read on an empty pipe, wait4, futex...), the call would
 * block as if nothing had happened. So the blocking calls go through safe_syscall_base, a few
 * instructions of MIPS n64 assembly:
 *
 *     start:  lw   t1, 0(pending)     -- a deliverable guest signal already queued?
 *             bnez t1, interrupted
 *             nop
 *             syscall                 -- the last instruction of the window
 *     end:    ... return v0, or -v0 when a3 says error
 *     interrupted: return -XQM_ERESTARTSYS
 *
 * The host signal handler (signal.c) sets *pending first and then, if the interrupted pc is inside
 * [start, end), moves it to `interrupted`. So either the syscall has not started (and will not), or
 * the kernel interrupted it: with SA_RESTART (mirrored from the guest's flags) the kernel rewinds
 * the pc to the syscall instruction, which is inside the window, so the call reports
 * -XQM_ERESTARTSYS; without, it returns EINTR itself. The syscall layer hands -XQM_ERESTARTSYS up
 * to syscall_dispatch, which restarts or fails the guest's syscall the way Linux does once it knows
 * which handler runs (see signal_deliver_pending).
 *
 * MIPS n64 system call convention: number in v0, arguments in a0..a5, result in v0 with a3 = 0 on
 * success, or the positive errno in v0 with a3 = 1.
 */
#define _GNU_SOURCE
#include <stdint.h>

#include "linux-user/user.h"

__asm__(
    "    .text\n"
    "    .align 3\n"
    "    .globl safe_syscall_base\n"
    "    .globl safe_syscall_start\n"
    "    .globl safe_syscall_end\n"
    "    .globl safe_syscall_interrupted\n"
    "    .type safe_syscall_base, @function\n"
    "    .set push\n"
    "    .set noreorder\n"
    "    .set noat\n"
    "safe_syscall_base:\n"
    "    move  $12, $4\n"            /* t0 = pending flag */
    "    move  $2, $5\n"             /* v0 = syscall number */
    "    move  $4, $6\n"             /* a0..a5 = the six arguments */
    "    move  $5, $7\n"
    "    move  $6, $8\n"
    "    move  $7, $9\n"
    "    move  $8, $10\n"
    "    move  $9, $11\n"
    "safe_syscall_start:\n"
    "    lw    $13, 0($12)\n"
    "    bnez  $13, safe_syscall_interrupted\n"
    "    nop\n"
    "    syscall\n"
    "safe_syscall_end:\n"
    "    bnez  $7, 1f\n"
    "    nop\n"
    "    jr    $31\n"
    "    nop\n"
    "1:  jr    $31\n"
    "    dsubu $2, $0, $2\n"
    "safe_syscall_interrupted:\n"
    "    jr    $31\n"
    "    li    $2, -512\n"           /* -XQM_ERESTARTSYS */
    "    .set pop\n"
    "    .size safe_syscall_base, .-safe_syscall_base\n");

_Static_assert(XQM_ERESTARTSYS == 512, "the assembly above returns -512");

long safe_syscall_base(volatile int *pending, long nr, long a0, long a1, long a2, long a3, long a4,
                       long a5);
extern const char safe_syscall_start[], safe_syscall_end[], safe_syscall_interrupted[];

long safe_syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
    static volatile int never;
    TaskState *ts = task_self();
    return safe_syscall_base(ts ? &ts->signal_pending : &never, nr, a0, a1, a2, a3, a4, a5);
}

bool safe_syscall_rewind(uintptr_t *pc)
{
    if (*pc >= (uintptr_t)safe_syscall_start && *pc < (uintptr_t)safe_syscall_end) {
        *pc = (uintptr_t)safe_syscall_interrupted;
        return true;
    }
    return false;
}
