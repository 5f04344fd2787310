/*
 * xqm-system's command line, in the manner of qemu-system-i386:
 *
 *     xqm-system [-m size] [-smp n] -kernel file [-initrd file] [-append cmdline]
 *                [-nographic] [-serial stdio|none] [-no-reboot]
 *                [-device isa-debug-exit[,iobase=N][,iosize=N]] [-d items] [-D logfile]
 *
 * Any mistake on the command line, or a kernel xqm cannot load, is one line on stderr starting
 * with "xqm-system:" and exit status 1, before any guest code runs. After that the process lives
 * as long as the machine: it exits with the guest's isa-debug-exit status, with 0 when the guest
 * resets under -no-reboot, or 0 on Ctrl-A x.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/tb.h"
#include "common/xqm.h"
#include "system/main_loop.h"
#include "system/pc.h"
#include "system/softmmu.h"
#include "target/i386/translate.h"

#define XQM_VERSION "0.1"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: xqm-system [options] -kernel file\n"
            "Runs an i386 PC guest on this host.\n"
            "\n"
            "Options:\n"
            "  -h, -help            print this help and exit\n"
            "  -version             print the version and exit\n"
            "  -m size              RAM size in MiB (suffixes K, M, G; default 128)\n"
            "  -smp n               number of CPUs (only the first runs for now; default 1)\n"
            "  -kernel file         a Linux bzImage or a multiboot kernel\n"
            "  -initrd file         Linux initrd, or multiboot modules ('file args,file2')\n"
            "  -append cmdline      kernel command line\n"
            "  -nographic           no display: the serial port is on stdio\n"
            "  -serial stdio|none   where COM1 goes (default stdio)\n"
            "  -no-reboot           exit instead of restarting when the guest resets\n"
            "  -device isa-debug-exit[,iobase=N][,iosize=N]\n"
            "                       a port (default 0x501) whose value v exits with (v << 1) | 1\n"
            "  -d item[,...]        log items: in_asm, out_asm, int, cpu_reset, exec, unimp\n"
            "  -D logfile           write the -d log to logfile instead of stderr\n");
}

static _Noreturn void command_line_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static _Noreturn void command_line_error(const char *fmt, ...)
{
    va_list ap;
    fputs("xqm-system: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (try -help)\n", stderr);
    exit(1);
}

void sys_fatal(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("xqm-system: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* "-m 256", "-m 1G", "-m size=512M": MiB without a suffix, as QEMU. */
static uint64_t parse_ram_size(const char *s)
{
    const char *v = strncmp(s, "size=", 5) == 0 ? s + 5 : s;
    char *end;
    errno = 0;
    double n = strtod(v, &end);
    if (end == v || errno || n <= 0)
        command_line_error("-m: invalid size '%s'", s);
    uint64_t mult = 1u << 20;
    switch (*end) {
    case 0: break;
    case 'k': case 'K': mult = 1u << 10; end++; break;
    case 'm': case 'M': mult = 1u << 20; end++; break;
    case 'g': case 'G': mult = 1u << 30; end++; break;
    default: command_line_error("-m: invalid size '%s'", s);
    }
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end)
        command_line_error("-m: invalid size '%s'", s);
    uint64_t bytes = (uint64_t)(n * (double)mult) & ~0xfffffull;
    if (bytes < (2u << 20))
        command_line_error("-m: %s is too small (at least 2 MiB)", s);
    if (bytes > 0xe0000000ull)
        command_line_error("-m: %s is too large (at most 3584 MiB: there is no RAM above 4 GiB yet)", s);
    return bytes;
}

static int parse_smp(const char *s)
{
    const char *v = strncmp(s, "cpus=", 5) == 0 ? s + 5 : s;
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || (*end && *end != ',') || n < 1 || n > 255)
        command_line_error("-smp: invalid CPU count '%s' (1 to 255)", s);
    return (int)n;
}

static uint32_t parse_number(const char *what, const char *s)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (end == s || *end || errno || v > 0xffff)
        command_line_error("-device isa-debug-exit: invalid %s '%s'", what, s);
    return (uint32_t)v;
}

