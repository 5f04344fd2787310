/*
 * Delivering guest signals: default actions, i386 signal frames for guest handlers (sigframe for
 * plain handlers, rt_sigframe for SA_SIGINFO ones, as arch/x86/kernel/signal_32.c builds them),
 * and sigreturn/rt_sigreturn.
 *
 * The frames are byte for byte the kernel's ia32 layouts (asm/sigframe.h, uapi/asm/sigcontext.h),
 * so a handler can read and change every register through its ucontext and have the change take
 * effect when it returns. The FPU state goes where the kernel puts it for a CPU with FXSR: an
 * _fpstate_32 (the fsave image, status, magic 0) followed by the 512-byte fxsave image, 64-byte
 * aligned, below the frame; the handler starts with a fresh FPU and sigreturn restores the image.
 * The core's FPU interface (target/i386/fpu.h) is what the core offers modes for this; built
 * against a core that has no FPU yet, the area holds an empty legacy image (magic 0xffff) instead
 * and sigreturn has no FPU state to restore.
 *
 * Delivery follows the kernel's loop: as long as a signal is deliverable, take the synchronous one
 * first, else the lowest-numbered one, and build its frame on top of the state that the previous
 * iteration left, so the last frame built runs first. A syscall that reported -ERESTARTSYS was
 * rewound to its `int $0x80` by syscall_dispatch; the first handler without SA_RESTART turns that
 * back into -EINTR, as Linux's handle_signal does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/xqm.h"
#include "linux-user/syscall.h"
#include "linux-user/user.h"

enum {
    G_SIGSEGV = 11, G_SIGCHLD = 17, G_SIGCONT = 18, G_SIGSTOP = 19, G_SIGTSTP = 20,
    G_SIGTTIN = 21, G_SIGTTOU = 22, G_SIGURG = 23, G_SIGWINCH = 28,
    NR_SIGRETURN = 119, NR_RT_SIGRETURN = 173,
};

/* uapi/asm/sigcontext.h, struct sigcontext_32. */
struct __attribute__((packed)) guest_sigcontext {
    uint16_t gs, gsh, fs, fsh, es, esh, ds, dsh;
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t trapno, err, eip;
    uint16_t cs, csh;
    uint32_t eflags, esp_at_signal;
    uint16_t ss, ssh;
    uint32_t fpstate, oldmask, cr2;
};
_Static_assert(sizeof(struct guest_sigcontext) == 88, "i386 sigcontext is 88 bytes");

/* The legacy FSAVE part of struct _fpstate_32 (the FXSR part follows it in memory). */
struct __attribute__((packed)) guest_fregs {
    uint32_t cw, sw, tag, ipoff, cssel, dataoff, datasel;
    uint8_t st[80];
    uint16_t status, magic;
};
_Static_assert(sizeof(struct guest_fregs) == 112, "i386 fregs_state is 112 bytes");
enum {
    FXSAVE_BYTES = 512, FPSTATE_UNUSED_BYTES = 624, FSAVE_IMAGE = 108,
    MAGIC_FXSR = 0x0000, MAGIC_FSAVE_ONLY = 0xffff,
};

#if __has_include("target/i386/fpu.h")
#include "target/i386/fpu.h"

/*
 * fregs and fx are the two parts of the area: the fsave image and the fxsave image. As a 64-bit
 * kernel builds them (the reference machine's; xqm's GDT and %gs follow it too): it saves the
 * task's state in the 64-bit format, where bytes 12-15 and 20-23 are the upper halves of a 64-bit
 * FIP and FDP (zero), not FCS and FDS; its fsave image (convert_from_fxsr) carries the current CS
 * without FOP and the current DS, as no selectors are saved in 64-bit mode.
 */
enum { FSAVE_CSSEL = 16, FSAVE_DATASEL = 24, FX_FCS = 12, FX_FDS = 20 };

static void fpu_save(CPUX86State *env, uint8_t *fregs, uint8_t *fx)
{
    x86_fpu_save_fsave(env, fregs);
    store_u32(fregs + FSAVE_CSSEL, (uint16_t)env->segs[R_CS].selector);
    store_u32(fregs + FSAVE_DATASEL, 0xffff0000u | (uint16_t)env->segs[R_DS].selector);
    store_u16(fregs + FSAVE_IMAGE, load_u16(fregs + 4));       /* status: the FSW */
    store_u16(fregs + FSAVE_IMAGE + 2, MAGIC_FXSR);
    x86_fpu_save_fxsave(env, fx);
    store_u32(fx + FX_FCS, 0);
    store_u32(fx + FX_FDS, 0);
}

