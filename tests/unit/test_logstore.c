/* logstore: slot layout against a hand-built slot (CRC from Python's
 * zlib.crc32, an independent CRC-32 implementation), wrap-around keeps the
 * newest, recovery after every number of appends and after a tear at every
 * byte of every write, bisection costs, and the common reader's DLMS
 * selection semantics on a store whose entries are known by construction
 * (entry k has time 1000*k and payload byte k). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_port.h"
#include "polyphase/logstore.h"

#define NVM 4096u
#define TAG 0x11223344u

static pp_fake_port_t fake;

static int setup(void **state)
{
    (void)state;
    pp_fake_port_init(&fake, NVM, 8);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pp_fake_port_free(&fake);
    return 0;
}

/* Entry k (1-based, in append order): time 1000*k, payload bytes k, k+1,... */
static void payload_of(uint32_t k, uint8_t *p, uint16_t len)
{
    for (uint16_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(k + i);
    }
}

static void append_k(pp_logstore_t *ls, uint32_t k)
{
    uint8_t p[PP_LOGSTORE_MAX_PAYLOAD];
    payload_of(k, p, ls->payload_len);
    assert_int_equal(pp_logstore_append(ls, 1000 * (int64_t)k, p), PP_OK);
}

static void test_slot_layout(void **state)
{
    (void)state;
    pp_logstore_t ls;
    assert_int_equal(pp_logstore_open(&ls, &fake.port, 100, 4, 5, TAG), PP_OK);
    assert_int_equal(pp_logstore_count(&ls), 0);
    assert_int_equal(pp_logstore_append(&ls, 1000, "ABCDE"), PP_OK);
    /* seq 1, time 1000, "ABCDE", CRC-32 of tag||body LE = 0xd11d7866
     * (zlib.crc32(pack('<IIq', 0x11223344, 1, 1000) + b'ABCDE')). */
    static const uint8_t want[21] = {1, 0, 0, 0, 0xE8, 3, 0, 0, 0, 0, 0, 0, 'A', 'B',
                                     'C', 'D', 'E', 0x66, 0x78, 0x1D, 0xD1};
    assert_memory_equal(fake.nvm + 100, want, sizeof(want));
    assert_int_equal(fake.nvm[121], 0xFF); /* slot 1 untouched */
    /* Second entry goes to slot 1 (base + 21). */
    assert_int_equal(pp_logstore_append(&ls, 2000, "FGHIJ"), PP_OK);
    assert_int_equal(fake.nvm[121], 2);
    assert_int_equal(pp_logstore_slots_for(554400, 17), 16800);
}

static void test_args(void **state)
{
    (void)state;
    pp_logstore_t ls;
    assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, 4, 0, TAG), PP_ERR_ARG);
    assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, 1, 4, TAG), PP_ERR_ARG);
    assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, 4, PP_LOGSTORE_MAX_PAYLOAD + 1, TAG),
                     PP_ERR_ARG);
    assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, NVM / 20 + 1, 4, TAG), PP_ERR_ARG);
    assert_int_equal(pp_logstore_open(&ls, &fake.port, NVM, 2, 4, TAG), PP_ERR_ARG);
    assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, NVM / 20, 4, TAG), PP_OK);
    fake.port.nvm.erase_size = 64;
    assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, 4, 4, TAG), PP_ERR_UNSUPPORTED);
    fake.port.nvm.erase_size = 0;
    /* time going backwards is refused; equal times are fine */
    assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, 4, 4, TAG), PP_OK);
    append_k(&ls, 5);
    uint8_t p[4] = {0};
    assert_int_equal(pp_logstore_append(&ls, 4999, p), PP_ERR_RANGE);
    assert_int_equal(pp_logstore_append(&ls, 5000, p), PP_OK);
    assert_int_equal(pp_logstore_get(&ls, 2, NULL, NULL, NULL), PP_ERR_NOT_FOUND);
    /* sequence numbers stop a lap short of 2^32 (4e9 entries: never in
     * service, but a store must refuse rather than wrap) */
    ls.next_seq = 0xFFFFFFFEu - 4u;
    ls.oldest_seq = ls.next_seq - 2u;
    assert_int_equal(pp_logstore_append(&ls, 6000, p), PP_OK);
    assert_int_equal(pp_logstore_append(&ls, 6000, p), PP_ERR_NOSPACE);
}

