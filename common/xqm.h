/*
 * Things every part of xqm uses: internal assertions, fatal errors, the -d log mask.
 *
 * xqm_assert guards invariants of xqm's own code. Nothing a guest can do may reach one: guest
 * mistakes become guest exceptions (SIGILL, SIGSEGV... in xqm-user), never host aborts.
 */
#ifndef XQM_COMMON_H
#define XQM_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define xqm_assert(cond) \
    do { if (!(cond)) xqm_assert_fail(#cond, __FILE__, __LINE__); } while (0)

_Noreturn void xqm_assert_fail(const char *cond, const char *file, int line);
/* Prints "xqm: <message>" on stderr and exits with status 1. */
_Noreturn void xqm_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* -d categories, like QEMU's -d. */
enum {
    LOG_IN_ASM = 1 << 0,    /* guest instructions of each TB as it is translated */
    LOG_OUT_ASM = 1 << 1,   /* host instructions generated for each guest instruction */
    LOG_EXEC = 1 << 2,      /* each TB entered from the exec loop */
    LOG_UNIMP = 1 << 3,     /* unimplemented instructions and syscalls */
    LOG_INT = 1 << 4,       /* exceptions and interrupts */
    LOG_STRACE = 1 << 5,    /* system calls (xqm-user -strace) */
};
extern unsigned xqm_log_mask;
extern FILE *xqm_log_file;

/* Parses "in_asm,out_asm,..."; returns false and names the bad word on an unknown category. */
bool xqm_log_parse(const char *spec);
void xqm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline bool xqm_log_enabled(unsigned mask) { return (xqm_log_mask & mask) != 0; }

#endif