/*
 * As the kernel's ia32 sigreturn: MXCSR and the XMM registers from the fxsave image, the x87 state
 * from the legacy image (which it converts over the fxsave one), so a handler that edits the
 * fpregs of its ucontext changes what the interrupted code gets back.
 */
static bool fpu_restore(CPUX86State *env, const uint8_t *fregs, const uint8_t *fx)
{
    bool ok = load_u16(fregs + FSAVE_IMAGE + 2) == MAGIC_FSAVE_ONLY || x86_fpu_restore_fxsave(env, fx);
    x86_fpu_restore_fsave(env, fregs);
    return ok;
}

static void fpu_reset(CPUX86State *env)
{
    x86_fpu_reset(env);
}
#else
/* A core without an FPU: an empty legacy register stack, and nothing to restore or reset. */
static void fpu_save(CPUX86State *env, uint8_t *fregs, uint8_t *fx)
{
    (void)env;
    (void)fx;
    struct guest_fregs f = { .cw = 0xffff037f, .sw = 0xffff0000, .tag = 0xffffffff,
                             .magic = MAGIC_FSAVE_ONLY };
    memcpy(fregs, &f, sizeof f);
}

static bool fpu_restore(CPUX86State *env, const uint8_t *fregs, const uint8_t *fx)
{
    (void)env;
    (void)fregs;
    (void)fx;
    return true;
}

static void fpu_reset(CPUX86State *env)
{
    (void)env;
}
#endif

struct __attribute__((packed)) guest_sigframe {
    uint32_t pretcode;
    int32_t sig;
    struct guest_sigcontext sc;
    uint8_t fpstate_unused[FPSTATE_UNUSED_BYTES];
    uint32_t extramask;
    uint8_t retcode[8];
};
_Static_assert(sizeof(struct guest_sigframe) == 732, "i386 sigframe is 732 bytes");

struct __attribute__((packed)) guest_stack {
    uint32_t ss_sp;
    uint32_t ss_flags;
    uint32_t ss_size;
};

struct __attribute__((packed)) guest_ucontext {
    uint32_t uc_flags, uc_link;
    struct guest_stack uc_stack;
    struct guest_sigcontext uc_mcontext;
    uint64_t uc_sigmask;
};

struct __attribute__((packed)) guest_rt_sigframe {
    uint32_t pretcode;
    int32_t sig;
    uint32_t pinfo, puc;
    struct guest_siginfo info;
    struct guest_ucontext uc;
    uint8_t retcode[8];
};
_Static_assert(sizeof(struct guest_siginfo) == 128, "i386 siginfo is 128 bytes");
_Static_assert(sizeof(struct guest_rt_sigframe) == 268, "i386 rt_sigframe is 268 bytes");

static uint64_t sig_bit(int sig)
{
    return 1ull << (sig - 1);
}

/* Linux's on_sig_stack: sp inside the alternate stack (never, while it is auto-disarming). */
static bool on_altstack(const TaskState *ts, uint32_t sp)
{
    if (ts->altstack_flags & GUEST_SS_AUTODISARM)
        return false;
    return sp > ts->altstack_sp && sp - ts->altstack_sp <= ts->altstack_size;
}

static void save_sigcontext(const CPUX86State *env, const struct sigqueue_entry *e, uint32_t fpstate,
                            uint64_t mask, struct guest_sigcontext *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->gs = (uint16_t)env->segs[R_GS].selector;
    sc->fs = (uint16_t)env->segs[R_FS].selector;
    sc->es = (uint16_t)env->segs[R_ES].selector;
    sc->ds = (uint16_t)env->segs[R_DS].selector;
    sc->edi = env->regs[R_EDI];
    sc->esi = env->regs[R_ESI];
    sc->ebp = env->regs[R_EBP];
    sc->esp = env->regs[R_ESP];
    sc->ebx = env->regs[R_EBX];
    sc->edx = env->regs[R_EDX];
    sc->ecx = env->regs[R_ECX];
    sc->eax = env->regs[R_EAX];
    sc->trapno = e->trapno;
    sc->err = e->err;
    sc->eip = env->eip;
    sc->cs = (uint16_t)env->segs[R_CS].selector;
    sc->eflags = cpu_get_eflags(env);
    sc->esp_at_signal = env->regs[R_ESP];
    sc->ss = (uint16_t)env->segs[R_SS].selector;
    sc->fpstate = fpstate;
    sc->oldmask = (uint32_t)mask;
    sc->cr2 = e->cr2;
}