/* Checks the store holds exactly entries [lo, hi] (append numbers). */
static void expect_entries(pp_logstore_t *ls, uint32_t lo, uint32_t hi)
{
    assert_int_equal(pp_logstore_count(ls), hi - lo + 1u);
    for (uint32_t k = lo; k <= hi; k++) {
        uint8_t p[PP_LOGSTORE_MAX_PAYLOAD], w[PP_LOGSTORE_MAX_PAYLOAD];
        int64_t t;
        uint32_t seq;
        assert_int_equal(pp_logstore_get(ls, k - lo, &t, &seq, p), PP_OK);
        payload_of(k, w, ls->payload_len);
        assert_int_equal(seq, k);
        assert_int_equal(t, 1000 * (int64_t)k);
        assert_memory_equal(p, w, ls->payload_len);
    }
}

/* A store of capacity slots at 0 with entries 1..count appended. */
static void open_filled(pp_logstore_t *ls, uint32_t capacity, uint16_t payload_len, uint32_t count)
{
    assert_int_equal(pp_logstore_open(ls, &fake.port, 0, capacity, payload_len, TAG), PP_OK);
    for (uint32_t k = 1; k <= count; k++) {
        append_k(ls, k);
    }
}

static void test_wrap_keeps_newest(void **state)
{
    (void)state;
    pp_logstore_t ls;
    open_filled(&ls, 10, 6, 25);
    expect_entries(&ls, 16, 25);
    int64_t t;
    assert_int_equal(pp_logstore_newest_time(&ls, &t), PP_OK);
    assert_int_equal(t, 25000);
}

/* Fresh store, k appends, reopen: same state; recovery cost bounded. */
static void test_recovery_every_count(void **state)
{
    (void)state;
    const uint32_t cap = 37;
    for (uint32_t k = 0; k <= 3 * cap + 2; k++) {
        memset(fake.nvm, 0xFF, NVM);
        pp_logstore_t ls, re;
        assert_int_equal(pp_logstore_open(&ls, &fake.port, 64, cap, 9, TAG), PP_OK);
        for (uint32_t i = 1; i <= k; i++) {
            append_k(&ls, i);
        }
        assert_int_equal(pp_logstore_open(&re, &fake.port, 64, cap, 9, TAG), PP_OK);
        assert_int_equal(re.next_seq, ls.next_seq);
        assert_int_equal(re.oldest_seq, ls.oldest_seq);
        assert_true(re.stats.slot_reads <= 6 + 3); /* ceil(log2 37) = 6, +3 */
        if (k > 0) {
            assert_int_equal(re.last_time, 1000 * (int64_t)k);
            expect_entries(&re, k > cap ? k - cap + 1 : 1, k);
        }
    }
    /* a different tag sees an empty store */
    pp_logstore_t other;
    assert_int_equal(pp_logstore_open(&other, &fake.port, 64, cap, 9, TAG + 1), PP_OK);
    assert_int_equal(pp_logstore_count(&other), 0);
}

/* Tear append number k at every write and every byte: everything appended
 * before it survives (the oldest may go only when the ring was full, as
 * that slot was being overwritten), and the store goes on working. */
