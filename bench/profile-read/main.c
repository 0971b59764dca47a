/* bench_profile_read: reading a year of 15-minute 4-channel load-profile
 * entries (35,040 rows of 33 bytes, 1.16 MB) through the common reader
 * (pp_log_read: slot read, CRC check, decode, callback per row), and a
 * one-day time range (97 rows, inclusive bounds) out of it, on the fake
 * port's RAM NVM; the year also with the core's table CRC-32 instead of
 * the port's CRC hook.
 *
 * Baseline, measured in the same run: memcpy of the same bytes out of the
 * NVM image (what any reader must at least move). Prints elapsed times,
 * rows per second and the ratios to the baseline. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_port.h"
#include "host_crc32.h"
#include "polyphase/profile.h"

#define YEAR_ROWS 35040u
#define PER_MS (15LL * 60000LL)
#define T0 1767229200000LL /* 2026-01-01 01:00 standard time */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int sum_row(void *user, const pp_log_row_t *row)
{
    uint64_t *sum = user;
    for (uint8_t i = 1; i < row->ncells; i++) {
        *sum += (uint64_t)row->cell[i].value;
    }
    return 0;
}

/* Seconds per full-year read through the common reader. */
static double time_year(const pp_log_view_t *v, int reps, uint64_t *sum)
{
    pp_log_select_t all;
    memset(&all, 0, sizeof(all));
    double t = now_s();
    for (int r = 0; r < reps; r++) {
        if (pp_log_read(v, &all, sum_row, sum) != (int)YEAR_ROWS) {
            return -1.0;
        }
    }
    return (now_s() - t) / reps;
}

int main(void)
{
    const uint32_t slot = PP_LP_ENTRY_OVERHEAD + 16u;
    const uint32_t budget = YEAR_ROWS * slot;
    static pp_fake_port_t fake;
    pp_fake_port_init(&fake, 2u * 1024u * 1024u, 256);
    static pp_lp_t lp;
    if (pp_periodic_open(&lp.p, &fake.port, 0, budget, budget, 4, 15, 0x4C500F04u) != PP_OK) {
        fprintf(stderr, "open failed\n");
        return 1;
    }
    lp.channels = 4;
    lp.period_min = 15;
    uint8_t payload[17];
    for (uint32_t k = 1; k <= YEAR_ROWS; k++) {
        payload[0] = 0;
        for (unsigned c = 0; c < 4; c++) {
            uint32_t v = k * (c + 1);
            memcpy(payload + 1 + 4 * c, &v, 4);
        }
        if (pp_logstore_append(&lp.p.store, T0 + (int64_t)k * PER_MS, payload) != PP_OK) {
            fprintf(stderr, "append failed\n");
            return 1;
        }
    }
    pp_log_view_t v;
    pp_lp_view(&lp, &v);

    /* full year, with the port's CRC-32 hook (if the CPU has one) and
     * with the core's table code, in alternating slices (best of each) */
    const int reps = 20;
    uint64_t sum = 0;
    const pp_host_crc32_fn hook = fake.port.crc32_update;
    double year_s = 1e9, year_table_s = 1e9;
    for (int slice = 0; slice < 10; slice++) {
        fake.port.crc32_update = hook;
        double a = time_year(&v, reps / 10, &sum);
        fake.port.crc32_update = NULL;
        double b = time_year(&v, reps / 10, &sum);
        if (a < 0 || b < 0) {
            fprintf(stderr, "year read failed\n");
            return 1;
        }
        year_s = a < year_s ? a : year_s;
        year_table_s = b < year_table_s ? b : year_table_s;
    }
    fake.port.crc32_update = hook;
    double t;
    uint8_t *copy = malloc(budget);
    volatile uint8_t sink = 0;
    t = now_s();
    for (int r = 0; r < reps * 10; r++) {
        memcpy(copy, fake.nvm, budget);
        sink ^= copy[(uint32_t)r * 7919u % budget];
    }
    double year_base = (now_s() - t) / (reps * 10);

    /* one day out of the year, at 1,000 different days */
    const int days = 1000;
    uint64_t rows = 0;
    uint64_t reads0 = fake.nvm_reads;
    t = now_s();
    for (int d = 0; d < days; d++) {
        int64_t from = T0 + (int64_t)((d * 37) % 364) * 96 * PER_MS;
        pp_log_select_t s = {.by = PP_LOG_BY_RANGE, .from_time = from, .to_time = from + 96 * PER_MS};
        int n = pp_log_read(&v, &s, sum_row, &sum);
        if (n != 97 && n != 96) {
            fprintf(stderr, "day read got %d rows\n", n);
            return 1;
        }
        rows += (uint64_t)n;
    }
    double day_s = (now_s() - t) / days;
    double reads_per_day = (double)(fake.nvm_reads - reads0) / days;
    t = now_s();
    for (int d = 0; d < days * 100; d++) {
        uint32_t off = (uint32_t)((d * 37) % 364) * 96u * slot;
        memcpy(copy, fake.nvm + off, 97u * slot);
        sink ^= copy[d % 97];
    }
    double day_base = (now_s() - t) / (days * 100);

    printf("profile-read: year of 15-min 4-channel entries: %u rows, %.2f ms, %.2f M rows/s\n",
           YEAR_ROWS, year_s * 1e3, YEAR_ROWS / year_s / 1e6);
    printf("  baseline memcpy of %u bytes: %.3f ms; ratio %.1fx\n", budget, year_base * 1e3,
           year_s / year_base);
    printf("  CRC-32: %s; table code %.2f ms, ratio %.2fx\n",
           hook != NULL ? "port hook (carry-less multiply)" : "no port hook on this CPU",
           year_table_s * 1e3, year_table_s / year_s);
    printf("profile-read: one day (range, inclusive): %.1f rows, %.2f us, %.2f M rows/s, "
           "%.1f NVM reads per read\n",
           (double)rows / days, day_s * 1e6, (double)rows / days / day_s / 1e6, reads_per_day);
    printf("  baseline memcpy of 97 rows: %.3f us; ratio %.1fx\n", day_base * 1e6,
           day_s / day_base);
    printf("  (checksum %llu %u)\n", (unsigned long long)sum, (unsigned)sink);
    free(copy);
    pp_fake_port_free(&fake);
    return 0;
}