/* The eflags bits sigreturn takes from the frame (the kernel's FIX_EFLAGS, minus RF). */
enum { SIGRETURN_EFLAGS = CC_ALL | EFLAGS_TF | EFLAGS_DF | EFLAGS_AC };

static void restore_sigcontext(CPUX86State *env, const struct guest_sigcontext *sc)
{
    cpu_load_user_segment(env, R_GS, sc->gs);
    cpu_load_user_segment(env, R_FS, sc->fs);
    cpu_load_user_segment(env, R_ES, sc->es);
    cpu_load_user_segment(env, R_DS, sc->ds);
    env->regs[R_EDI] = sc->edi;
    env->regs[R_ESI] = sc->esi;
    env->regs[R_EBP] = sc->ebp;
    env->regs[R_ESP] = sc->esp;
    env->regs[R_EBX] = sc->ebx;
    env->regs[R_EDX] = sc->edx;
    env->regs[R_ECX] = sc->ecx;
    env->regs[R_EAX] = sc->eax;
    env->eip = sc->eip;
    cpu_set_eflags(env, sc->eflags, SIGRETURN_EFLAGS);
}

/*
 * Where the frame goes: the alternate stack if the action asks for it and we are not on it yet,
 * the FPU area below that (64-byte aligned, as fpu__alloc_mathframe does), the frame below that,
 * aligned so that the handler starts with ((esp + 4) & 15) == 0 as the i386 ABI wants.
 */
static uint32_t frame_address(const TaskState *ts, const struct guest_sigaction *act,
                              uint32_t frame_size, uint32_t *fpstate)
{
    uint32_t sp = ts->env->regs[R_ESP];
    if ((act->flags & GUEST_SA_ONSTACK) && ts->altstack_size != 0 && !on_altstack(ts, sp))
        sp = ts->altstack_sp + ts->altstack_size;
    uint32_t fx = (sp - FXSAVE_BYTES) & ~63u;
    *fpstate = fx - (uint32_t)sizeof(struct guest_fregs);
    sp = *fpstate - frame_size;
    return ((sp + 4) & ~15u) - 4;
}

static bool write_fpstate(CPUX86State *env, uint32_t addr)
{
    uint8_t *p = guest_ptr(addr, sizeof(struct guest_fregs) + FXSAVE_BYTES, PAGE_WRITE);
    if (!p)
        return false;
    uint8_t area[sizeof(struct guest_fregs) + FXSAVE_BYTES];
    memset(area, 0, sizeof area);
    fpu_save(env, area, area + sizeof(struct guest_fregs));
    memcpy(p, area, sizeof area);
    return true;
}

/* sigreturn's FPU part: the area sc.fpstate points at (none: a fresh FPU, as Linux does). */
static bool read_fpstate(CPUX86State *env, uint32_t addr)
{
    if (addr == 0) {
        fpu_reset(env);
        return true;
    }
    const uint8_t *p = guest_ptr(addr, sizeof(struct guest_fregs) + FXSAVE_BYTES, PAGE_READ);
    if (!p)
        return false;
    uint8_t area[sizeof(struct guest_fregs) + FXSAVE_BYTES];
    memcpy(area, p, sizeof area);
    return fpu_restore(env, area, area + sizeof(struct guest_fregs));
}

/* The handler's entry state, common to both frame kinds (arch/x86/kernel/signal_32.c). */
static void enter_handler(CPUX86State *env, const struct guest_sigaction *act, uint32_t frame,
                          int sig, uint32_t edx, uint32_t ecx)
{
    env->regs[R_ESP] = frame;
    env->eip = act->handler;
    env->regs[R_EAX] = (uint32_t)sig;
    env->regs[R_EDX] = edx;
    env->regs[R_ECX] = ecx;
    cpu_set_eflags(env, 0, EFLAGS_DF | EFLAGS_TF);        /* as the kernel's handle_signal */
    fpu_reset(env);
    cpu_load_user_segment(env, R_DS, USER_DS);
    cpu_load_user_segment(env, R_ES, USER_DS);
    cpu_load_user_segment(env, R_SS, USER_DS);
    cpu_load_user_segment(env, R_CS, USER_CS);
}

