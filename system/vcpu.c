/*
 * vCPU threads: each runs its CPU through cpu_exec, delivers what comes back (exceptions, halts,
 * exit requests), and takes hardware interrupts between TBs.
 *
 * Halt: hlt leaves translated code with EXCP_HLT; the thread then sleeps on its condition variable
 * until interrupt_request says something can wake it. Every writer of interrupt_request takes the
 * CPU's mutex, so a wake-up cannot slip between the check and the sleep.
 *
 * Reset: a triple fault, the i8042 reset line or port 0xcf9 set SYS_IRQ_RESET; the boot CPU's
 * thread then runs the machine's reset routine (devices, memory reload, CPU state) under the BQL,
 * or exits with status 0 under -no-reboot, as qemu-system does.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/exec.h"
#include "common/tb.h"
#include "common/xqm.h"
#include "system/main_loop.h"
#include "system/softmmu.h"
#include "system/vcpu.h"

struct vcpu {
    X86SysCPU *cpu;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool started;
};

static struct vcpu *vcpus;
static int nvcpus;
static __thread struct vcpu *current;
static bool no_reboot;
static void (*machine_reset)(void);

void vcpu_set_no_reboot(bool value) { no_reboot = value; }
void vcpu_set_machine_reset(void (*fn)(void)) { machine_reset = fn; }
int vcpu_count(void) { return nvcpus; }
CPUX86State *vcpu_env(int index) { return &vcpus[index].cpu->env; }

CPUX86State *vcpu_current_env(void)
{
    xqm_assert(current != NULL);
    return &current->cpu->env;
}

static void set_request(struct vcpu *v, uint32_t bits, bool set)
{
    struct x86_sys *sys = &v->cpu->sys;
    pthread_mutex_lock(&v->lock);
    if (set)
        __atomic_fetch_or(&sys->interrupt_request, bits, __ATOMIC_RELEASE);
    else
        __atomic_fetch_and(&sys->interrupt_request, ~bits, __ATOMIC_RELEASE);
    pthread_cond_signal(&v->cond);
    pthread_mutex_unlock(&v->lock);
    /* A CPU raising its own INTR (from a device access) with IF clear need not leave translated
     * code: whatever sets IF again (sti, popf, iret) looks at interrupt_request itself. This keeps
     * a device's interrupt handler from being kicked out at every register it touches. */
    bool own_masked = current == v && bits == SYS_IRQ_HARD && !(v->cpu->env.eflags & EFLAGS_IF);
    if (set && !own_masked)
        cpu_exit(&v->cpu->env);
}

void vcpu_kick(CPUX86State *env)
{
    struct vcpu *v = env_sys(env)->vcpu;
    cpu_exit(env);
    pthread_mutex_lock(&v->lock);
    pthread_cond_signal(&v->cond);
    pthread_mutex_unlock(&v->lock);
}

void vcpu_set_intr(int index, int level)
{
    if (index < nvcpus)
        set_request(&vcpus[index], SYS_IRQ_HARD, level != 0);
}

void vcpu_nmi(int index)
{
    if (index < nvcpus)
        set_request(&vcpus[index], SYS_IRQ_NMI, true);
}

void sys_request_reset(CPUX86State *env, const char *why)
{
    if (sys_log_cpu_reset || xqm_log_enabled(LOG_INT))
        xqm_log("xqm-system: reset requested (%s)\n", why);
    (void)env;
    set_request(&vcpus[0], SYS_IRQ_RESET, true);
}

static uint32_t requests(struct x86_sys *sys)
{
    return __atomic_load_n(&sys->interrupt_request, __ATOMIC_ACQUIRE);
}

/* Whether the CPU has something to do (used to leave the halted state). */
static bool can_wake(CPUX86State *env)
{
    uint32_t r = requests(env_sys(env));
    if (r & (SYS_IRQ_RESET | SYS_IRQ_NMI))
        return true;
    return (r & SYS_IRQ_HARD) && (env->eflags & EFLAGS_IF);
}

static void do_reset(struct vcpu *v)
{
    if (no_reboot) {
        /* Under the BQL, so that no device (the serial flush timer) runs while exit flushes. */
        bql_lock();
        fflush(stdout);
        exit(0);
    }
    __atomic_fetch_and(&v->cpu->sys.interrupt_request, ~(uint32_t)SYS_IRQ_RESET, __ATOMIC_RELEASE);
    bql_lock();
    tb_flush();
    softmmu_reset_code_pages();
    machine_reset();
    bql_unlock();
}

