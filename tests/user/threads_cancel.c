/*
 * Thread corner cases that go through the guest libc's own signals: pthread_cancel of a thread
 * spinning on cancellation points and of one blocked in read (the guest's SIGCANCEL), setuid in a
 * multi-threaded process (the guest's SIGSETXID), a process-directed signal received by the one
 * thread waiting for it in sigwait, and the main thread leaving with pthread_exit while another
 * thread goes on and ends the process with exit(7).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *spin(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_testcancel();
        usleep(1000);
    }
    return NULL;
}

static void *blocked_read(void *arg)
{
    (void)arg;
    int p[2];
    char c;
    if (pipe(p) != 0 || read(p[0], &c, 1) < 0)
        return NULL;
    return NULL;
}

static void *waiter(void *arg)
{
    sigset_t *set = arg;
    int sig = 0;
    sigwait(set, &sig);
    return (void *)(long)sig;
}

static void *late(void *arg)
{
    (void)arg;
    usleep(50000);
    printf("late thread still running after main exited\n");
    fflush(stdout);
    exit(7);
}

int main(void)
{
    pthread_t t;
    void *r;
    pthread_create(&t, NULL, spin, NULL);
    usleep(10000);
    pthread_cancel(t);
    pthread_join(t, &r);
    printf("cancel spinning thread: %d\n", r == PTHREAD_CANCELED);
    pthread_create(&t, NULL, blocked_read, NULL);
    usleep(10000);
    pthread_cancel(t);
    pthread_join(t, &r);
    printf("cancel thread blocked in read: %d\n", r == PTHREAD_CANCELED);
    printf("setuid(getuid()) with threads: %d\n", setuid(getuid()));

    static sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    pthread_create(&t, NULL, waiter, &set);
    usleep(10000);
    kill(getpid(), SIGUSR2);
    pthread_join(t, &r);
    printf("sigwait in a thread: got SIGUSR2 %d\n", (long)r == SIGUSR2);

    pthread_create(&t, NULL, late, NULL);
    fflush(stdout);
    pthread_exit(NULL);
}
