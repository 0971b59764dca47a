/* Journal unit tests. References are hand-derived: the NVM byte layout of
 * docs/permanent-memory.md written out by hand below, CRC-32 from the
 * separately tested pp_crc32 (check value 0xCBF43926), and the
 * old-or-new-never-torn property checked against a model of committed values.
 * The exhaustive power-cut sweep lives in tests/powercut/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fake_port.h"
#include "host_nvm.h"
#include "polyphase/crc.h"
#include "polyphase/journal.h"
#include "polyphase/nvm_keys.h"

#define REGION (64u * 1024u) /* 8 segments of 8 KiB */
#define K(n) ((uint16_t)(PP_KEY_TEST_BASE + (n)))

static pp_journal_t jr; /* large: keep off the stack */

/* Flash model over the fake port: programming only erased bytes, erase of
 * whole units. The fake's own write still checks page crossing and cuts. */
static pp_err_t flash_write(void *ctx, uint32_t addr, const uint8_t *src, uint32_t len)
{
    pp_fake_port_t *f = ctx;
    for (uint32_t i = 0; i < len && f->powered; i++) {
        if (f->nvm[addr + i] != 0xFF) {
            fail_msg("flash: programming a non-erased byte at %u", addr + i);
        }
    }
    return f->port.nvm_write(ctx, addr, src, len);
}

static pp_err_t flash_erase(void *ctx, uint32_t addr, uint32_t len)
{
    pp_fake_port_t *f = ctx;
    if (!f->powered) {
        return PP_ERR_NVM;
    }
    assert_int_equal(addr % 4096u, 0);
    assert_int_equal(len % 4096u, 0);
    memset(f->nvm + addr, 0xFF, len);
    return PP_OK;
}

static pp_port_t flash_port(pp_fake_port_t *f)
{
    pp_port_t p = f->port;
    p.nvm.erase_size = 4096;
    p.nvm_write = flash_write;
    p.nvm_erase = flash_erase;
    return p;
}

static void blank_region_opens_empty(void **state)
{
    (void)state;
    pp_fake_port_t f;
    pp_fake_port_init(&f, REGION, 64);
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION), PP_OK);
    uint32_t v;
    assert_int_equal(pp_journal_read(&jr, K(1), &v, 4), PP_ERR_NOT_FOUND);
    assert_int_equal(f.nvm_writes, 0); /* opening writes nothing */
    pp_fake_port_free(&f);
}

static void on_nvm_format_is_as_documented(void **state)
{
    (void)state;
    pp_fake_port_t f;
    pp_fake_port_init(&f, REGION, 64);
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION), PP_OK);
    const uint8_t val[2] = {0x11, 0x22};
    assert_int_equal(pp_journal_write(&jr, 0x7F01, val, 2), PP_OK);
    /* segment size for 64-byte pages: 64 doubled until >= 16 + 16*268 + 12 = 4316 -> 8192 */
    assert_int_equal(pp_journal_segment_size(&f.port.nvm), 8192);
    static const uint8_t hdr[12] = {0x50, 0x50, 0x4A, 0x31, /* "PPJ1" */
                                    0x01, 0, 0, 0,          /* seq 1 */
                                    0x00, 0x20, 0, 0};      /* 8192 */
    assert_memory_equal(f.nvm, hdr, 12);
    uint32_t c = pp_crc32(hdr, 12);
    const uint8_t hcrc[4] = {(uint8_t)c, (uint8_t)(c >> 8), (uint8_t)(c >> 16), (uint8_t)(c >> 24)};
    assert_memory_equal(f.nvm + 12, hcrc, 4);
    static const uint8_t rec[10] = {0x10, 0x02, /* type 1 (plain) << 4 | len >> 8, len & 0xFF */
                                    0x01, 0x7F, /* key 0x7F01 */
                                    0x02, 0, 0, 0, /* seq 2 */
                                    0x11, 0x22};
    assert_memory_equal(f.nvm + 16, rec, 10);
    c = pp_crc32(rec, 10);
    const uint8_t rcrc[4] = {(uint8_t)c, (uint8_t)(c >> 8), (uint8_t)(c >> 16), (uint8_t)(c >> 24)};
    assert_memory_equal(f.nvm + 26, rcrc, 4);
    assert_int_equal(f.nvm[30], 0xFF);
    assert_int_equal(pp_journal_stats(&jr)->bytes_written, 16 + 14);
    assert_int_equal(pp_journal_record_bytes(2), 14);
    pp_fake_port_free(&f);
}

