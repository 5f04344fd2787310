/*
 * Processes: fork with pipes and dup2, wait4/waitpid/waitid statuses (exit codes, signals,
 * WNOHANG), getppid, setsid/setpgid, vfork, execve of this same program through /proc/self/exe
 * and by path, of a #! script whose interpreter is this program, of a host program, execve
 * failures, popen and system (posix_spawn underneath), and the emulated /proc/self files.
 *
 * The program runs itself in helper modes, chosen by argv[1] ("--child ..."); the test runner's
 * own arguments never start that way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char self[PATH_MAX];

static int child_mode(int argc, char **argv)
{
    if (strcmp(argv[1], "--child-echo") == 0) {
        printf("child: argc %d, argv0 %s, args:", argc, argv[0]);
        for (int i = 2; i < argc; i++)
            printf(" [%s]", argv[i]);
        printf(", XQM_TEST_VAR=%s, NEWVAR=%s\n", getenv("XQM_TEST_VAR") ? getenv("XQM_TEST_VAR") : "-",
               getenv("NEWVAR") ? getenv("NEWVAR") : "-");
        return 23;
    }
    if (strcmp(argv[1], "--child-script") == 0) {
        /* As an interpreter: argv = interpreter, its #! argument, the script, its arguments. */
        printf("interpreter: argc %d, script arg %s, script is ./script* %d, then %s\n", argc,
               argv[1], strncmp(argv[2], "./script", 8) == 0, argc > 3 ? argv[3] : "-");
        return 0;
    }
    return 99;
}

static void fork_pipe_wait(void)
{
    int fds[2];
    if (pipe(fds) != 0)
        return;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        printf("hello through the pipe, ppid ok %d\n", getppid() == parent);
        fflush(stdout);
        _exit(5);
    }
    close(fds[1]);
    char buf[128];
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    close(fds[0]);
    int status;
    pid_t w = wait4(pid, &status, 0, NULL);
    printf("parent read: %s", buf);
    printf("wait4: same pid %d, exited %d status %d\n", w == pid, WIFEXITED(status), WEXITSTATUS(status));

    pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    printf("WNOHANG while running: %d\n", waitpid(pid, &status, WNOHANG));
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    printf("killed: signaled %d, SIGTERM %d\n", WIFSIGNALED(status), WTERMSIG(status) == SIGTERM);

    pid = fork();
    if (pid == 0) {
        pid_t sid = setsid();
        printf("child: setsid ok %d, pgid is pid %d\n", sid == getpid(), getpgid(0) == getpid());
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, &status, 0);
    int r = wait(&status);
    printf("no children left: %d %s\n", r, errno == ECHILD ? "ECHILD" : "?");
}

static void vfork_exit(void)
{
    pid_t pid = vfork();
    if (pid == 0)
        _exit(42);
    int status;
    waitpid(pid, &status, 0);
    printf("vfork: status %d\n", WEXITSTATUS(status));
}

static void run_and_wait(const char *what, const char *path, char *const argv[], char *const envp[])
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execve(path, argv, envp);
        printf("%s: execve failed: %s\n", what, strerror(errno));
        fflush(stdout);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("%s: exit status %d\n", what, WEXITSTATUS(status));
}

static void execs(void)
{
    char *envp[] = { "NEWVAR=fresh", "XQM_TEST_VAR=replaced", NULL };
    char *args1[] = { "renamed-argv0", "--child-echo", "x y", "", "z", NULL };
    run_and_wait("exec /proc/self/exe", "/proc/self/exe", args1, envp);
    char *args2[] = { self, "--child-echo", NULL };
    run_and_wait("exec by path", self, args2, environ);

    /* vfork + execve, as shells do. */
    fflush(stdout);
    pid_t pid = vfork();
    if (pid == 0) {
        char *a[] = { "vforked", "--child-echo", "after vfork", NULL };
        execve("/proc/self/exe", a, environ);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("vfork+exec: status %d\n", WEXITSTATUS(status));

    char script[] = "scriptXXXXXX";
    int fd = mkstemp(script);
    dprintf(fd, "#!%s --child-script\nnot shell\n", self);
    close(fd);
    chmod(script, 0755);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "./%s", script);
    char *args3[] = { "ignored", "first", NULL };
    run_and_wait("exec script", path, args3, environ);
    chmod(script, 0644);
    int r = execve(path, args3, environ);
    printf("exec non-executable: %d %s\n", r, errno == EACCES ? "EACCES" : strerror(errno));
    unlink(script);
    char *none[] = { "none", NULL };
    r = execve("/nonexistent/program", none, environ);
    printf("exec missing: %d %s\n", r, errno == ENOENT ? "ENOENT" : strerror(errno));

    char *echo[] = { "echo", "host program says hi", NULL };
    run_and_wait("exec /bin/echo", "/bin/echo", echo, environ);

    FILE *p = popen("echo from popen; exit 3", "r");
    char line[64] = "";
    if (p && fgets(line, sizeof line, p))
        printf("popen read: %s", line);
    int pst = p ? pclose(p) : -1;
    printf("pclose: %d\n", WEXITSTATUS(pst));
    fflush(stdout);
    int sst = system("echo from system");
    printf("system: %d\n", WEXITSTATUS(sst));
}

static void proc_self(void)
{
    char link[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    printf("/proc/self/exe is this program: %d\n", strcmp(link, self) == 0);

    int fd = open("/proc/self/cmdline", O_RDONLY);
    char cmd[512];
    n = read(fd, cmd, sizeof cmd);
    close(fd);
    printf("/proc/self/cmdline: %zd bytes:", n);
    for (ssize_t i = 0; i < n; i += (ssize_t)strlen(cmd + i) + 1)
        printf(" [%s]", i == 0 ? (strrchr(cmd, '/') ? strrchr(cmd, '/') + 1 : cmd) : cmd + i);
    printf("\n");

    fd = open("/proc/self/auxv", O_RDONLY);
    unsigned long aux[128];
    n = read(fd, aux, sizeof aux);
    close(fd);
    int found_pagesz = 0, entry_ok = 0;
    for (ssize_t i = 0; i + 1 < n / (ssize_t)sizeof aux[0]; i += 2) {
        if (aux[i] == AT_PAGESZ)
            found_pagesz = aux[i + 1] == 4096;
        if (aux[i] == AT_ENTRY)
            entry_ok = aux[i + 1] == getauxval(AT_ENTRY);
    }
    printf("/proc/self/auxv: page size 4096 %d, entry matches %d\n", found_pagesz, entry_ok);

    FILE *m = fopen("/proc/self/maps", "r");
    char line[512];
    int stack = 0, exe = 0, heap = 0;
    while (m && fgets(line, sizeof line, m)) {
        stack |= strstr(line, "[stack]") != NULL;
        exe |= strstr(line, self) != NULL && strstr(line, "r-xp") != NULL;
        heap |= strstr(line, "[heap]") != NULL;
    }
    if (m)
        fclose(m);
    printf("/proc/self/maps: stack %d, executable of the program %d\n", stack, exe);
    (void)heap;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strncmp(argv[1], "--child", 7) == 0)
        return child_mode(argc, argv);
    setvbuf(stdout, NULL, _IONBF, 0);
    if (!realpath("/proc/self/exe", self))
        return 1;
    fork_pipe_wait();
    vfork_exit();
    execs();
    proc_self();
    return 0;
}
