/* The port's CRC-32 hook (pp_port_t.crc32_update) of the host port, the
 * carry-less multiply version (skipped on a CPU without PCLMULQDQ):
 * - the catalogue check value CRC-32/ISO-HDLC("123456789") = 0xCBF43926 and
 *   zlib's published CRC-32 of "The quick brown fox jumps over the lazy
 *   dog" = 0x414FA339, in one call and split at every byte;
 * - every length 0..1100 at 16 alignments (every count of 64-byte blocks
 *   up to 17 with every 16-byte block count and tail behind it), seeded
 *   pseudo-random data and start registers, against a bit-at-a-time CRC
 *   written here from the definition (reflected polynomial 0xEDB88320);
 * - chained updates: a 1100-byte buffer split in two at every byte and in
 *   three on a grid, and 16 log slots of 29 bytes one by one against one
 *   call over the 464 bytes;
 * - the empty input leaves the register as it is;
 * - the log store and the journal: NVM written with the hook is byte for
 *   byte what the table code writes, and each reads what the other wrote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_port.h"
#include "host_crc32.h"
#include "polyphase/crc.h"
#include "polyphase/journal.h"
#include "polyphase/logstore.h"

#define SKIP_WITHOUT_CLMUL()                                                                 \
    do {                                                                                     \
        if (!pp_host_crc32_clmul_available()) {                                              \
            skip();                                                                          \
        }                                                                                    \
    } while (0)

/* The definition: one reflected shift per bit. */
static uint32_t crc32_bitwise(uint32_t crc, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return crc;
}

static uint64_t prng_state;