static bool setup_frame(TaskState *ts, int sig, const struct guest_sigaction *act,
                        const struct sigqueue_entry *e, uint64_t mask)
{
    CPUX86State *env = ts->env;
    uint32_t fpstate;
    uint32_t addr = frame_address(ts, act, sizeof(struct guest_sigframe), &fpstate);
    struct guest_sigframe *f = guest_ptr(addr, sizeof *f, PAGE_WRITE);
    if (!f || !write_fpstate(env, fpstate))
        return false;
    struct guest_sigframe frame;
    memset(&frame, 0, sizeof frame);
    frame.sig = sig;
    save_sigcontext(env, e, fpstate, mask, &frame.sc);
    frame.extramask = (uint32_t)(mask >> 32);
    /* popl %eax; movl $__NR_sigreturn, %eax; int $0x80: kept for debuggers that look for it. */
    static const uint8_t retcode[8] = { 0x58, 0xb8, NR_SIGRETURN, 0, 0, 0, 0xcd, 0x80 };
    memcpy(frame.retcode, retcode, sizeof retcode);
    frame.pretcode = (act->flags & GUEST_SA_RESTORER) ? act->restorer
                     : addr + (uint32_t)offsetof(struct guest_sigframe, retcode);
    memcpy(f, &frame, sizeof frame);
    enter_handler(env, act, addr, sig, 0, 0);
    return true;
}

static bool setup_rt_frame(TaskState *ts, int sig, const struct guest_sigaction *act,
                           const struct sigqueue_entry *e, uint64_t mask)
{
    CPUX86State *env = ts->env;
    uint32_t fpstate;
    uint32_t addr = frame_address(ts, act, sizeof(struct guest_rt_sigframe), &fpstate);
    struct guest_rt_sigframe *f = guest_ptr(addr, sizeof *f, PAGE_WRITE);
    if (!f || !write_fpstate(env, fpstate))
        return false;
    struct guest_rt_sigframe frame;
    memset(&frame, 0, sizeof frame);
    frame.sig = sig;
    frame.pinfo = addr + (uint32_t)offsetof(struct guest_rt_sigframe, info);
    frame.puc = addr + (uint32_t)offsetof(struct guest_rt_sigframe, uc);
    frame.info = e->info;
    frame.uc.uc_stack = (struct guest_stack){ ts->altstack_sp, ts->altstack_flags, ts->altstack_size };
    save_sigcontext(env, e, fpstate, mask, &frame.uc.uc_mcontext);
    frame.uc.uc_sigmask = mask;
    /* movl $__NR_rt_sigreturn, %eax; int $0x80 */
    static const uint8_t retcode[8] = { 0xb8, NR_RT_SIGRETURN, 0, 0, 0, 0xcd, 0x80, 0 };
    memcpy(frame.retcode, retcode, sizeof retcode);
    frame.pretcode = (act->flags & GUEST_SA_RESTORER) ? act->restorer
                     : addr + (uint32_t)offsetof(struct guest_rt_sigframe, retcode);
    memcpy(f, &frame, sizeof frame);
    if (ts->altstack_flags & GUEST_SS_AUTODISARM) {
        ts->altstack_sp = ts->altstack_size = 0;
        ts->altstack_flags = GUEST_SS_DISABLE;
    }
    enter_handler(env, act, addr, sig, frame.pinfo, frame.puc);
    return true;
}

/* Linux's default action for a signal nobody handles. */
static void default_action(int sig)
{
    switch (sig) {
    case G_SIGCHLD: case G_SIGCONT: case G_SIGURG: case G_SIGWINCH:
        return;
    case G_SIGSTOP: case G_SIGTSTP: case G_SIGTTIN: case G_SIGTTOU:
        kill(getpid(), SIGSTOP);
        return;
    default:
        guest_die_by_signal(sig);
    }
}

/* The next signal to deliver, removed from the queue: the fault first, then the lowest number. */
static bool next_signal(TaskState *ts, struct sigqueue_entry *out, bool *sync)
{
    if (ts->sync.sig) {
        *out = ts->sync;
        ts->sync.sig = 0;
        *sync = true;
        return true;
    }
    *sync = false;
    return signal_dequeue(ts, ~ts->blocked, out);
}

