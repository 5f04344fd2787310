/*
 * System V IPC between a parent and its child: a semaphore set (semop, SETALL/GETALL, IPC_STAT,
 * a timed wait that times out), a message queue (typed messages, MSG_NOERROR, IPC_STAT counters,
 * IPC_NOWAIT on an empty queue) and a shared memory segment attached in both (shmat, shmdt,
 * IPC_STAT attach counts). Private keys only, removed at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

union semun { int val; struct semid_ds *buf; unsigned short *array; };

static void semaphores(void)
{
    int id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
    unsigned short init[2] = { 0, 5 };
    semctl(id, 0, SETALL, (union semun){ .array = init });
    pid_t pid = fork();
    if (pid == 0) {
        struct sembuf up = { 0, 1, 0 };
        semop(id, &up, 1);          /* let the parent go */
        _exit(0);
    }
    struct sembuf down = { 0, -1, 0 };
    int r = semop(id, &down, 1);    /* waits for the child */
    waitpid(pid, NULL, 0);
    struct sembuf take = { 1, -2, 0 };
    semop(id, &take, 1);
    unsigned short vals[2];
    semctl(id, 0, GETALL, (union semun){ .array = vals });
    struct semid_ds ds;
    semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds });
    struct timespec ts = { 0, 20000000 };
    int t = semtimedop(id, &down, 1, &ts);
    int e = errno;
    printf("semaphores: semop %d, values %u %u, nsems %lu, mode %o, timed wait %d %s, GETVAL %d\n", r,
           vals[0], vals[1], (unsigned long)ds.sem_nsems, ds.sem_perm.mode & 0777, t,
           e == EAGAIN ? "EAGAIN" : strerror(e), semctl(id, 1, GETVAL));
    semctl(id, 0, IPC_RMID);
}

struct message {
    long type;
    char text[32];
};

static void messages(void)
{
    int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    pid_t pid = fork();
    if (pid == 0) {
        struct message m = { 2, "second kind" };
        msgsnd(id, &m, strlen(m.text) + 1, 0);
        m = (struct message){ 1, "first kind" };
        msgsnd(id, &m, strlen(m.text) + 1, 0);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    struct msqid_ds ds;
    msgctl(id, IPC_STAT, &ds);
    printf("queue: %lu messages, %lu bytes\n", (unsigned long)ds.msg_qnum,
           (unsigned long)ds.__msg_cbytes);
    struct message m;
    ssize_t n = msgrcv(id, &m, sizeof m.text, 1, 0);
    printf("msgrcv type 1: %zd type %ld '%s'\n", n, m.type, m.text);
    n = msgrcv(id, &m, 4, 0, MSG_NOERROR);
    printf("msgrcv truncated: %zd type %ld '%.4s'\n", n, m.type, m.text);
    n = msgrcv(id, &m, sizeof m.text, 0, IPC_NOWAIT);
    printf("empty queue: %zd %s\n", n, errno == ENOMSG ? "ENOMSG" : strerror(errno));
    msgctl(id, IPC_RMID, NULL);
}

static void shared_memory(void)
{
    int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
    char *p = shmat(id, NULL, 0);
    strcpy(p, "parent");
    pid_t pid = fork();
    if (pid == 0) {
        char *q = shmat(id, NULL, 0);
        strcpy(q + 100, "child wrote this");
        p[0] = 'P';
        shmdt(q);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    struct shmid_ds ds;
    shmctl(id, IPC_STAT, &ds);
    printf("shm: '%s' '%s', size %lu, attached %lu\n", p, p + 100, (unsigned long)ds.shm_segsz,
           (unsigned long)ds.shm_nattch);
    char *ro = shmat(id, NULL, SHM_RDONLY);
    printf("read-only attach sees '%s'\n", ro + 100);
    shmdt(ro);
    int d1 = shmdt(p);
    int d2 = shmdt(p);
    printf("shmdt: %d, again %d %s\n", d1, d2, errno == EINVAL ? "EINVAL" : "?");
    shmctl(id, IPC_RMID, NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    semaphores();
    messages();
    shared_memory();
    return 0;
}
