/* Time: clock_gettime (MONOTONIC, REALTIME, PROCESS_CPUTIME), gettimeofday and time. Values vary
 * between runs, so only properties are printed: monotonic time never goes backwards, the clocks
 * agree with each other, the date is after 2020, and a busy loop makes monotonic time advance. */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static long long ns(const struct timespec *t)
{
    return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static const char *ok(int cond)
{
    return cond ? "ok" : "FAILED";
}

int main(void)
{
    struct timespec prev, now;
    int mono_ok = clock_gettime(CLOCK_MONOTONIC, &prev) == 0, nsec_ok = 1;
    for (int i = 0; i < 2000; i++) {
        mono_ok &= clock_gettime(CLOCK_MONOTONIC, &now) == 0;
        mono_ok &= ns(&now) >= ns(&prev);
        nsec_ok &= now.tv_nsec >= 0 && now.tv_nsec < 1000000000;
        prev = now;
    }
    printf("monotonic non-decreasing: %s\n", ok(mono_ok));
    printf("tv_nsec in range: %s\n", ok(nsec_ok));

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    volatile unsigned spin = 0;
    do {
        for (int i = 0; i < 10000; i++)
            spin += (unsigned)i;
        clock_gettime(CLOCK_MONOTONIC, &end);
    } while (ns(&end) - ns(&start) < 2000000);
    printf("monotonic advances: %s\n", ok(ns(&end) - ns(&start) >= 2000000));

    struct timespec rt;
    struct timeval tv;
    int rt_ok = clock_gettime(CLOCK_REALTIME, &rt) == 0;
    int tv_ok = gettimeofday(&tv, NULL) == 0;
    time_t t = time(NULL);
    time_t t2;
    time(&t2);
    printf("clock_gettime(REALTIME): %s\n", ok(rt_ok && rt.tv_sec > 1600000000));
    printf("gettimeofday: %s\n", ok(tv_ok && tv.tv_sec > 1600000000 && tv.tv_usec >= 0 &&
                                    tv.tv_usec < 1000000));
    printf("time() after 2020: %s\n", ok(t > 1600000000));
    printf("time(&t) stores: %s\n", ok(t2 >= t && t2 - t < 5));
    printf("clocks agree: %s\n", ok(tv.tv_sec - rt.tv_sec >= 0 && tv.tv_sec - rt.tv_sec < 5 &&
                                    t - tv.tv_sec >= 0 && t - tv.tv_sec < 5));

    struct timespec cpu;
    printf("process cputime: %s\n", ok(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0 &&
                                       cpu.tv_sec >= 0 && cpu.tv_nsec >= 0));

    /* Broken-down UTC time of a fixed instant needs no time zone data. */
    time_t fixed = 1700000000;
    struct tm tm;
    gmtime_r(&fixed, &tm);
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a %j", &tm);
    printf("gmtime(1700000000) = %s\n", buf);
    printf("timegm round trip: %s\n", ok(timegm(&tm) == fixed));
    return 0;
}