static void deliver_one(TaskState *ts, const struct sigqueue_entry *e, bool sync)
{
    CPUX86State *env = ts->env;
    int sig = e->sig;
    struct guest_sigaction act;
    signal_get_action(sig, &act);
    /* A fault the guest blocks or ignores kills it (the kernel's force_sig_info). */
    if (sync && (act.handler == 1 || (ts->blocked & sig_bit(sig))))
        act.handler = 0;
    if (xqm_log_enabled(LOG_STRACE))
        xqm_log("%d --- guest signal %d (code %d) ---\n", ts->tid, sig, e->info.code);
    if (act.handler == 1)
        return;
    if (act.handler == 0) {
        default_action(sig);
        return;
    }
    if (ts->syscall_restart) {
        if (!(act.flags & GUEST_SA_RESTART)) {
            env->eip += 2;
            env->regs[R_EAX] = (uint32_t)-guest_errno(EINTR);
        }
        ts->syscall_restart = false;
    }
    uint64_t saved = ts->saved_mask_valid ? ts->saved_mask : ts->blocked;
    bool ok = (act.flags & GUEST_SA_SIGINFO) ? setup_rt_frame(ts, sig, &act, e, saved)
                                              : setup_frame(ts, sig, &act, e, saved);
    if (!ok) {
        /* No room for the frame: Linux's force_sigsegv. */
        guest_die_by_signal(G_SIGSEGV);
    }
    if (ts->saved_mask_valid) {
        ts->blocked = ts->saved_mask;
        ts->saved_mask_valid = false;
    }
    uint64_t blocked = ts->blocked | act.mask;
    if (!(act.flags & GUEST_SA_NODEFER))
        blocked |= sig_bit(sig);
    ts->blocked = blocked;
    if (act.flags & GUEST_SA_RESETHAND) {
        struct guest_sigaction dfl = { 0 };
        signal_set_action(sig, &dfl);
    }
}

void signal_deliver_pending(CPUX86State *env)
{
    TaskState *ts = env->mode_opaque;
    if (!ts->signal_pending && !ts->syscall_restart && !ts->saved_mask_valid)
        return;
    sigset_t old;
    signal_block_host(&old);
    uint64_t mask_before = ts->blocked;
    struct sigqueue_entry e;
    bool sync;
    while (next_signal(ts, &e, &sync))
        deliver_one(ts, &e, sync);
    /* A syscall rewound for a restart with no handler in the way restarts (already rewound). */
    ts->syscall_restart = false;
    if (ts->saved_mask_valid) {
        ts->blocked = ts->saved_mask;
        ts->saved_mask_valid = false;
    }
    signal_update_pending(ts);
    if (ts->blocked != mask_before) {
        signal_set_blocked(ts, ts->blocked);
        return;
    }
    signal_restore_host(&old);
}

/* ---- sigreturn ---- */

static _Noreturn void bad_frame(void)
{
    guest_die_by_signal(G_SIGSEGV);
}

int32_t sys_sigreturn(const struct syscall *sc)
{
    CPUX86State *env = sc->env;
    TaskState *ts = env->mode_opaque;
    uint32_t addr = env->regs[R_ESP] - 8;   /* the handler's ret and the restorer's popl ran */
    const struct guest_sigframe *f = guest_ptr(addr, sizeof *f, PAGE_READ);
    if (!f)
        bad_frame();
    struct guest_sigframe frame;
    memcpy(&frame, f, sizeof frame);
    signal_set_blocked(ts, frame.sc.oldmask | (uint64_t)frame.extramask << 32);
    restore_sigcontext(env, &frame.sc);
    if (!read_fpstate(env, frame.sc.fpstate))
        bad_frame();
    return (int32_t)env->regs[R_EAX];
}

int32_t sys_rt_sigreturn(const struct syscall *sc)
{
    CPUX86State *env = sc->env;
    TaskState *ts = env->mode_opaque;
    uint32_t addr = env->regs[R_ESP] - 4;   /* the handler's ret popped pretcode */
    const struct guest_rt_sigframe *f = guest_ptr(addr, sizeof *f, PAGE_READ);
    if (!f)
        bad_frame();
    struct guest_rt_sigframe frame;
    memcpy(&frame, f, sizeof frame);
    signal_set_blocked(ts, frame.uc.uc_sigmask);
    restore_sigcontext(env, &frame.uc.uc_mcontext);
    if (!read_fpstate(env, frame.uc.uc_mcontext.fpstate))
        bad_frame();
    /* restore_altstack: errors other than EFAULT are ignored, as in the kernel. */
    signal_set_altstack(ts, frame.uc.uc_stack.ss_sp, frame.uc.uc_stack.ss_flags,
                        frame.uc.uc_stack.ss_size, env->regs[R_ESP]);
    return (int32_t)env->regs[R_EAX];
}