static void parse_device(struct machine_config *cfg, const char *spec)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", spec);
    char *save = NULL;
    char *name = strtok_r(buf, ",", &save);
    if (!name || strcmp(name, "isa-debug-exit") != 0)
        command_line_error("-device: unknown device '%s' (xqm-system has isa-debug-exit)", name ? name : "");
    cfg->debug_exit = true;
    cfg->debug_exit_base = 0x501;
    cfg->debug_exit_size = 2;
    for (char *p = strtok_r(NULL, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (strncmp(p, "iobase=", 7) == 0)
            cfg->debug_exit_base = parse_number("iobase", p + 7);
        else if (strncmp(p, "iosize=", 7) == 0)
            cfg->debug_exit_size = parse_number("iosize", p + 7);
        else
            command_line_error("-device isa-debug-exit: unknown property '%s'", p);
    }
    if (cfg->debug_exit_size == 0 || cfg->debug_exit_base + cfg->debug_exit_size > 0x10000)
        command_line_error("-device isa-debug-exit: bad port range");
}

/* -d: the core's categories, plus cpu_reset, which system mode handles itself. */
static void parse_log(const char *spec)
{
    char buf[256], core[256] = "";
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (strcmp(w, "cpu_reset") == 0) {
            sys_log_cpu_reset = true;
            continue;
        }
        static const char *const known[] = { "in_asm", "out_asm", "int", "exec", "unimp" };
        bool ok = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            ok |= strcmp(w, known[i]) == 0;
        if (!ok)
            command_line_error("-d: unknown item '%s' (known: in_asm, out_asm, int, cpu_reset, exec, unimp)", w);
        strncat(core, core[0] ? "," : "", sizeof core - strlen(core) - 1);
        strncat(core, w, sizeof core - strlen(core) - 1);
    }
    if (core[0] && !xqm_log_parse(core))
        exit(1);
}

int main(int argc, char **argv)
{
    struct machine_config cfg = { .ram_size = 128u << 20, .smp = 1, .serial_stdio = true };
    const char *log_file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        /* QEMU accepts --option as well as -option. */
        if (opt[0] == '-' && opt[1] == '-')
            opt++;
        const char *arg = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes_arg = true;
        if (!strcmp(opt, "-h") || !strcmp(opt, "-help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(opt, "-version")) {
            printf("xqm-system %s\n", XQM_VERSION);
            return 0;
        } else if (!strcmp(opt, "-nographic")) {
            cfg.serial_stdio = true;
            takes_arg = false;
        } else if (!strcmp(opt, "-no-reboot")) {
            cfg.no_reboot = true;
            takes_arg = false;
        } else if (!strcmp(opt, "-m") || !strcmp(opt, "-smp") || !strcmp(opt, "-kernel") || !strcmp(opt, "-initrd") ||
                   !strcmp(opt, "-append") || !strcmp(opt, "-serial") || !strcmp(opt, "-device") ||
                   !strcmp(opt, "-d") || !strcmp(opt, "-D")) {
            if (!arg)
                command_line_error("option %s needs an argument", argv[i]);
            if (!strcmp(opt, "-m"))
                cfg.ram_size = parse_ram_size(arg);
            else if (!strcmp(opt, "-smp"))
                cfg.smp = parse_smp(arg);
            else if (!strcmp(opt, "-kernel"))
                cfg.kernel = arg;
            else if (!strcmp(opt, "-initrd"))
                cfg.initrd = arg;
            else if (!strcmp(opt, "-append"))
                cfg.append = arg;
            else if (!strcmp(opt, "-device"))
                parse_device(&cfg, arg);
            else if (!strcmp(opt, "-d"))
                parse_log(arg);
            else if (!strcmp(opt, "-D"))
                log_file = arg;
            else if (!strcmp(arg, "stdio") || !strcmp(arg, "mon:stdio"))
                cfg.serial_stdio = true;
            else if (!strcmp(arg, "none") || !strcmp(arg, "null"))
                cfg.serial_stdio = false;
            else
                command_line_error("-serial: unsupported backend '%s' (stdio or none)", arg);
        } else {
            command_line_error("unknown option '%s'", argv[i]);
        }
        if (takes_arg)
            i++;
    }
    if (!cfg.kernel)
        command_line_error("no -kernel given (xqm-system has no firmware: it boots a Linux or multiboot kernel)");
    if (cfg.initrd && !cfg.kernel)
        command_line_error("-initrd needs -kernel");
    if (log_file) {
        xqm_log_file = fopen(log_file, "we");
        if (!xqm_log_file)
            command_line_error("-D: cannot open '%s': %s", log_file, strerror(errno));
        setvbuf(xqm_log_file, NULL, _IOLBF, 0);
    }

    tb_init();
    softmmu_thunks_init();
    x86_mode_insn_lookup = x86_sys_insn_lookup;
    main_loop_init();
    bql_lock();
    pc_init(&cfg);
    main_loop_run();
    bql_unlock();
    return 0;
}
