/*
 * Logging for -d, and the fatal-error and assertion exits.
 */
#include <stdlib.h>
#include <string.h>

#include "common/xqm.h"

unsigned xqm_log_mask;
FILE *xqm_log_file;

static const struct { const char *name; unsigned mask; } log_names[] = {
    { "in_asm", LOG_IN_ASM }, { "out_asm", LOG_OUT_ASM }, { "exec", LOG_EXEC },
    { "unimp", LOG_UNIMP }, { "int", LOG_INT }, { "strace", LOG_STRACE },
};

bool xqm_log_parse(const char *spec)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        size_t i;
        for (i = 0; i < sizeof log_names / sizeof log_names[0]; i++) {
            if (strcmp(w, log_names[i].name) == 0)
                break;
        }
        if (i == sizeof log_names / sizeof log_names[0]) {
            fprintf(stderr, "xqm: unknown -d category '%s' (known: in_asm, out_asm, exec, unimp, int, strace)\n", w);
            return false;
        }
        xqm_log_mask |= log_names[i].mask;
    }
    return true;
}

void xqm_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(xqm_log_file ? xqm_log_file : stderr, fmt, ap);
    va_end(ap);
}

void xqm_assert_fail(const char *cond, const char *file, int line)
{
    fprintf(stderr, "xqm: internal error: %s:%d: assertion '%s' failed\n", file, line, cond);
    abort();
}

void xqm_fatal(const char *fmt, ...)
{
    va_list ap;
    fputs("xqm: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}
