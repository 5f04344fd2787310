/*
 * The main loop (glib), the virtual clock with its timers, and the big lock (BQL).
 *
 * The BQL serializes all device state. The main thread holds it except while it waits in poll;
 * a vCPU thread takes it only around device accesses (port I/O, MMIO, interrupt acknowledge),
 * never while translated code runs. Timer callbacks and fd handlers run in the main thread with
 * the BQL held.
 *
 * The virtual clock is the host's CLOCK_MONOTONIC in nanoseconds since start-up: guest time
 * passes at host speed whatever the emulation speed (never the MIPS cycle counter, which reads as
 * a constant under qemu-mips64el).
 */
#ifndef XQM_SYSTEM_MAIN_LOOP_H
#define XQM_SYSTEM_MAIN_LOOP_H

#include <stdbool.h>
#include <stdint.h>

/* A machine-level error (bad image, no memory): "xqm-system: <message>" on stderr, exit 1. */
_Noreturn void sys_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void);          /* by the calling thread */

int64_t clock_ns(void);

struct qtimer {
    int64_t expire;
    void (*cb)(void *opaque);
    void *opaque;
    struct qtimer *next;
    bool pending;
};

/* All timer functions need the BQL. A callback may re-arm its own timer. */
void timer_init(struct qtimer *t, void (*cb)(void *opaque), void *opaque);
void timer_mod(struct qtimer *t, int64_t expire_ns);
void timer_del(struct qtimer *t);

void main_loop_init(void);
/* Watches fd for input; cb runs in the main loop with the BQL and returns false to stop watching
 * (end of file). */
void main_loop_add_input(int fd, bool (*cb)(void *opaque), void *opaque);
/* Runs until main_loop_quit; called with the BQL held. */
void main_loop_run(void);
void main_loop_quit(void);
/* Makes the main loop recompute its poll timeout (safe from any thread). */
void main_loop_wakeup(void);

#endif