static void write_read_reopen(void **state)
{
    (void)state;
    pp_fake_port_t f;
    pp_fake_port_init(&f, REGION, 64);
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION), PP_OK);
    uint32_t v = 1234, r = 0;
    assert_int_equal(pp_journal_write(&jr, K(1), &v, 4), PP_OK);
    v = 5678;
    assert_int_equal(pp_journal_write(&jr, K(1), &v, 4), PP_OK);
    assert_int_equal(pp_journal_write(&jr, K(2), "abc", 3), PP_OK);
    assert_int_equal(pp_journal_write(&jr, K(3), NULL, 0), PP_OK);
    assert_int_equal(pp_journal_read(&jr, K(1), &r, 4), PP_OK);
    assert_int_equal(r, 5678);
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION), PP_OK);
    r = 0;
    assert_int_equal(pp_journal_read(&jr, K(1), &r, 4), PP_OK);
    assert_int_equal(r, 5678);
    char s[3];
    assert_int_equal(pp_journal_read(&jr, K(2), s, 3), PP_OK);
    assert_memory_equal(s, "abc", 3);
    assert_int_equal(pp_journal_read(&jr, K(3), NULL, 0), PP_OK);
    pp_fake_port_free(&f);
}

static void bad_arguments_get_specific_errors(void **state)
{
    (void)state;
    pp_fake_port_t f;
    pp_fake_port_init(&f, REGION, 64);
    uint8_t big[PP_JOURNAL_MAX_RECORD + 1] = {0};
    uint32_t v = 0;
    memset(&jr, 0, sizeof jr);
    assert_int_equal(pp_journal_write(&jr, K(1), &v, 4), PP_ERR_STATE); /* not opened */
    assert_int_equal(pp_journal_open(NULL, &f.port, 0, REGION), PP_ERR_ARG);
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION + 64), PP_ERR_ARG); /* past device */
    assert_int_equal(pp_journal_open(&jr, &f.port, 32, 16384), PP_ERR_ARG);       /* unaligned */
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, 4 * 8192), PP_ERR_ARG);     /* < 5 segments */
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION), PP_OK);
    assert_int_equal(pp_journal_write(&jr, K(1), big, sizeof big), PP_ERR_RANGE);
    assert_int_equal(pp_journal_write(&jr, K(1), NULL, 4), PP_ERR_ARG);
    assert_int_equal(pp_journal_write(&jr, K(1), &v, 4), PP_OK);
    assert_int_equal(pp_journal_read(&jr, K(1), &v, 2), PP_ERR_RANGE); /* wrong length */
    assert_int_equal(pp_journal_read(&jr, K(9), &v, 4), PP_ERR_NOT_FOUND);
    assert_int_equal(pp_journal_commit(&jr), PP_ERR_STATE);
    assert_int_equal(pp_journal_stage(&jr, K(1), &v, 4), PP_ERR_STATE);
    assert_int_equal(pp_journal_abort(&jr), PP_ERR_STATE);
    assert_int_equal(pp_journal_begin(&jr), PP_OK);
    assert_int_equal(pp_journal_begin(&jr), PP_ERR_STATE);
    assert_int_equal(pp_journal_write(&jr, K(1), &v, 4), PP_ERR_STATE);
    assert_int_equal(pp_journal_stage(&jr, K(1), big, sizeof big), PP_ERR_RANGE);
    for (unsigned i = 0; i < PP_JOURNAL_MAX_STAGED; i++) {
        assert_int_equal(pp_journal_stage(&jr, K(i), &v, 4), PP_OK);
    }
    assert_int_equal(pp_journal_stage(&jr, K(99), &v, 4), PP_ERR_NOSPACE);
    assert_int_equal(pp_journal_abort(&jr), PP_OK);
    pp_fake_port_free(&f);
}

