/*
 * I/O multiplexing and the descriptor-based facilities around it: select (and its updated
 * timeout), pselect with a signal mask, poll and ppoll (POLLOUT/POLLWRNORM, POLLHUP), epoll
 * (level and edge triggered, data words kept), eventfd (counter and semaphore modes), timerfd, a
 * POSIX timer signalling through SIGEV_SIGNAL, and a signal waking pselect.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static int p[2];

static void selects(void)
{
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    struct timeval tv = { 1, 0 };
    int n = select(p[1] + 1, &r, &w, NULL, &tv);
    printf("select: %d, readable %d, writable %d\n", n, FD_ISSET(p[0], &r), FD_ISSET(p[1], &w));
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv = (struct timeval){ 0, 30000 };
    n = select(p[0] + 1, &r, NULL, NULL, &tv);
    printf("select timeout: %d, timeval left %ld.%06ld\n", n, (long)tv.tv_sec, (long)tv.tv_usec);
    if (write(p[1], "x", 1) != 1)
        return;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    n = select(p[0] + 1, &r, NULL, NULL, NULL);
    printf("select data: %d, readable %d\n", n, FD_ISSET(p[0], &r));
    char c;
    if (read(p[0], &c, 1) != 1)
        return;
    /* A high descriptor number, in the second 32-bit word of the set. */
    int hi = dup2(p[1], 40);
    FD_ZERO(&w);
    FD_SET(hi, &w);
    n = select(hi + 1, NULL, &w, NULL, NULL);
    printf("select fd 40: %d, writable %d\n", n, FD_ISSET(hi, &w));
    close(hi);
}

static void polls(void)
{
    struct pollfd f[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT | POLLWRNORM, 0 } };
    int n = poll(f, 2, 0);
    printf("poll: %d, in 0x%x, out 0x%x\n", n, f[0].revents, f[1].revents);
    struct timespec ts = { 0, 20000000 };
    n = ppoll(f, 1, &ts, NULL);
    printf("ppoll timeout: %d\n", n);
    int q[2];
    if (pipe(q) != 0)
        return;
    close(q[1]);
    struct pollfd h = { q[0], POLLIN, 0 };
    n = poll(&h, 1, 1000);
    printf("poll hangup: %d, revents 0x%x\n", n, h.revents);
    close(q[0]);
    struct pollfd bad = { 555, POLLIN, 0 };
    n = poll(&bad, 1, 0);
    printf("poll bad fd: %d, revents 0x%x\n", n, bad.revents);
}

static void epolls(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x1122334455667788ull };
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    struct epoll_event out[4];
    int n = epoll_wait(ep, out, 4, 0);
    printf("epoll empty: %d\n", n);
    if (write(p[1], "ab", 2) != 2)
        return;
    n = epoll_wait(ep, out, 4, 1000);
    printf("epoll level: %d, events 0x%x, data 0x%llx\n", n, out[0].events,
           (unsigned long long)out[0].data.u64);
    n = epoll_wait(ep, out, 4, 0);
    printf("epoll level again: %d\n", n);
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u32 = 7;
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    n = epoll_wait(ep, out, 4, 0);
    printf("epoll edge: %d, data %u\n", n, out[0].data.u32);
    n = epoll_wait(ep, out, 4, 0);
    printf("epoll edge again: %d\n", n);
    char buf[4];
    if (read(p[0], buf, 2) != 2)
        return;
    epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);
    int r = epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);
    printf("epoll del twice: %d %s\n", r, errno == ENOENT ? "ENOENT" : "?");
    close(ep);
}

static void eventfds(void)
{
    int e = eventfd(3, 0);
    eventfd_write(e, 4);
    eventfd_t v;
    eventfd_read(e, &v);
    printf("eventfd: %llu\n", (unsigned long long)v);
    close(e);
    e = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    eventfd_read(e, &v);
    unsigned long long first = v;
    eventfd_read(e, &v);
    int r = eventfd_read(e, &v);
    printf("semaphore: %llu %llu, then %d %s\n", first, (unsigned long long)v, r,
           errno == EAGAIN ? "EAGAIN" : "?");
    close(e);
}

static void timerfds(void)
{
    int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    struct itimerspec its = { { 0, 10000000 }, { 0, 10000000 } };
    timerfd_settime(t, 0, &its, NULL);
    uint64_t ticks = 0;
    usleep(35000);
    if (read(t, &ticks, sizeof ticks) != sizeof ticks)
        return;
    struct itimerspec cur;
    timerfd_gettime(t, &cur);
    printf("timerfd: ticked %d, interval %ld ns\n", ticks >= 2, cur.it_interval.tv_nsec);
    close(t);
}

static volatile sig_atomic_t timer_hits, timer_value;

static void on_timer(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    timer_hits++;
    timer_value = si->si_value.sival_int;
}

static void posix_timer(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN + 1, &sa, NULL);
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGRTMIN + 1;
    sev.sigev_value.sival_int = 4321;
    timer_t id;
    timer_create(CLOCK_MONOTONIC, &sev, &id);
    struct itimerspec its = { { 0, 0 }, { 0, 20000000 } };
    timer_settime(id, 0, &its, NULL);
    while (!timer_hits)
        pause();
    printf("posix timer: hits %d, value %d, overrun %d\n", (int)timer_hits, (int)timer_value,
           timer_getoverrun(id));
    timer_delete(id);
}

static void on_usr1(int sig)
{
    (void)sig;
}

static void pselect_mask(void)
{
    signal(SIGUSR1, on_usr1);
    sigset_t block, empty;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);                 /* pending until pselect unblocks it */
    sigemptyset(&empty);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    struct timespec ts = { 5, 0 };
    int n = pselect(p[0] + 1, &r, NULL, NULL, &ts, &empty);
    int e = errno;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("pselect: %d %s, USR1 blocked again %d\n", n, e == EINTR ? "EINTR" : "?",
           sigismember(&now, SIGUSR1));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (pipe(p) != 0)
        return 1;
    selects();
    polls();
    epolls();
    eventfds();
    timerfds();
    posix_timer();
    pselect_mask();
    return 0;
}
