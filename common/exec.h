/*
 * The exec loop: the one way a mode runs guest code.
 *
 * cpu_exec runs translated code for env until something needs the mode: a syscall, a guest
 * exception, or an exit request (signal, kick). It returns the EXCP_* number; env->eip and the rest
 * of the state are then exactly the architectural state at that point.
 */
#ifndef XQM_COMMON_EXEC_H
#define XQM_COMMON_EXEC_H

#include "target/i386/cpu.h"

int cpu_exec(CPUX86State *env);
/* Asks env's thread to leave translated code soon (safe from signal handlers and other threads). */
void cpu_exit(CPUX86State *env);

#endif