static void transaction_is_invisible_until_commit(void **state)
{
    (void)state;
    pp_fake_port_t f;
    pp_fake_port_init(&f, REGION, 16);
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION), PP_OK);
    uint32_t a = 1, b = 2, r;
    assert_int_equal(pp_journal_write(&jr, K(1), &a, 4), PP_OK);
    assert_int_equal(pp_journal_write(&jr, K(2), &b, 4), PP_OK);
    assert_int_equal(pp_journal_begin(&jr), PP_OK);
    a = 10;
    b = 20;
    assert_int_equal(pp_journal_stage(&jr, K(1), &a, 4), PP_OK);
    assert_int_equal(pp_journal_stage(&jr, K(2), &b, 4), PP_OK);
    assert_int_equal(pp_journal_read(&jr, K(1), &r, 4), PP_OK);
    assert_int_equal(r, 1); /* old value until commit */
    a = 99; /* staging copied the value */
    assert_int_equal(pp_journal_commit(&jr), PP_OK);
    assert_int_equal(pp_journal_read(&jr, K(1), &r, 4), PP_OK);
    assert_int_equal(r, 10);
    assert_int_equal(pp_journal_read(&jr, K(2), &r, 4), PP_OK);
    assert_int_equal(r, 20);
    /* an aborted transaction leaves no trace */
    assert_int_equal(pp_journal_begin(&jr), PP_OK);
    assert_int_equal(pp_journal_stage(&jr, K(1), &a, 4), PP_OK);
    assert_int_equal(pp_journal_abort(&jr), PP_OK);
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION), PP_OK);
    assert_int_equal(pp_journal_read(&jr, K(1), &r, 4), PP_OK);
    assert_int_equal(r, 10);
    pp_fake_port_free(&f);
}

/* Writes n rounds over nkeys keys with values derived from (key, round), and
 * checks every key after reopening. */
static void churn_and_check(const pp_port_t *port, uint32_t base, uint32_t size, unsigned nkeys,
                            unsigned rounds)
{
    assert_int_equal(pp_journal_open(&jr, port, base, size), PP_OK);
    for (unsigned r = 0; r < rounds; r++) {
        for (unsigned k = 0; k < nkeys; k++) {
            uint8_t v[40];
            uint16_t len = (uint16_t)(4 + k % 37);
            memset(v, (int)(r * 7 + k), sizeof v);
            assert_int_equal(pp_journal_write(&jr, K(k), v, len), PP_OK);
        }
    }
    assert_int_equal(pp_journal_open(&jr, port, base, size), PP_OK);
    for (unsigned k = 0; k < nkeys; k++) {
        uint8_t v[40], want[40];
        uint16_t len = (uint16_t)(4 + k % 37);
        memset(want, (int)((rounds - 1) * 7 + k), sizeof want);
        assert_int_equal(pp_journal_read(&jr, K(k), v, len), PP_OK);
        assert_memory_equal(v, want, len);
    }
}

static void compaction_keeps_everything_at_every_page_size(void **state)
{
    (void)state;
    static const uint32_t pages[] = {16, 32, 48, 64, 128, 256, 512, 1024, 2048, 4096};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        pp_fake_port_t f;
        uint32_t seg = pp_journal_segment_size(&(pp_nvm_geometry_t){.page_size = pages[i]});
        uint32_t size = 6 * seg;
        pp_fake_port_init(&f, 2 * size, pages[i]);
        churn_and_check(&f.port, size, size, 60, 200); /* region at an offset */
        assert_true(pp_journal_stats(&jr)->compactions == 0); /* reopened: stats reset */
        pp_fake_port_free(&f);
    }
}