static void test_tear_everywhere(void **state)
{
    (void)state;
    const uint32_t cap = 7;
    const uint16_t plen = 9; /* 25-byte slots over 8-byte pages: 4-5 writes */
    for (uint32_t k = 1; k <= 2 * cap + 3; k++) {
        for (uint32_t w = 0; w < 5; w++) {
            for (uint32_t byte = 0; byte < 8; byte++) {
                memset(fake.nvm, 0xFF, NVM);
                pp_fake_power_on(&fake);
                pp_logstore_t ls;
                assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, cap, plen, TAG), PP_OK);
                for (uint32_t i = 1; i < k; i++) {
                    append_k(&ls, i);
                }
                pp_fake_cut_power_at(&fake, (int64_t)(fake.nvm_writes + w), byte);
                uint8_t p[16];
                payload_of(k, p, plen);
                pp_err_t rc = pp_logstore_append(&ls, 1000 * (int64_t)k, p);
                pp_fake_power_on(&fake);
                assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, cap, plen, TAG), PP_OK);
                uint32_t hi = pp_logstore_count(&ls) > 0 ? ls.next_seq - 1u : 0;
                if (rc == PP_OK) {
                    assert_int_equal(hi, k); /* cut fell after the last write */
                } else {
                    assert_true(hi == k - 1u || hi == k); /* a tear at the last byte may survive */
                }
                uint32_t lo = ls.oldest_seq;
                /* before the append: max(1, k-cap)..k-1; a full ring may lose one */
                assert_true(lo <= (k > cap ? k - cap + 1u : 1u));
                if (hi > 0) {
                    expect_entries(&ls, lo, hi);
                }
                append_k(&ls, hi + 1u); /* still appends after the tear */
                assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, cap, plen, TAG), PP_OK);
                assert_int_equal(ls.next_seq - 1u, hi + 1u);
            }
        }
    }
}

/* Collects rows for the reader tests. */
typedef struct rows {
    unsigned n;
    uint32_t entry[64];
    int64_t cell[64][4];
    uint8_t ncells[64];
    unsigned stop_after;
} rows_t;

static int collect(void *user, const pp_log_row_t *row)
{
    rows_t *r = user;
    if (r->n < 64) {
        r->entry[r->n] = row->entry;
        r->ncells[r->n] = row->ncells;
        for (uint8_t i = 0; i < row->ncells && i < 4; i++) {
            r->cell[r->n][i] = row->cell[i].value;
        }
    }
    r->n++;
    return r->stop_after != 0 && r->n >= r->stop_after ? 1 : 0;
}

static const pp_log_column_t cols[3] = {
    {"time", PP_LOG_TIME}, {"b0", PP_LOG_U8}, {"b1", PP_LOG_U8}};

static pp_err_t decode(const void *logger, int64_t t, const uint8_t *p, pp_log_cell_t *c)
{
    (void)logger;
    c[0] = (pp_log_cell_t){PP_LOG_TIME, 0, t};
    c[1] = (pp_log_cell_t){PP_LOG_U8, 1, p[0]};
    c[2] = (pp_log_cell_t){PP_LOG_U8, 2, p[1]};
    return PP_OK;
}