/* Takes a pending NMI, or a hardware interrupt if IF allows. In sti's shadow, the shadowed
 * instruction runs alone first (softmmu.c keys it as a one-instruction TB) and the interrupt comes
 * right after. NMIs are not blocked until the next iret (xqm has no NMI sources but IPIs). */
static void take_interrupt(CPUX86State *env)
{
    struct x86_sys *sys = env_sys(env);
    if (requests(sys) & SYS_IRQ_NMI) {
        __atomic_fetch_and(&sys->interrupt_request, ~(uint32_t)SYS_IRQ_NMI, __ATOMIC_RELEASE);
        sys->halted = false;
        struct x86_pending_excp nmi = { 2, false, false, 0, 0 };
        sys_deliver(env, &nmi);
        return;
    }
    if (!(requests(sys) & SYS_IRQ_HARD) || !(env->eflags & EFLAGS_IF))
        return;
    if (!sys_interrupts_enabled(env)) {
        sys->step = SYS_STEP_ARMED;
        sys->step_eip = sys->inhibit_eip;
        return;
    }
    bql_lock();
    int vector = sys_ack_interrupt(env);
    bql_unlock();
    if (vector < 0)
        return;
    sys->halted = false;
    struct x86_pending_excp e = { vector, false, false, 0, 0 };
    sys_deliver(env, &e);
}

static void *vcpu_thread(void *arg)
{
    struct vcpu *v = arg;
    CPUX86State *env = &v->cpu->env;
    struct x86_sys *sys = &v->cpu->sys;
    current = v;
    pthread_mutex_lock(&v->lock);
    while (!v->started)
        pthread_cond_wait(&v->cond, &v->lock);
    pthread_mutex_unlock(&v->lock);

    for (;;) {
        if (requests(sys) & SYS_IRQ_RESET) {
            do_reset(v);
            continue;
        }
        if (sys->halted) {
            pthread_mutex_lock(&v->lock);
            while (!can_wake(env))
                pthread_cond_wait(&v->cond, &v->lock);
            pthread_mutex_unlock(&v->lock);
            sys->halted = false;
            continue;
        }
        take_interrupt(env);
        if (requests(sys) & SYS_IRQ_RESET)
            continue;
        int excp = cpu_exec(env);
        softmmu_step_end(env);
        /* The interrupt shadow of sti covers exactly the next instruction. */
        if (sys->inhibit_irq && env->eip != sys->inhibit_eip)
            sys->inhibit_irq = false;
        switch (excp) {
        case EXCP_INTERRUPT:
            break;
        case EXCP_HLT:
            sys->inhibit_irq = false;
            if (!can_wake(env))
                sys->halted = true;
            break;
        default:
            sys_handle_exception(env, excp);
            break;
        }
    }
    return NULL;
}

void vcpu_create_all(int n)
{
    vcpus = calloc((size_t)n, sizeof *vcpus);
    if (!vcpus)
        sys_fatal("out of memory for %d vCPUs", n);
    nvcpus = n;
    for (int i = 0; i < n; i++) {
        struct vcpu *v = &vcpus[i];
        if (posix_memalign((void **)&v->cpu, 64, sizeof *v->cpu) != 0)
            sys_fatal("out of memory for vCPU %d", i);
        memset(v->cpu, 0, sizeof *v->cpu);
        struct x86_sys *sys = &v->cpu->sys;
        sys->cpu_index = i;
        sys->vcpu = v;
        sys->jc_kernel = tb_jc_alloc();
        sys->jc_user = tb_jc_alloc();
        v->cpu->env.jc = sys->jc_kernel;
        softmmu_cpu_init(&v->cpu->env);
        sys_cpu_reset(&v->cpu->env);
        pthread_mutex_init(&v->lock, NULL);
        pthread_cond_init(&v->cond, NULL);
        /* Translated code and its C helpers can nest deeply in the guest's page walks and device
         * calls; give each vCPU a generous stack. */
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 8u << 20);
        if (pthread_create(&v->thread, &attr, vcpu_thread, v) != 0)
            sys_fatal("cannot start the thread of vCPU %d", i);
        pthread_attr_destroy(&attr);
    }
}

void vcpu_start(int index)
{
    struct vcpu *v = &vcpus[index];
    pthread_mutex_lock(&v->lock);
    v->started = true;
    pthread_cond_signal(&v->cond);
    pthread_mutex_unlock(&v->lock);
}