static void compaction_runs_and_wear_is_spread(void **state)
{
    (void)state;
    pp_fake_port_t f;
    pp_fake_port_init(&f, REGION, 64);
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION), PP_OK);
    for (unsigned r = 0; r < 20000; r++) {
        uint32_t v = r;
        assert_int_equal(pp_journal_write(&jr, K(r % 50), &v, 4), PP_OK);
    }
    const pp_journal_stats_t *st = pp_journal_stats(&jr);
    assert_true(st->compactions >= 25); /* 20000*16 B over 8176 B segments: ~39 opened */
    /* every record is 16 bytes, so bytes_written >= 20000 * 16 */
    assert_true(st->bytes_written >= 20000u * 16u);
    assert_int_equal(st->bytes_written, f.nvm_bytes_written);
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION), PP_OK);
    for (unsigned k = 0; k < 50; k++) {
        uint32_t v;
        assert_int_equal(pp_journal_read(&jr, K(k), &v, 4), PP_OK);
        assert_int_equal(v, 19950 + k);
    }
    pp_fake_port_free(&f);
}

static void flash_geometry_erases_before_writing(void **state)
{
    (void)state;
    pp_fake_port_t f;
    pp_fake_port_init(&f, 64u * 1024u, 256);
    pp_port_t p = flash_port(&f);
    assert_int_equal(pp_journal_segment_size(&p.nvm), 8192);
    churn_and_check(&p, 0, 64u * 1024u, 80, 300);
    pp_fake_port_free(&f);
}

static void garbage_region_opens_empty_and_works(void **state)
{
    (void)state;
    pp_fake_port_t f;
    pp_fake_port_init(&f, REGION, 64);
    srand(7);
    for (uint32_t i = 0; i < REGION; i++) {
        f.nvm[i] = (uint8_t)rand();
    }
    churn_and_check(&f.port, 0, REGION, 30, 100);
    pp_fake_port_free(&f);
}

static void other_geometry_is_refused(void **state)
{
    (void)state;
    pp_fake_port_t f;
    pp_fake_port_init(&f, 128u * 1024u, 64);
    uint32_t v = 1;
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, 128u * 1024u), PP_OK);
    assert_int_equal(pp_journal_write(&jr, K(1), &v, 4), PP_OK);
    f.port.nvm.page_size = 16384; /* segments become 16 KiB */
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, 128u * 1024u), PP_ERR_CORRUPT);
    pp_fake_port_free(&f);
}

static void capacity_limits_are_errors_not_corruption(void **state)
{
    (void)state;
    pp_fake_port_t f;
    pp_fake_port_init(&f, 256u * 1024u, 64);
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, 256u * 1024u), PP_OK);
    uint32_t v;
    for (unsigned k = 0; k < PP_JOURNAL_MAX_KEYS; k++) {
        v = k;
        assert_int_equal(pp_journal_write(&jr, (uint16_t)k, &v, 4), PP_OK);
    }
    v = 0;
    assert_int_equal(pp_journal_write(&jr, 0xFFFF, &v, 4), PP_ERR_NOSPACE);
    assert_int_equal(pp_journal_write(&jr, 7, &v, 4), PP_OK); /* existing key still fine */
    pp_fake_port_free(&f);

    /* live bytes beyond what compaction can always place: refused */
    pp_fake_port_init(&f, REGION, 64);
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION), PP_OK);
    uint8_t big[PP_JOURNAL_MAX_RECORD] = {0};
    unsigned k = 0;
    pp_err_t rc;
    while ((rc = pp_journal_write(&jr, K(k), big, sizeof big)) == PP_OK) {
        k++;
    }
    assert_int_equal(rc, PP_ERR_NOSPACE);
    assert_true(k >= 100); /* (8-4) segments * (8192-16-268) / 268 = 118 */
    for (unsigned r = 0; r < 200; r++) { /* still rewritable without limit */
        big[0] = (uint8_t)r;
        assert_int_equal(pp_journal_write(&jr, K(r % k), big, sizeof big), PP_OK);
    }
    pp_fake_port_free(&f);
}