static void test_reader(void **state)
{
    (void)state;
    pp_logstore_t ls;
    assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, 20, 2, TAG), PP_OK);
    pp_log_view_t v = {.store = &ls, .columns = cols, .ncolumns = 3, .decode = decode};
    rows_t r;
    pp_log_select_t s;

    memset(&r, 0, sizeof(r));
    memset(&s, 0, sizeof(s));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 0); /* empty */

    for (uint32_t k = 1; k <= 30; k++) { /* keeps 11..30 */
        append_k(&ls, k);
    }
    /* all, oldest first */
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 20);
    assert_int_equal(r.cell[0][0], 11000);
    assert_int_equal(r.cell[19][0], 30000);
    assert_int_equal(r.entry[0], 1);

    /* range 14000..16500 inclusive: entries 14, 15, 16 */
    s.by = PP_LOG_BY_RANGE;
    s.from_time = 14000;
    s.to_time = 16500;
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 3);
    assert_int_equal(r.cell[0][0], 14000);
    assert_int_equal(r.cell[2][0], 16000);
    assert_int_equal(r.cell[0][1], 14);
    /* inclusive upper bound, newest first */
    s.to_time = 16000;
    s.newest_first = true;
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 3);
    assert_int_equal(r.cell[0][0], 16000);
    assert_int_equal(r.cell[2][0], 14000);
    /* range outside the data, reversed range */
    s.newest_first = false;
    s.from_time = 0;
    s.to_time = 10999;
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 0);
    s.from_time = 40000;
    s.to_time = INT64_MAX;
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 0);
    s.from_time = 20000;
    s.to_time = 19000;
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 0);
    /* open upper bound */
    s.from_time = 29000;
    s.to_time = INT64_MAX;
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 2);

    /* entry 2..4 oldest first: entries 12, 13, 14; only columns 2..3 */
    memset(&s, 0, sizeof(s));
    s.by = PP_LOG_BY_ENTRY;
    s.from_entry = 2;
    s.to_entry = 4;
    s.from_value = 2;
    s.to_value = 0;
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 3);
    assert_int_equal(r.ncells[0], 2);
    assert_int_equal(r.cell[0][0], 12); /* b0 of entry 12 */
    assert_int_equal(r.cell[0][1], 13); /* b1 */
    assert_int_equal(r.entry[2], 4);
    /* newest first: entry 1 = newest (30), to_entry 0 = to the end */
    s.newest_first = true;
    s.from_entry = 1;
    s.to_entry = 0;
    s.from_value = 1;
    s.to_value = 1;
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 20);
    assert_int_equal(r.cell[0][0], 30000);
    assert_int_equal(r.cell[19][0], 11000);
    assert_int_equal(r.ncells[0], 1);
    /* to_entry past the end is clipped; from past the end is empty */
    s.from_entry = 19;
    s.to_entry = 99;
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 2);
    s.from_entry = 21;
    s.to_entry = 0;
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 0);
    /* early stop by the callback */
    s.from_entry = 1;
    memset(&r, 0, sizeof(r));
    r.stop_after = 5;
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 5);
    /* bad selections */
    s.from_entry = 5;
    s.to_entry = 4;
    assert_int_equal(pp_log_read(&v, &s, collect, &r), PP_ERR_RANGE);
    s.from_entry = 1;
    s.to_entry = 0;
    s.to_value = 4;
    assert_int_equal(pp_log_read(&v, &s, collect, &r), PP_ERR_RANGE);
    s.to_value = 0;
    s.mask = 0x8;
    assert_int_equal(pp_log_read(&v, &s, collect, &r), PP_ERR_RANGE);
    s.mask = 0x5; /* time and b1 */
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 20);
    assert_int_equal(r.ncells[0], 2);
    assert_int_equal(r.cell[0][1], 31); /* b1 of entry 30 = 30 + 1 */
    s.by = 7;
    assert_int_equal(pp_log_read(&v, &s, collect, &r), PP_ERR_RANGE);
}

/* A slot that rots after being written is skipped, not fatal. */
static void test_rotten_slot(void **state)
{
    (void)state;
    pp_logstore_t ls;
    assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, 20, 2, TAG), PP_OK);
    for (uint32_t k = 1; k <= 10; k++) {
        append_k(&ls, k);
    }
    fake.nvm[5 * 18 + 13] ^= 0x40; /* payload of entry 6 */
    pp_log_view_t v = {.store = &ls, .columns = cols, .ncolumns = 3, .decode = decode};
    pp_log_select_t s = {.by = PP_LOG_BY_RANGE, .from_time = 5000, .to_time = 8000};
    rows_t r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 3); /* 5, 7, 8 */
    assert_int_equal(r.cell[1][0], 7000);
    assert_int_equal(ls.stats.bad_slots > 0, 1);
    uint32_t idx;
    assert_int_equal(pp_logstore_lower_bound(&ls, 6000, &idx), PP_OK);
    assert_true(idx == 5 || idx == 6);
}

/* Reads of a wrapped ring in both directions (the reader steps slot by
 * slot across the end of the region): a slot with a flipped seq bit, one
 * with a flipped CRC bit and one holding an intact older entry (a stale
 * lap, its CRC right) are each skipped and counted; the rest come in order. */
