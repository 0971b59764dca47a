/* Wear report of the journal for a typical household meter.
 *
 * Assumptions (stated in docs/permanent-memory.md, all per day):
 *   A+ total           10 kWh at 0.01 kWh resolution  -> 1000 commits
 *   A+ active tariff   the same energy in one register -> 1000 commits
 *   A+ L1/L2/L3        3.3 kWh each at 0.01 kWh        -> 3 x 333 commits
 *   R+ total           PF ~0.95: 3.3 kvarh at 0.01     ->  330 commits
 *   R- total           1 kvarh (electronics)           ->  100 commits
 *   demand maximum, event counters, clock              ->   20 commits
 *   = 3449 register commits a day, each an 8-byte value, plus once a day a
 *   5-record transaction (daily snapshot) and 150 settings records (32 bytes)
 *   that never change but are carried by compaction.
 * Device: the journal region PP_NVM_JOURNAL_SIZE of an EEPROM with 256-byte
 * pages and 100,000 rated cycles. Wear is counted two ways: per byte (cells
 * written), and per page (every write operation touching a page costs the
 * whole page one cycle, the conservative model for page-programmed EEPROMs).
 *
 * Baseline, run on the same schedule: each register at a fixed address,
 * rewritten in place (8 bytes, registers packed one after the other). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_port.h"
#include "polyphase/journal.h"
#include "polyphase/nvm_keys.h"
#include "polyphase/nvm_layout.h"

#define DAYS 120u
#define PAGE 256u
#define NREG 9u

typedef struct wear {
    pp_fake_port_t f;
    pp_port_t port;
    uint32_t *byte_cycles, *page_cycles;
} wear_t;

static const struct {
    const char *name;
    unsigned per_day;
} regs[NREG] = {
    {"A+ total", 1000}, {"A+ tariff", 1000}, {"A+ L1", 333}, {"A+ L2", 333},
    {"A+ L3", 333},     {"R+ total", 330},   {"R- total", 100}, {"demand max", 10},
    {"events/clock", 10},
};

static pp_err_t wear_write(void *ctx, uint32_t addr, const uint8_t *src, uint32_t len)
{
    wear_t *w = ctx;
    for (uint32_t i = 0; i < len; i++) {
        w->byte_cycles[addr + i]++;
    }
    if (len > 0) {
        w->page_cycles[addr / PAGE]++;
    }
    return w->f.port.nvm_write(&w->f, addr, src, len);
}

static pp_err_t wear_read(void *ctx, uint32_t addr, uint8_t *dst, uint32_t len)
{
    wear_t *w = ctx;
    return w->f.port.nvm_read(&w->f, addr, dst, len);
}

static void wear_init(wear_t *w)
{
    pp_fake_port_init(&w->f, PP_NVM_JOURNAL_SIZE, PAGE);
    w->port = w->f.port;
    w->port.ctx = w;
    w->port.nvm_write = wear_write;
    w->port.nvm_read = wear_read;
    w->byte_cycles = calloc(PP_NVM_JOURNAL_SIZE, sizeof *w->byte_cycles);
    w->page_cycles = calloc(PP_NVM_JOURNAL_SIZE / PAGE, sizeof *w->page_cycles);
}

static uint32_t max_of(const uint32_t *a, size_t n)
{
    uint32_t m = 0;
    for (size_t i = 0; i < n; i++) {
        m = a[i] > m ? a[i] : m;
    }
    return m;
}

/* Register index of the k-th commit of a day: registers interleaved in
 * proportion to their daily counts (Bresenham-like). */
static unsigned pick(unsigned total, long *acc)
{
    unsigned best = 0;
    for (unsigned r = 0; r < NREG; r++) {
        acc[r] += (long)regs[r].per_day;
        if (acc[r] > acc[best]) {
            best = r;
        }
    }
    acc[best] -= (long)total;
    return best;
}

typedef struct result {
    double bytes_per_day, max_byte_per_day, max_page_per_day, ns_per_commit;
    uint64_t commits, compactions;
} result_t;

static pp_journal_t jr;