static void torn_single_write_gives_old_or_new(void **state)
{
    (void)state;
    for (uint32_t cut = 0; cut <= 30; cut++) {
        pp_fake_port_t f;
        pp_fake_port_init(&f, REGION, 16);
        assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION), PP_OK);
        uint8_t oldv[20], newv[20], got[20];
        memset(oldv, 0xA5, sizeof oldv);
        memset(newv, 0x5A, sizeof newv);
        assert_int_equal(pp_journal_write(&jr, K(1), oldv, 20), PP_OK);
        /* record = 32 bytes over 16-byte pages: two writes (or three, unaligned) */
        pp_fake_cut_power_at(&f, (int64_t)f.nvm_writes + cut / 16, cut % 16);
        (void)pp_journal_write(&jr, K(1), newv, 20);
        pp_fake_power_on(&f);
        assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION), PP_OK);
        assert_int_equal(pp_journal_read(&jr, K(1), got, 20), PP_OK);
        assert_true(memcmp(got, oldv, 20) == 0 || memcmp(got, newv, 20) == 0);
        pp_fake_port_free(&f);
    }
}

static void bit_rot_in_one_record_loses_only_that_record(void **state)
{
    (void)state;
    pp_fake_port_t f;
    pp_fake_port_init(&f, REGION, 64);
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION), PP_OK);
    for (unsigned k = 0; k < 100; k++) {
        uint32_t v = 1000 + k;
        assert_int_equal(pp_journal_write(&jr, K(k), &v, 4), PP_OK);
    }
    /* records are 16 bytes from offset 16: key 50's payload is at 16 + 50*16 + 8 */
    f.nvm[16 + 50 * 16 + 8] ^= 0x01;
    assert_int_equal(pp_journal_open(&jr, &f.port, 0, REGION), PP_OK);
    for (unsigned k = 0; k < 100; k++) {
        uint32_t v = 0;
        pp_err_t rc = pp_journal_read(&jr, K(k), &v, 4);
        if (k == 50) {
            assert_int_equal(rc, PP_ERR_NOT_FOUND);
        } else {
            assert_int_equal(rc, PP_OK);
            assert_int_equal(v, 1000 + k);
        }
    }
    /* rot after opening is reported, not returned as data */
    uint32_t v;
    f.nvm[16 + 60 * 16 + 9] ^= 0x80;
    assert_int_equal(pp_journal_read(&jr, K(60), &v, 4), PP_ERR_CORRUPT);
    pp_fake_port_free(&f);
}

/* ---- host NVM image file ---- */

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
    static char path[128];
    if (tmpdir[0] == '\0') {
        strcpy(tmpdir, "/tmp/pp_journal_XXXXXX");
        assert_non_null(mkdtemp(tmpdir));
    }
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static pp_port_t image_port(pp_host_nvm_t *n)
{
    pp_port_t p;
    memset(&p, 0, sizeof p);
    p.ctx = n;
    p.nvm = n->geo;
    p.nvm_read = pp_host_nvm_read;
    p.nvm_write = pp_host_nvm_write;
    p.nvm_erase = n->geo.erase_size ? pp_host_nvm_erase : NULL;
    return p;
}

static const pp_nvm_geometry_t geo64k = {.size = 65536, .page_size = 64, .erase_size = 0,
                                         .erased_value = 0xFF, .endurance_cycles = 100000};