static void test_wrapped_ring_skips_bad_slots(void **state)
{
    (void)state;
    pp_logstore_t ls;
    enum { SLOT = 18 }; /* 2 payload bytes + 16 */
    uint8_t stale[SLOT];
    assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, 5, 2, TAG), PP_OK);
    for (uint32_t k = 1; k <= 12; k++) {
        append_k(&ls, k);
        if (k == 3) {
            memcpy(stale, fake.nvm + 2 * SLOT, SLOT); /* entry 3 lives in slot 2 */
        }
    }
    /* entries 8..12 in slots 2, 3, 4, 0, 1 */
    pp_log_view_t v = {.store = &ls, .columns = cols, .ncolumns = 3, .decode = decode};
    pp_log_select_t s = {.by = PP_LOG_BY_ALL};
    rows_t r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 5);
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(r.cell[i][0], 1000 * (int64_t)(8 + i));
        assert_int_equal(r.cell[i][1], 8 + i); /* payload byte k */
        assert_int_equal(r.entry[i], i + 1);
    }
    s.newest_first = true;
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 5);
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(r.cell[i][0], 1000 * (int64_t)(12 - i));
    }
    fake.nvm[4 * SLOT + 0] ^= 0x01;  /* entry 10: seq */
    fake.nvm[0 * SLOT + 14] ^= 0x80; /* entry 11: CRC */
    memcpy(fake.nvm + 2 * SLOT, stale, SLOT); /* entry 8: entry 3 of the last lap */
    const uint64_t bad0 = ls.stats.bad_slots;
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 2); /* newest first: 12, 9 */
    assert_int_equal(r.cell[0][0], 12000);
    assert_int_equal(r.cell[1][0], 9000);
    assert_int_equal(ls.stats.bad_slots - bad0, 3);
    s.newest_first = false;
    s.by = PP_LOG_BY_RANGE;
    s.from_time = 8000;
    s.to_time = 12000;
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 2);
    assert_int_equal(r.cell[0][0], 9000);
    assert_int_equal(r.cell[1][0], 12000);
    int64_t t;
    assert_int_equal(pp_logstore_get(&ls, 0, &t, NULL, NULL), PP_ERR_CORRUPT);
    assert_int_equal(pp_logstore_get(&ls, 1, &t, NULL, NULL), PP_OK);
    assert_int_equal(t, 9000);
}

/* Runs of a read with read-ahead, for pp_log_read_runs. */
typedef struct runs {
    unsigned n, entries;
    uint32_t first_entry[8], first_seq[8], len[8];
    int64_t time[16];
    uint8_t b0[16];
    int stop_at_run; /* 1-based run to stop in, after its first entry */
} runs_t;

static int collect_run(void *user, const pp_log_run_t *run)
{
    runs_t *r = user;
    r->first_entry[r->n] = run->entry;
    r->first_seq[r->n] = run->seq;
    r->len[r->n] = run->n;
    r->n++;
    for (uint32_t k = 0; k < run->n; k++) {
        const pp_log_entry_t e = pp_log_run_entry(run, k);
        r->time[r->entries] = e.time;
        r->b0[r->entries] = e.payload[0];
        r->entries++;
    }
    return r->stop_at_run == (int)r->n ? 1 : PP_OK;
}

/* Two runs of two entries each: first entries, seqs, times (payload byte
 * 0 = k for entry k at 1000 k). */
static void expect_two_runs(const runs_t *r, const uint32_t entry[2], const uint32_t seq[2],
                            const int64_t time[4])
{
    assert_int_equal(r->n, 2);
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(r->first_entry[i], entry[i]);
        assert_int_equal(r->first_seq[i], seq[i]);
        assert_int_equal(r->len[i], 2);
    }
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(r->time[i], time[i]);
        assert_int_equal(r->b0[i], time[i] / 1000);
    }
}

/* A wrapped ring (entries 8..12 in slots 2, 3, 4, 0, 1) read with
 * read-ahead both ways: one NVM read per stretch of slots up to the
 * region's end, each slot counted; the rotted entry 10 splits the runs
 * and is counted once; a stop inside a run ends the read there. */
