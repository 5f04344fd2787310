/*
 * xqm-user's command line, in the manner of qemu-i386: `xqm-user [options] program [args...]`.
 *
 * Options come before the program name; everything from the program name on belongs to the guest.
 * Any mistake on the command line, or a program xqm cannot run, is one line on stderr starting
 * with "xqm-user:" and exit status 1, before any guest code runs. The guest's environment is
 * xqm's own, edited by -E and -U.
 *
 * When the guest execs another i386 program, xqm starts itself again (syscall_exec.c) with the
 * options that describe how to run rather than what to run: -strace, -d, -D and -exec-prefix.
 * -exec-prefix names a command that must run xqm-user itself, for when the host kernel cannot run
 * the xqm binary directly (xqm-user under qemu-mips64el on another architecture, without a
 * binfmt_misc entry for MIPS): "-exec-prefix 'qemu-mips64el-static -cpu Loongson-3A1000'".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/tb.h"
#include "common/xqm.h"
#include "linux-user/user.h"

#define XQM_VERSION "0.1"

struct options {
    const char *argv0;          /* -0: argv[0] for the guest instead of the program path */
    const char *log_file;
    const char *log_items;      /* -d */
    const char *exec_prefix;
    bool strace;
    char **envp;                /* the guest environment, a glib string vector */
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: xqm-user [options] program [arguments...]\n"
            "Runs a static i386 Linux program on this host.\n"
            "\n"
            "Options:\n"
            "  -h, -help          print this help and exit\n"
            "  -version           print the version and exit\n"
            "  -strace            log every system call to stderr\n"
            "  -d item[,...]      log items: in_asm, out_asm, exec, unimp, int, strace\n"
            "  -D logfile         write the -d log to logfile instead of stderr\n"
            "  -E var=value       set var in the guest's environment\n"
            "  -U var             remove var from the guest's environment\n"
            "  -0 argv0           pass argv0 as the guest's argv[0]\n"
            "  -exec-prefix CMD   run CMD followed by xqm-user when the guest execs an i386 program\n"
            "                     (e.g. 'qemu-mips64el-static -cpu Loongson-3A1000')\n");
}

static _Noreturn void command_line_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static _Noreturn void command_line_error(const char *fmt, ...)
{
    va_list ap;
    fputs("xqm-user: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/*
 * Parses the options (one or two leading dashes both work, as in QEMU) and returns the index of
 * the program name in argv.
 */
static int parse_options(int argc, char **argv, struct options *opt)
{
    int i;
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *name = argv[i] + 1;
        if (strcmp(name, "-") == 0) {
            i++;
            break;
        }
        if (name[0] == '-')
            name++;
        if (strcmp(name, "h") == 0 || strcmp(name, "help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strcmp(name, "version") == 0) {
            printf("xqm-user version " XQM_VERSION " (i386 guest, MIPS64 host)\n");
            exit(0);
        }
        if (strcmp(name, "strace") == 0) {
            xqm_log_mask |= LOG_STRACE;
            opt->strace = true;
            continue;
        }
        bool takes_value = strcmp(name, "d") == 0 || strcmp(name, "D") == 0
                           || strcmp(name, "E") == 0 || strcmp(name, "U") == 0
                           || strcmp(name, "0") == 0 || strcmp(name, "exec-prefix") == 0;
        if (!takes_value)
            command_line_error("unknown option '%s' (try -h)", argv[i]);
        if (i + 1 >= argc)
            command_line_error("option '%s' needs an argument", argv[i]);
        const char *value = argv[++i];
        if (strcmp(name, "d") == 0) {
            if (!xqm_log_parse(value))
                exit(1);
            opt->log_items = value;
        } else if (strcmp(name, "exec-prefix") == 0) {
            opt->exec_prefix = value;
        } else if (strcmp(name, "D") == 0) {
            opt->log_file = value;
        } else if (strcmp(name, "E") == 0) {
            const char *eq = strchr(value, '=');
            if (!eq || eq == value)
                command_line_error("-E needs var=value, not '%s'", value);
            char *var = g_strndup(value, (gsize)(eq - value));
            opt->envp = g_environ_setenv(opt->envp, var, eq + 1, TRUE);
            g_free(var);
        } else if (strcmp(name, "U") == 0) {
            opt->envp = g_environ_unsetenv(opt->envp, value);
        } else {
            opt->argv0 = value;
        }
    }
    if (i >= argc)
        command_line_error("no program to run (try -h)");
    return i;
}

/* The command line execve uses to run another i386 program the way this one runs. */
static void record_self_command(const struct options *opt, const char *self_argv0)
{
    char **prefix = NULL;
    gint nprefix = 0;
    if (opt->exec_prefix && *opt->exec_prefix
        && !g_shell_parse_argv(opt->exec_prefix, &nprefix, &prefix, NULL))
        command_line_error("cannot parse -exec-prefix '%s'", opt->exec_prefix);
    GPtrArray *v = g_ptr_array_new();
    for (gint i = 0; i < nprefix; i++)
        g_ptr_array_add(v, prefix[i]);
    /* The xqm binary: /proc/self/exe now, since the guest will give that path another meaning. */
    char *self = g_file_read_link("/proc/self/exe", NULL);
    g_ptr_array_add(v, self ? self : g_strdup(self_argv0));
    if (opt->strace)
        g_ptr_array_add(v, g_strdup("-strace"));
    if (opt->log_items) {
        g_ptr_array_add(v, g_strdup("-d"));
        g_ptr_array_add(v, g_strdup(opt->log_items));
    }
    if (opt->log_file) {
        g_ptr_array_add(v, g_strdup("-D"));
        g_ptr_array_add(v, g_strdup(opt->log_file));
    }
    if (opt->exec_prefix) {
        g_ptr_array_add(v, g_strdup("-exec-prefix"));
        g_ptr_array_add(v, g_strdup(opt->exec_prefix));
    }
    int n = (int)v->len;
    g_ptr_array_add(v, NULL);
    exec_set_self(n, (char **)g_ptr_array_free(v, FALSE));
    g_free(prefix);
}

int main(int argc, char **argv)
{
    struct options opt = { .envp = g_get_environ() };
    int prog_index = parse_options(argc, argv, &opt);
    const char *path = argv[prog_index];

    if (opt.log_file) {
        xqm_log_file = fopen(opt.log_file, "we");
        if (!xqm_log_file)
            command_line_error("cannot open log file '%s': %s", opt.log_file, strerror(errno));
        setvbuf(xqm_log_file, NULL, _IOLBF, 0);
    }

    record_self_command(&opt, argv[0]);
    guest_space_init();
    tb_init();
    CPUX86State *env = calloc(1, sizeof *env);
    if (!env)
        command_line_error("out of memory");
    cpu_init_user(env);
    task_init_main(env);

    uint32_t cpuid1[4];
    cpu_x86_cpuid(env, 1, 0, cpuid1);

    int guest_argc = argc - prog_index;
    char **guest_argv = &argv[prog_index];
    if (opt.argv0)
        guest_argv[0] = (char *)opt.argv0;
    char err[512];
    if (!elf_load_program(path, path, guest_argc, guest_argv, opt.envp, cpuid1[3], &guest_image,
                          err, sizeof err))
        command_line_error("%s", err);
    g_strfreev(opt.envp);

    /* Linux starts an i386 process with every register zero but esp (edx 0: no rtld_fini). */
    env->eip = guest_image.entry;
    env->regs[R_ESP] = guest_image.initial_esp;

    signal_init();
    cpu_loop(env);
}