static void image_file_has_documented_header_and_persists(void **state)
{
    (void)state;
    const char *path = tmp_path("m1.nvm");
    unlink(path);
    pp_host_nvm_t n;
    char msg[256];
    assert_int_equal(pp_host_nvm_open(&n, path, &geo64k, "12345678", false, msg, sizeof msg),
                     PP_OK);
    static const char want[] = "POLYPHASE-NVM-1\nsize=65536\npage=64\nerase=0\nmeter=12345678\n";
    assert_memory_equal(n.map, want, sizeof want); /* includes the NUL padding */
    assert_int_equal(n.data[0], 0xFF);
    assert_int_equal(n.data[65535], 0xFF);
    pp_port_t p = image_port(&n);
    assert_int_equal(pp_journal_open(&jr, &p, 0, 65536), PP_OK);
    uint32_t v = 424242;
    assert_int_equal(pp_journal_write(&jr, K(1), &v, 4), PP_OK);
    pp_host_nvm_close(&n);

    assert_int_equal(pp_host_nvm_open(&n, path, &geo64k, "12345678", true, msg, sizeof msg),
                     PP_OK);
    p = image_port(&n);
    assert_int_equal(pp_journal_open(&jr, &p, 0, 65536), PP_OK);
    v = 0;
    assert_int_equal(pp_journal_read(&jr, K(1), &v, 4), PP_OK);
    assert_int_equal(v, 424242);
    /* port-level checks */
    uint8_t b[8] = {0};
    assert_int_equal(pp_host_nvm_write(&n, 60, b, 8), PP_ERR_NVM); /* crosses a page */
    assert_int_equal(pp_host_nvm_read(&n, 65530, b, 8), PP_ERR_NVM);
    assert_int_equal(pp_host_nvm_erase(&n, 0, 4096), PP_ERR_UNSUPPORTED);
    pp_host_nvm_close(&n);
}

static void wrong_image_files_are_refused_with_a_reason(void **state)
{
    (void)state;
    pp_host_nvm_t n, n2;
    char msg[256];
    const char *path = tmp_path("notimage.nvm");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("hello, I am a text file\n", f);
    fclose(f);
    assert_int_equal(pp_host_nvm_open(&n, path, &geo64k, NULL, false, msg, sizeof msg),
                     PP_ERR_MALFORMED);
    assert_non_null(strstr(msg, "not a Polyphase NVM image"));

    path = tmp_path("m2.nvm");
    unlink(path);
    assert_int_equal(pp_host_nvm_open(&n, path, &geo64k, "A1", false, msg, sizeof msg), PP_OK);
    pp_host_nvm_close(&n);
    pp_nvm_geometry_t other = geo64k;
    other.page_size = 128;
    assert_int_equal(pp_host_nvm_open(&n, path, &other, "A1", false, msg, sizeof msg),
                     PP_ERR_RANGE);
    assert_non_null(strstr(msg, "another geometry"));
    assert_int_equal(pp_host_nvm_open(&n, path, &geo64k, "B2", false, msg, sizeof msg),
                     PP_ERR_DENIED);
    assert_non_null(strstr(msg, "of meter A1, not of meter B2"));
    assert_int_equal(pp_host_nvm_open(&n, path, &geo64k, NULL, false, msg, sizeof msg), PP_OK);
    assert_int_equal(pp_host_nvm_open(&n2, path, &geo64k, NULL, false, msg, sizeof msg),
                     PP_ERR_BUSY);
    assert_non_null(strstr(msg, "in use"));
    pp_host_nvm_close(&n);
    pp_host_nvm_close(&n2); /* closing a failed handle is harmless */
}