static void test_runs_read_ahead(void **state)
{
    (void)state;
    pp_logstore_t ls;
    open_filled(&ls, 5, 2, 12);
    fake.nvm[4 * 18 + 12] ^= 0x01; /* entry 10: payload */
    pp_log_view_t v = {.store = &ls, .columns = cols, .ncolumns = 3, .decode = decode};
    pp_log_select_t s = {.by = PP_LOG_BY_ALL, .ahead = 8};
    runs_t r;
    memset(&r, 0, sizeof r);
    pp_logstore_stats_t st0 = ls.stats;
    assert_int_equal(pp_log_read_runs(&v, &s, collect_run, &r), 4);
    assert_int_equal(ls.stats.slot_reads - st0.slot_reads, 5);
    assert_int_equal(ls.stats.nvm_reads - st0.nvm_reads, 2); /* slots 2..4, 0..1 */
    assert_int_equal(ls.stats.bad_slots - st0.bad_slots, 1);
    static const uint32_t OLD_ENTRY[2] = {1, 4}, OLD_SEQ[2] = {8, 11};
    static const int64_t OLDEST[4] = {8000, 9000, 11000, 12000};
    expect_two_runs(&r, OLD_ENTRY, OLD_SEQ, OLDEST);
    s.newest_first = true;
    memset(&r, 0, sizeof r);
    assert_int_equal(pp_log_read_runs(&v, &s, collect_run, &r), 4);
    /* 12, 11 (slots 1, 0), then 9, 8 */
    static const uint32_t NEW_ENTRY[2] = {5, 2}, NEW_SEQ[2] = {12, 9};
    static const int64_t NEWEST[4] = {12000, 11000, 9000, 8000};
    expect_two_runs(&r, NEW_ENTRY, NEW_SEQ, NEWEST);
    memset(&r, 0, sizeof r);
    r.stop_at_run = 1;
    assert_int_equal(pp_log_read_runs(&v, &s, collect_run, &r), 1);
    assert_int_equal(r.n, 1);
    /* a view without a store has no entries to hand out */
    pp_log_view_t src = {.columns = cols, .ncolumns = 3};
    assert_int_equal(pp_log_read_runs(&src, &s, collect_run, &r), PP_ERR_ARG);
}

/* Maps only short ranges, like a window onto external memory. */
static const uint8_t *map_short(void *ctx, uint32_t addr, uint32_t len)
{
    return len <= 100u ? pp_fake_nvm_map(ctx, addr, len) : NULL;
}

typedef struct seq_check {
    uint32_t runs, entries, next_k;
    int step;
} seq_check_t;

/* Every entry in order: entry k at 1000 k with payload byte 0 = k. */
static int check_run(void *user, const pp_log_run_t *run)
{
    seq_check_t *c = user;
    c->runs++;
    for (uint32_t j = 0; j < run->n; j++, c->entries++) {
        const pp_log_entry_t e = pp_log_run_entry(run, j);
        assert_int_equal(e.time, 1000 * (int64_t)c->next_k);
        assert_int_equal(e.payload[0], (uint8_t)c->next_k);
        c->next_k = (uint32_t)((int)c->next_k + c->step);
    }
    return PP_OK;
}

/* Entries 91..150 in a 60-slot ring (oldest at slot 30), read in runs
 * through a copy (28 slots per read), in place, and with a map that
 * refuses long ranges (copied then): the same entries either way. */
static void test_mapped_reads(void **state)
{
    (void)state;
    pp_logstore_t ls;
    open_filled(&ls, 60, 2, 150);
    pp_log_view_t v = {.store = &ls, .columns = cols, .ncolumns = 2, .decode = decode};
    const uint8_t *(*const maps[3])(void *, uint32_t, uint32_t) = {NULL, pp_fake_nvm_map, map_short};
    static const uint64_t READS[3] = {4, 2, 4}, RUNS[3] = {4, 2, 4};
    for (unsigned m = 0; m < 3; m++) {
        fake.port.nvm_map = maps[m];
        for (int newest = 0; newest < 2; newest++) {
            pp_log_select_t s = {.by = PP_LOG_BY_ALL, .ahead = 60, .newest_first = newest == 1};
            seq_check_t c = {0, 0, newest ? 150u : 91u, newest ? -1 : 1};
            const uint64_t reads0 = ls.stats.nvm_reads, maps0 = fake.nvm_maps;
            assert_int_equal(pp_log_read_runs(&v, &s, check_run, &c), 60);
            assert_int_equal(c.entries, 60);
            assert_int_equal(ls.stats.nvm_reads - reads0, READS[m]);
            assert_int_equal(c.runs, RUNS[m]);
            assert_int_equal(fake.nvm_maps - maps0, m == 0 ? 0 : 2); /* short: the 2-slot tails */
        }
    }
}

/* Times of every entry of the runs of a read. */
typedef struct times {
    unsigned n;
    int64_t t[128];
} times_t;

