/*
 * Asynchronous signals: a timer signal interrupting a loop that makes no syscalls, blocking
 * syscalls interrupted with and without SA_RESTART (read on a pipe, nanosleep, pause, wait4),
 * alarm's remaining time, SIGCHLD with its siginfo, and a child signalling its parent, which
 * waits in sigsuspend.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t fired;
static int pipe_fds[2];

static void on_alarm(int sig)
{
    (void)sig;
    fired++;
}

static void on_alarm_write(int sig)
{
    (void)sig;
    fired++;
    if (write(pipe_fds[1], "!", 1) != 1)
        _exit(3);
}

static void install(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void start_timer(long ms)
{
    struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static void spin(void)
{
    install(SIGALRM, on_alarm, 0);
    fired = 0;
    start_timer(30);
    volatile unsigned long n = 0;
    /* Chained TBs, no syscalls: only the signal's cpu_exit gets us out (else the runner's timeout
     * fails the test). The timer may fire before the loop starts on a loaded host, so the count
     * itself is not printed. */
    do
        n++;
    while (!fired);
    printf("spin: interrupted, fired %d\n", (int)fired);
}

static void read_restart(void)
{
    if (pipe(pipe_fds) != 0)
        exit(1);
    install(SIGALRM, on_alarm_write, SA_RESTART);
    fired = 0;
    start_timer(30);
    char c = 0;
    ssize_t r = read(pipe_fds[0], &c, 1);   /* restarted after the handler, which feeds it */
    printf("read with SA_RESTART: %zd '%c', fired %d\n", r, c, (int)fired);

    install(SIGALRM, on_alarm, 0);
    fired = 0;
    start_timer(30);
    r = read(pipe_fds[0], &c, 1);
    int e = errno;
    printf("read without SA_RESTART: %zd %s, fired %d\n", r, e == EINTR ? "EINTR" : "?", (int)fired);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}

static void sleeps(void)
{
    install(SIGALRM, on_alarm, SA_RESTART);
    start_timer(30);
    struct timespec req = { 5, 0 }, rem = { 0, 0 };
    int r = nanosleep(&req, &rem);
    int e = errno;
    printf("nanosleep: %d %s, remaining more than 3 s %d\n", r, e == EINTR ? "EINTR" : "?",
           rem.tv_sec >= 3);
    fired = 0;
    start_timer(30);
    r = pause();
    e = errno;
    printf("pause: %d %s, fired %d\n", r, e == EINTR ? "EINTR" : "?", (int)fired);
    unsigned first = alarm(100);
    unsigned left = alarm(0);
    printf("alarm: %u, then %u left\n", first, left);
}

static volatile sig_atomic_t child_code, child_status, child_pid_ok, usr1;
static pid_t child;

static void on_chld(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    child_code = si->si_code;
    child_status = si->si_status;
    child_pid_ok = si->si_pid == child;
}

static void on_usr1(int sig)
{
    (void)sig;
    usr1++;
}

static void children(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    install(SIGUSR1, on_usr1, 0);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);
    child = fork();
    if (child == 0) {
        kill(getppid(), SIGUSR1);
        _exit(7);
    }
    while (!usr1 || !child_code)
        sigsuspend(&old);
    printf("parent: usr1 %d, SIGCHLD code %s, status %d, pid ok %d\n", (int)usr1,
           child_code == CLD_EXITED ? "CLD_EXITED" : "?", (int)child_status, (int)child_pid_ok);
    int status;
    pid_t w = waitpid(child, &status, 0);
    printf("waitpid: ok %d, exited %d, code %d\n", w == child, WIFEXITED(status), WEXITSTATUS(status));
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* A child killed by a signal, seen in both wait4 and waitid. */
    child = fork();
    if (child == 0) {
        for (;;)
            pause();
    }
    kill(child, SIGUSR2);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    waitid(P_PID, (id_t)child, &si, WEXITED);
    printf("waitid: code %s, status %s\n", si.si_code == CLD_KILLED ? "CLD_KILLED" : "?",
           si.si_status == SIGUSR2 ? "SIGUSR2" : "?");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    spin();
    read_restart();
    sleeps();
    children();
    return 0;
}