static uint32_t prng_next(void)
{
    /* xorshift64*, seeded per test: reproducible data */
    prng_state ^= prng_state >> 12;
    prng_state ^= prng_state << 25;
    prng_state ^= prng_state >> 27;
    return (uint32_t)((prng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static uint32_t hook_crc32(const void *data, size_t len)
{
    return pp_crc32_final(pp_host_crc32_clmul(NULL, pp_crc32_init(), data, len));
}

static void check_values(void **state)
{
    (void)state;
    SKIP_WITHOUT_CLMUL();
    static const char fox[] = "The quick brown fox jumps over the lazy dog";
    assert_int_equal(hook_crc32("123456789", 9), 0xCBF43926u);
    assert_int_equal(hook_crc32(fox, strlen(fox)), 0x414FA339u);
    assert_int_equal(hook_crc32(NULL, 0), 0u);
}

static void split_at_every_byte(void **state)
{
    (void)state;
    SKIP_WITHOUT_CLMUL();
    static const char fox[] = "The quick brown fox jumps over the lazy dog";
    const size_t n = strlen(fox);
    for (size_t cut = 0; cut <= n; cut++) {
        uint32_t c = pp_host_crc32_clmul(NULL, pp_crc32_init(), fox, cut);
        c = pp_host_crc32_clmul(NULL, c, fox + cut, n - cut);
        assert_int_equal(pp_crc32_final(c), 0x414FA339u);
    }
    /* and a longer random buffer, against the definition */
    uint8_t buf[200];
    prng_state = 0x243F6A8885A308D3ull;
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = (uint8_t)prng_next();
    }
    const uint32_t whole = crc32_bitwise(0x12345678u, buf, sizeof buf);
    for (size_t cut = 0; cut <= sizeof buf; cut++) {
        uint32_t c = pp_host_crc32_clmul(NULL, 0x12345678u, buf, cut);
        assert_int_equal(pp_host_crc32_clmul(NULL, c, buf + cut, sizeof buf - cut), whole);
    }
}

static void every_length_and_alignment(void **state)
{
    (void)state;
    SKIP_WITHOUT_CLMUL();
    enum { MAX_LEN = 1100, ALIGNS = 16 };
    /* the data sits at the end of the buffer too, so a read past it would
     * show under ASan */
    static uint8_t buf[MAX_LEN + ALIGNS];
    prng_state = 0x13198A2E03707344ull;
    for (size_t len = 0; len <= MAX_LEN; len++) {
        for (size_t align = 0; align < ALIGNS; align++) {
            uint8_t *p = buf + sizeof buf - len - align;
            for (size_t i = 0; i < len; i++) {
                p[i] = (uint8_t)prng_next();
            }
            const uint32_t start = prng_next();
            const uint32_t want = crc32_bitwise(start, p, len);
            assert_int_equal(pp_host_crc32_clmul(NULL, start, p, len), want);
            assert_int_equal(pp_crc32_update(start, p, len), want);
        }
    }
}

static void chained_updates(void **state)
{
    (void)state;
    SKIP_WITHOUT_CLMUL();
    enum { LEN = 1100 };
    static uint8_t buf[LEN];
    prng_state = 0xA4093822299F31D0ull;
    for (size_t i = 0; i < LEN; i++) {
        buf[i] = (uint8_t)prng_next();
    }
    const uint32_t start = prng_next();
    const uint32_t whole = crc32_bitwise(start, buf, LEN);
    assert_int_equal(pp_host_crc32_clmul(NULL, start, buf, LEN), whole);
    for (size_t cut = 0; cut <= LEN; cut++) {
        uint32_t c = pp_host_crc32_clmul(NULL, start, buf, cut);
        assert_int_equal(pp_host_crc32_clmul(NULL, c, buf + cut, LEN - cut), whole);
    }
    /* steps prime to 16 and 64: the pieces take every path in turn */
    for (size_t i = 0; i <= LEN; i += 13) {
        for (size_t j = i; j <= LEN; j += 11) {
            uint32_t c = pp_host_crc32_clmul(NULL, start, buf, i);
            c = pp_host_crc32_clmul(NULL, c, buf + i, j - i);
            assert_int_equal(pp_host_crc32_clmul(NULL, c, buf + j, LEN - j), whole);
        }
    }
    /* the log store's chunk check: 16 slots of 29 bytes in one call */
    enum { SLOT = 29, SLOTS = 16 };
    uint32_t c = start;
    for (size_t i = 0; i < SLOTS; i++) {
        c = pp_host_crc32_clmul(NULL, c, buf + i * SLOT, SLOT);
    }
    assert_int_equal(pp_host_crc32_clmul(NULL, start, buf, SLOT * SLOTS), c);
    assert_int_equal(crc32_bitwise(start, buf, SLOT * SLOTS), c);
}

static void empty_input_keeps_register(void **state)
{
    (void)state;
    SKIP_WITHOUT_CLMUL();
    static const uint8_t byte = 0x5A;
    const uint32_t regs[] = {0u, 0xFFFFFFFFu, 0xCBF43926u, 0x80000001u};
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
        assert_int_equal(pp_host_crc32_clmul(NULL, regs[i], NULL, 0), regs[i]);
        assert_int_equal(pp_host_crc32_clmul(NULL, regs[i], &byte, 0), regs[i]);
    }
}

static void select_picks_clmul_when_available(void **state)
{
    (void)state;
    if (getenv("PP_HOST_CRC32") != NULL) {
        skip(); /* forced choice */
    }
    pp_host_crc32_fn fn = pp_host_crc32_select();
    if (pp_host_crc32_clmul_available()) {
        assert_ptr_equal(fn, pp_host_crc32_clmul);
    } else {
        assert_null(fn);
    }
}

/* ---- the core's users: same NVM bytes, and each reads the other's ---- */

#define NVM_SIZE (128u * 1024u)
#define JOURNAL_BASE (64u * 1024u) /* 8 segments of 8 KiB */
#define LOG_TAG 0x50524F46u
#define LOG_SLOTS 40u
#define LOG_PAYLOAD 17u /* slot body 29 bytes, as a load profile entry */
#define LOG_ENTRIES 57u /* wraps the ring */

static void log_payload(uint32_t k, uint8_t *p)
{
    for (unsigned i = 0; i < LOG_PAYLOAD; i++) {
        p[i] = (uint8_t)(k * 7u + i * 13u);
    }
}

static void write_log(pp_fake_port_t *f)
{
    pp_logstore_t ls;
    assert_int_equal(pp_logstore_open(&ls, &f->port, 64, LOG_SLOTS, LOG_PAYLOAD, LOG_TAG), PP_OK);
    for (uint32_t k = 1; k <= LOG_ENTRIES; k++) {
        uint8_t p[LOG_PAYLOAD];
        log_payload(k, p);
        assert_int_equal(pp_logstore_append(&ls, 900000 * (int64_t)k, p), PP_OK);
    }
}

static void check_log(pp_fake_port_t *f)
{
    pp_logstore_t ls;
    assert_int_equal(pp_logstore_open(&ls, &f->port, 64, LOG_SLOTS, LOG_PAYLOAD, LOG_TAG), PP_OK);
    assert_int_equal(pp_logstore_count(&ls), LOG_SLOTS);
    for (uint32_t i = 0; i < LOG_SLOTS; i++) {
        uint32_t k = LOG_ENTRIES - LOG_SLOTS + 1u + i, seq;
        int64_t t;
        uint8_t got[LOG_PAYLOAD], want[LOG_PAYLOAD];
        assert_int_equal(pp_logstore_get(&ls, i, &t, &seq, got), PP_OK);
        log_payload(k, want);
        assert_int_equal(seq, k);
        assert_int_equal(t, 900000 * (int64_t)k);
        assert_memory_equal(got, want, LOG_PAYLOAD);
    }
    assert_int_equal(ls.stats.bad_slots, 0);
}

static void write_journal(pp_fake_port_t *f)
{
    pp_journal_t j;
    assert_int_equal(pp_journal_open(&j, &f->port, JOURNAL_BASE, NVM_SIZE - JOURNAL_BASE), PP_OK);
    for (uint16_t key = 1; key <= 40; key++) {
        uint8_t v[24];
        memset(v, key, sizeof v);
        assert_int_equal(pp_journal_write(&j, key, v, (uint16_t)(key % 24u + 1u)), PP_OK);
    }
}

static void check_journal(pp_fake_port_t *f)
{
    pp_journal_t j;
    assert_int_equal(pp_journal_open(&j, &f->port, JOURNAL_BASE, NVM_SIZE - JOURNAL_BASE), PP_OK);
    for (uint16_t key = 1; key <= 40; key++) {
        uint8_t got[24], want[24];
        uint16_t len = (uint16_t)(key % 24u + 1u);
        memset(want, key, sizeof want);
        assert_int_equal(pp_journal_read(&j, key, got, len), PP_OK);
        assert_memory_equal(got, want, len);
    }
}

static void write_all(pp_fake_port_t *f, pp_host_crc32_fn crc)
{
    f->port.crc32_update = crc;
    write_log(f);
    write_journal(f);
}

static void check_all(pp_fake_port_t *f, pp_host_crc32_fn crc)
{
    f->port.crc32_update = crc;
    check_log(f);
    check_journal(f);
}

static void nvm_same_with_and_without_hook(void **state)
{
    (void)state;
    SKIP_WITHOUT_CLMUL();
    pp_fake_port_t fast, table;
    pp_fake_port_init(&fast, NVM_SIZE, 16);
    pp_fake_port_init(&table, NVM_SIZE, 16);
    write_all(&fast, pp_host_crc32_clmul);
    write_all(&table, NULL);
    assert_memory_equal(fast.nvm, table.nvm, NVM_SIZE);
    /* each read with the other's CRC code */
    check_all(&fast, NULL);
    check_all(&table, pp_host_crc32_clmul);
    pp_fake_port_free(&fast);
    pp_fake_port_free(&table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_values),
        cmocka_unit_test(split_at_every_byte),
        cmocka_unit_test(every_length_and_alignment),
        cmocka_unit_test(chained_updates),
        cmocka_unit_test(empty_input_keeps_register),
        cmocka_unit_test(select_picks_clmul_when_available),
        cmocka_unit_test(nvm_same_with_and_without_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