static result_t run(int journal)
{
    wear_t w;
    wear_init(&w);
    unsigned total = 0;
    for (unsigned r = 0; r < NREG; r++) {
        total += regs[r].per_day;
    }
    uint64_t value[NREG] = {0};
    long acc[NREG] = {0};
    uint64_t commits = 0;
    if (journal) {
        if (pp_journal_open(&jr, &w.port, 0, PP_NVM_JOURNAL_SIZE) != PP_OK) {
            abort();
        }
        uint8_t setting[32] = {0};
        for (unsigned s = 0; s < 150; s++) {
            setting[0] = (uint8_t)s;
            if (pp_journal_write(&jr, (uint16_t)(PP_KEY_COMM_BASE + s), setting, 32) != PP_OK) {
                abort();
            }
        }
    }
    const uint64_t bytes0 = w.f.nvm_bytes_written;
    memset(w.byte_cycles, 0, PP_NVM_JOURNAL_SIZE * sizeof *w.byte_cycles);
    memset(w.page_cycles, 0, PP_NVM_JOURNAL_SIZE / PAGE * sizeof *w.page_cycles);
    clock_t t0 = clock();
    for (unsigned day = 0; day < DAYS; day++) {
        for (unsigned k = 0; k < total; k++) {
            unsigned r = pick(total, acc);
            value[r]++;
            pp_err_t rc;
            if (journal) {
                rc = pp_journal_write(&jr, (uint16_t)(PP_KEY_LEGAL_BASE + r), &value[r], 8);
            } else {
                rc = w.port.nvm_write(&w, r * 8u, (const uint8_t *)&value[r], 8);
            }
            if (rc != PP_OK) {
                abort();
            }
            commits++;
        }
        if (journal) { /* daily snapshot of five registers as one transaction */
            pp_journal_begin(&jr);
            for (unsigned r = 0; r < 5; r++) {
                pp_journal_stage(&jr, (uint16_t)(PP_KEY_BILLING_BASE + r), &value[r], 8);
            }
            if (pp_journal_commit(&jr) != PP_OK) {
                abort();
            }
        } else {
            for (unsigned r = 0; r < 5; r++) {
                w.port.nvm_write(&w, 1024u + r * 8u, (const uint8_t *)&value[r], 8);
            }
        }
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    result_t res = {
        .bytes_per_day = (double)(w.f.nvm_bytes_written - bytes0) / DAYS,
        .max_byte_per_day = (double)max_of(w.byte_cycles, PP_NVM_JOURNAL_SIZE) / DAYS,
        .max_page_per_day = (double)max_of(w.page_cycles, PP_NVM_JOURNAL_SIZE / PAGE) / DAYS,
        .ns_per_commit = secs * 1e9 / (double)commits,
        .commits = commits,
        .compactions = journal ? pp_journal_stats(&jr)->compactions : 0,
    };
    if (journal) { /* the data survived */
        uint64_t v;
        if (pp_journal_open(&jr, &w.port, 0, PP_NVM_JOURNAL_SIZE) != PP_OK ||
            pp_journal_read(&jr, PP_KEY_LEGAL_BASE, &v, 8) != PP_OK || v != value[0]) {
            fprintf(stderr, "wear: journal lost the A+ register\n");
            abort();
        }
    }
    free(w.byte_cycles);
    free(w.page_cycles);
    pp_fake_port_free(&w.f);
    return res;
}

int main(void)
{
    const double endurance = 100000.0;
    result_t j = run(1);
    result_t b = run(0);
    const double per_day = (double)j.commits / DAYS;
    printf("wear: household profile, %.0f register commits/day, %u days simulated, "
           "journal region %u KiB, %u-byte pages, %.0f cycles\n",
           per_day, DAYS, PP_NVM_JOURNAL_SIZE / 1024u, PAGE, endurance);
    printf("  journal : %.1f NVM bytes per commit (8-byte value: 12 header/CRC, rest compaction "
           "and daily snapshot), %.0f bytes/day, %llu compactions\n",
           j.bytes_per_day / per_day, j.bytes_per_day, (unsigned long long)j.compactions);
    const double jy_byte = endurance / j.max_byte_per_day / 365.25;
    const double jy_page = endurance / j.max_page_per_day / 365.25;
    const double by_byte = endurance / b.max_byte_per_day / 365.25;
    const double by_page = endurance / b.max_page_per_day / 365.25;
    printf("  journal : hottest byte %.2f cycles/day -> %.0f years; hottest page %.1f "
           "cycles/day -> %.1f years\n", j.max_byte_per_day, jy_byte, j.max_page_per_day, jy_page);
    printf("  baseline: fixed-address rewrite: hottest byte %.0f cycles/day -> %.2f years; "
           "hottest page %.0f cycles/day -> %.2f years\n",
           b.max_byte_per_day, by_byte, b.max_page_per_day, by_page);
    printf("  speed   : journal %.0f ns/commit, baseline %.0f ns/commit\n", j.ns_per_commit,
           b.ns_per_commit);
    printf("ratio: journal lasts %.0fx longer than fixed-address rewrite (per byte), "
           "%.0fx (per page)\n", jy_byte / by_byte, jy_page / by_page);
    return 0;
}