static int collect_times(void *user, const pp_log_run_t *run)
{
    times_t *c = user;
    for (uint32_t j = 0; j < run->n && c->n < 128; j++) {
        c->t[c->n++] = pp_log_run_entry(run, j).time;
    }
    return PP_OK;
}

/* Entries 31..130 of a 100-slot ring (payload 13, the load profile's
 * slot of 29 octets), read in runs, copied and in place, both ways, after
 * rounds of damage: payload, seq and CRC bit flips, the same flip in two
 * slots of one chunk, a stale lap's intact slot, at chunk edges (every
 * 16th slot) and at random. Exactly the undamaged entries come, in order,
 * and each damaged slot is counted once. */
static void test_chained_check_finds_each_bad_slot(void **state)
{
    (void)state;
    enum { CAP = 100, PAYLOAD = 13, SLOT = PAYLOAD + 16, FIRST = 31, LAST = 130 };
    pp_logstore_t ls;
    uint8_t stale[SLOT];
    assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, CAP, PAYLOAD, TAG), PP_OK);
    for (uint32_t k = 1; k <= LAST; k++) {
        append_k(&ls, k);
        if (k == 7) {
            memcpy(stale, fake.nvm + 6 * SLOT, SLOT);
        }
    }
    uint8_t clean[CAP * SLOT];
    memcpy(clean, fake.nvm, sizeof clean);
    pp_log_view_t v = {.store = &ls, .columns = cols, .ncolumns = 2, .decode = decode};
    uint32_t rng = 12345;
    for (unsigned round = 0; round < 24; round++) {
        memcpy(fake.nvm, clean, sizeof clean);
        bool bad[LAST + 1] = {false};
        const unsigned nbad = round % 6;
        for (unsigned i = 0; i < nbad; i++) {
            rng = rng * 1103515245u + 12345u;
            uint32_t k = FIRST + (round < 8 ? (16u * (i + round)) % 100u : (rng >> 8) % 100u);
            uint8_t *slot = fake.nvm + ((k - 1u) % CAP) * SLOT;
            const unsigned kind = (i + round) % 4;
            if (kind == 0) {
                slot[12 + (rng >> 4) % PAYLOAD] ^= (uint8_t)(1u << (rng % 8u));
            } else if (kind == 1) {
                slot[(rng >> 4) % 4u] ^= 0x10; /* seq */
            } else if (kind == 2) {
                slot[SLOT - 1 - (rng >> 4) % 4u] ^= 0x01; /* CRC */
            } else {
                memcpy(slot, stale, SLOT); /* entry 7, intact but of the last lap */
            }
            bad[k] = true;
            if (kind == 0 && k + 1 <= LAST && i + 1 < nbad) { /* the same flip one slot on */
                fake.nvm[(k % CAP) * SLOT + 12 + (rng >> 4) % PAYLOAD] ^= (uint8_t)(1u << (rng % 8u));
                bad[k + 1] = true;
                i++;
            }
        }
        unsigned want = 0;
        for (uint32_t k = FIRST; k <= LAST; k++) {
            want += bad[k] ? 0u : 1u;
        }
        for (unsigned m = 0; m < 2; m++) {
            fake.port.nvm_map = m ? pp_fake_nvm_map : NULL;
            for (int newest = 0; newest < 2; newest++) {
                pp_log_select_t s = {.by = PP_LOG_BY_ALL, .ahead = CAP, .newest_first = newest == 1};
                times_t r = {0};
                const uint64_t bad0 = ls.stats.bad_slots;
                assert_int_equal(pp_log_read_runs(&v, &s, collect_times, &r), (int)want);
                assert_int_equal(r.n, want);
                assert_int_equal(ls.stats.bad_slots - bad0, LAST - FIRST + 1 - want);
                unsigned at = 0;
                for (uint32_t i = 0; i <= LAST - FIRST; i++) {
                    const uint32_t k = newest ? LAST - i : FIRST + i;
                    if (!bad[k]) {
                        assert_int_equal(r.t[at], 1000 * (int64_t)k);
                        at++;
                    }
                }
            }
        }
    }
}

/* Range reads against a linear scan (the obvious reference), on times with
 * repeats (entry k at 1000 * (k / 3)), every from/to on a grid, both
 * directions, before and after a rotted slot. */
