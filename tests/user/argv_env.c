/* The initial stack: argc, argv (tests/run-all.sh passes a fixed argument list, including an empty
 * string and one with spaces), envp (the runner sets XQM_TEST_VAR=hello) and the auxiliary vector. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;
extern void _start(void);

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int main(int argc, char **argv, char **envp)
{
    printf("argc=%d\n", argc);
    printf("argv[0] basename=%s\n", base_name(argv[0]));
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc]=%s\n", argv[argc] == NULL ? "NULL" : "not NULL");

    printf("envp==environ: %s\n", envp == environ ? "yes" : "no");
    printf("envp follows argv: %s\n", envp == argv + argc + 1 ? "yes" : "no");
    const char *v = getenv("XQM_TEST_VAR");
    printf("XQM_TEST_VAR=%s\n", v ? v : "(unset)");
    v = getenv("XQM_SURELY_UNSET_VARIABLE");
    printf("XQM_SURELY_UNSET_VARIABLE=%s\n", v ? v : "(unset)");
    int seen = 0;
    for (char **e = envp; *e; e++)
        if (strncmp(*e, "XQM_TEST_VAR=", 13) == 0)
            seen++;
    printf("XQM_TEST_VAR entries=%d\n", seen);
    printf("PATH set: %s\n", getenv("PATH") ? "yes" : "no");
    setenv("XQM_NEW", "added", 1);
    printf("XQM_NEW=%s\n", getenv("XQM_NEW"));

    printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
    printf("sysconf(_SC_PAGESIZE)=%ld\n", sysconf(_SC_PAGESIZE));
    printf("AT_ENTRY is _start: %s\n", getauxval(AT_ENTRY) == (unsigned long)&_start ? "yes" : "no");
    printf("AT_PHDR set: %s\n", getauxval(AT_PHDR) ? "yes" : "no");
    printf("AT_PHNUM>0: %s\n", getauxval(AT_PHNUM) > 0 ? "yes" : "no");
    printf("AT_RANDOM set: %s\n", getauxval(AT_RANDOM) ? "yes" : "no");
    printf("AT_UID matches: %s\n", getauxval(AT_UID) == getuid() ? "yes" : "no");
    printf("AT_EUID matches: %s\n", getauxval(AT_EUID) == geteuid() ? "yes" : "no");
    printf("AT_GID matches: %s\n", getauxval(AT_GID) == getgid() ? "yes" : "no");
    printf("AT_EGID matches: %s\n", getauxval(AT_EGID) == getegid() ? "yes" : "no");
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN basename=%s\n", execfn ? base_name(execfn) : "(none)");
    return 0;
}