static void flash_image_erases(void **state)
{
    (void)state;
    const char *path = tmp_path("flash.nvm");
    unlink(path);
    pp_nvm_geometry_t g = {.size = 65536, .page_size = 256, .erase_size = 4096,
                           .erased_value = 0xFF, .endurance_cycles = 10000};
    pp_host_nvm_t n;
    char msg[256];
    assert_int_equal(pp_host_nvm_open(&n, path, &g, NULL, false, msg, sizeof msg), PP_OK);
    pp_port_t p = image_port(&n);
    churn_and_check(&p, 0, 65536, 40, 300);
    assert_true(n.erases > 8);
    assert_int_equal(pp_host_nvm_erase(&n, 100, 4096), PP_ERR_NVM); /* unaligned */
    pp_host_nvm_close(&n);
}

/* The child commits an increasing counter and reports each committed value
 * on a pipe; the parent SIGKILLs it mid-run. The image must hold at least the
 * last reported value (at most one more, the write in flight). */
static void sigkill_loses_nothing_committed(void **state)
{
    (void)state;
    const char *path = tmp_path("kill.nvm");
    unlink(path);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        pp_host_nvm_t n;
        char msg[256];
        if (pp_host_nvm_open(&n, path, &geo64k, NULL, false, msg, sizeof msg) != PP_OK) {
            _exit(2);
        }
        pp_port_t p = image_port(&n);
        if (pp_journal_open(&jr, &p, 0, 65536) != PP_OK) {
            _exit(3);
        }
        for (uint32_t c = 1;; c++) {
            if (pp_journal_write(&jr, K(7), &c, 4) != PP_OK) {
                _exit(4);
            }
            if (write(fds[1], &c, 4) != 4) {
                _exit(5);
            }
        }
    }
    close(fds[1]);
    uint32_t last = 0, c;
    while (last < 20000 && read(fds[0], &c, 4) == 4) {
        last = c;
    }
    kill(pid, SIGKILL);
    while (read(fds[0], &c, 4) == 4) {
        last = c;
    }
    int status;
    waitpid(pid, &status, 0);
    close(fds[0]);
    assert_true(WIFSIGNALED(status));
    pp_host_nvm_t n;
    char msg[256];
    assert_int_equal(pp_host_nvm_open(&n, path, &geo64k, NULL, false, msg, sizeof msg), PP_OK);
    pp_port_t p = image_port(&n);
    assert_int_equal(pp_journal_open(&jr, &p, 0, 65536), PP_OK);
    assert_int_equal(pp_journal_read(&jr, K(7), &c, 4), PP_OK);
    assert_true(c >= last && c <= last + 1);
    assert_true(last >= 20000); /* several compactions happened before the kill */
    pp_host_nvm_close(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blank_region_opens_empty),
        cmocka_unit_test(on_nvm_format_is_as_documented),
        cmocka_unit_test(write_read_reopen),
        cmocka_unit_test(bad_arguments_get_specific_errors),
        cmocka_unit_test(transaction_is_invisible_until_commit),
        cmocka_unit_test(compaction_keeps_everything_at_every_page_size),
        cmocka_unit_test(compaction_runs_and_wear_is_spread),
        cmocka_unit_test(flash_geometry_erases_before_writing),
        cmocka_unit_test(garbage_region_opens_empty_and_works),
        cmocka_unit_test(other_geometry_is_refused),
        cmocka_unit_test(capacity_limits_are_errors_not_corruption),
        cmocka_unit_test(torn_single_write_gives_old_or_new),
        cmocka_unit_test(bit_rot_in_one_record_loses_only_that_record),
        cmocka_unit_test(image_file_has_documented_header_and_persists),
        cmocka_unit_test(wrong_image_files_are_refused_with_a_reason),
        cmocka_unit_test(flash_image_erases),
        cmocka_unit_test(sigkill_loses_nothing_committed),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (tmpdir[0] != '\0') {
        static const char *const names[] = {"m1.nvm", "notimage.nvm", "m2.nvm", "flash.nvm",
                                            "kill.nvm"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            unlink(tmp_path(names[i]));
        }
        rmdir(tmpdir);
    }
    return rc;
}
