/*
 * The main loop: glib's default context, one GSource for the virtual-clock timers, fd watches
 * for character input, and a poll function that drops the BQL while the loop sleeps.
 *
 * Timers are a list sorted by deadline. Any thread holding the BQL may (re)arm one; the main
 * loop is then woken so that its poll timeout covers the new deadline.
 */
#include <glib.h>
#include <pthread.h>
#include <time.h>

#include "common/xqm.h"
#include "system/main_loop.h"
#include "target/i386/sys.h"

static pthread_mutex_t bql = PTHREAD_MUTEX_INITIALIZER;
static __thread bool bql_held;
static GMainContext *context;
static struct qtimer *timers;
static bool quit;
static int64_t clock_start;

void bql_lock(void)
{
    xqm_assert(!bql_held);
    pthread_mutex_lock(&bql);
    bql_held = true;
}

void bql_unlock(void)
{
    xqm_assert(bql_held);
    bql_held = false;
    pthread_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_held;
}

static int64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t clock_ns(void)
{
    return monotonic_ns() - clock_start;
}

int64_t sys_clock_ns(void)
{
    return clock_ns();
}

void timer_init(struct qtimer *t, void (*cb)(void *opaque), void *opaque)
{
    *t = (struct qtimer){ .cb = cb, .opaque = opaque };
}

void timer_del(struct qtimer *t)
{
    if (!t->pending)
        return;
    for (struct qtimer **p = &timers; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->pending = false;
}

void timer_mod(struct qtimer *t, int64_t expire_ns)
{
    timer_del(t);
    t->expire = expire_ns;
    struct qtimer **p = &timers;
    while (*p && (*p)->expire <= expire_ns)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    t->pending = true;
    if (timers == t)
        main_loop_wakeup();
}

static void run_expired_timers(void)
{
    int64_t now = clock_ns();
    while (timers && timers->expire <= now) {
        struct qtimer *t = timers;
        timers = t->next;
        t->pending = false;
        t->cb(t->opaque);
    }
}

static gboolean timer_prepare(GSource *src, gint *timeout)
{
    (void)src;
    if (!timers) {
        *timeout = -1;
        return FALSE;
    }
    int64_t delta = timers->expire - clock_ns();
    if (delta <= 0) {
        *timeout = 0;
        return TRUE;
    }
    /* Round up so that the loop never wakes just before the deadline and spins. */
    int64_t ms = (delta + 999999) / 1000000;
    *timeout = ms > 1000 ? 1000 : (gint)ms;
    return FALSE;
}

static gboolean timer_check(GSource *src)
{
    (void)src;
    return timers && timers->expire <= clock_ns();
}

static gboolean timer_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
    (void)src;
    (void)cb;
    (void)data;
    run_expired_timers();
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_source_funcs = { timer_prepare, timer_check, timer_dispatch, NULL, NULL, NULL };

/* glib polls with the BQL dropped, so vCPU threads can reach devices while the loop sleeps. */
static gint poll_without_bql(GPollFD *fds, guint nfds, gint timeout)
{
    bql_unlock();
    gint r = g_poll(fds, nfds, timeout);
    bql_lock();
    return r;
}

void main_loop_init(void)
{
    clock_start = monotonic_ns();
    context = g_main_context_default();
    g_main_context_set_poll_func(context, poll_without_bql);
    GSource *src = g_source_new(&timer_source_funcs, sizeof(GSource));
    g_source_attach(src, context);
}

struct input_watch {
    bool (*cb)(void *opaque);
    void *opaque;
};

static gboolean input_ready(GIOChannel *ch, GIOCondition cond, gpointer data)
{
    (void)ch;
    (void)cond;
    struct input_watch *w = data;
    return w->cb(w->opaque) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

void main_loop_add_input(int fd, bool (*cb)(void *opaque), void *opaque)
{
    struct input_watch *w = g_new0(struct input_watch, 1);
    w->cb = cb;
    w->opaque = opaque;
    GIOChannel *ch = g_io_channel_unix_new(fd);
    g_io_add_watch(ch, G_IO_IN | G_IO_HUP | G_IO_ERR, input_ready, w);
    g_io_channel_unref(ch);
}

void main_loop_run(void)
{
    while (!quit)
        g_main_context_iteration(context, TRUE);
}

void main_loop_quit(void)
{
    quit = true;
    main_loop_wakeup();
}

void main_loop_wakeup(void)
{
    if (context)
        g_main_context_wakeup(context);
}