/* Entries 21..80 at 1000 * (k / div) against a linear scan, every
 * from/to on a grid, both directions, before and after entry 40 rots. */
static void range_vs_scan(uint32_t div)
{
    pp_logstore_t ls;
    assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, 60, 2, TAG), PP_OK);
    for (uint32_t k = 1; k <= 80; k++) { /* keeps 21..80 */
        uint8_t p[2] = {(uint8_t)k, 0};
        assert_int_equal(pp_logstore_append(&ls, 1000 * (int64_t)(k / div), p), PP_OK);
    }
    pp_log_view_t v = {.store = &ls, .columns = cols, .ncolumns = 2, .decode = decode};
    const int64_t t_min = 1000 * (int64_t)(21 / div), t_max = 1000 * (int64_t)(80 / div);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            fake.nvm[((40u - 1u) % 60u) * 18u + 12u] ^= 1; /* entry 40 rots */
        }
        for (int64_t from = t_min - 2000; from <= t_max + 2000; from += 500) {
            for (int64_t to = from - 1000; to <= t_max + 2000; to += 700) {
                unsigned want = 0;
                int64_t first = 0, last = 0;
                for (uint32_t k = 21; k <= 80; k++) {
                    int64_t t = 1000 * (int64_t)(k / div);
                    if (t >= from && t <= to && !(pass == 1 && k == 40)) {
                        if (want == 0) {
                            first = k;
                        }
                        last = k;
                        want++;
                    }
                }
                for (int dir = 0; dir < 2; dir++) {
                    pp_log_select_t s = {.by = PP_LOG_BY_RANGE, .from_time = from, .to_time = to,
                                         .newest_first = dir == 1};
                    rows_t r;
                    memset(&r, 0, sizeof(r));
                    assert_int_equal(pp_log_read(&v, &s, collect, &r), (int)want);
                    if (want > 0) {
                        assert_int_equal(r.cell[0][1], dir ? last : first);
                        assert_int_equal(r.cell[want - 1][1], dir ? first : last);
                    }
                }
            }
        }
    }
}

/* Times with repeats (three entries a second). */
static void test_range_vs_scan(void **state)
{
    (void)state;
    range_vs_scan(3);
}

/* Evenly spaced times: the interpolating guess answers most bounds. */
static void test_range_vs_scan_even(void **state)
{
    (void)state;
    range_vs_scan(1);
}

/* The same through an NVM read in place. */
static void test_range_vs_scan_mapped(void **state)
{
    (void)state;
    fake.port.nvm_map = pp_fake_nvm_map;
    range_vs_scan(3);
    memset(fake.nvm, 0xFF, NVM);
    range_vs_scan(1);
}

/* Time bisection on a 4096-entry store: reads ~ log2(n), not n. */
static void test_range_cost(void **state)
{
    (void)state;
    pp_fake_port_free(&fake);
    pp_fake_port_init(&fake, 4096u * 20u, 64);
    pp_logstore_t ls;
    assert_int_equal(pp_logstore_open(&ls, &fake.port, 0, 4096, 4, TAG), PP_OK);
    for (uint32_t k = 1; k <= 5000; k++) {
        append_k(&ls, k);
    }
    pp_log_view_t v = {.store = &ls, .columns = cols, .ncolumns = 2, .decode = decode};
    pp_log_select_t s = {.by = PP_LOG_BY_RANGE, .from_time = 3000000, .to_time = 3003000};
    rows_t r;
    memset(&r, 0, sizeof(r));
    uint64_t before = fake.nvm_reads;
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 4);
    /* a bisection of <= 12 probes, doubling steps (2 x 3), 4 rows */
    assert_true(fake.nvm_reads - before <= 13 + 6 + 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_slot_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_args, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrap_keeps_newest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recovery_every_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tear_everywhere, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotten_slot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrapped_ring_skips_bad_slots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_range_cost, setup, teardown),
        cmocka_unit_test_setup_teardown(test_range_vs_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_range_vs_scan_even, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runs_read_ahead, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mapped_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_range_vs_scan_mapped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chained_check_finds_each_bad_slot, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
