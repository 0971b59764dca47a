/* The DLMS server against the project's blocking DLMS client
 * (tests/support/dlms_client.[ch], written independently for the meter's
 * e2e tests and benches) over the TCP-UDP wrapper on socketpairs: public,
 * LLS and HLS-GMAC associations with suite 0, GET with block transfer and
 * selective access, SET, ACTION, release; one server thread serves every
 * connection, as the meter task does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dlms_client.h"
#include "dlms_server_harness.h"
#include "polyphase/dlms_const.h"
#include "polyphase/wrapper.h"

#define NCONN 4

static const uint8_t CLOCK_LN[6] = {0, 1, 1, 0, 0, 255};
static const uint8_t APLUS_LN[6] = {1, 1, 1, 8, 0, 255};
static const uint8_t LP_LN[6] = {1, 1, 99, 1, 0, 255};
static const uint8_t ASSOC_LN[6] = {0, 0, 40, 0, 0, 255};

typedef struct rig {
    pp_dsh_t *h;
    int srv_fd[NCONN];
    int cli_fd[NCONN];
    volatile int stop;
    pthread_t thread;
    pthread_mutex_t lock;
} rig_t;

static void *serve(void *arg)
{
    rig_t *r = arg;
    static uint8_t bufs[NCONN][PP_DLMS_SERVER_PDU + 64];
    pp_wrapper_framer_t fr[NCONN];
    for (int i = 0; i < NCONN; i++) {
        pp_wrapper_framer_init(&fr[i], bufs[i], sizeof bufs[i]);
    }
    struct pollfd p[NCONN];
    while (!r->stop) {
        for (int i = 0; i < NCONN; i++) {
            p[i] = (struct pollfd){.fd = r->srv_fd[i], .events = POLLIN};
        }
        if (poll(p, NCONN, 20) <= 0) {
            continue;
        }
        for (int i = 0; i < NCONN; i++) {
            if (!(p[i].revents & POLLIN)) {
                continue;
            }
            uint8_t in[4096];
            ssize_t n = read(r->srv_fd[i], in, sizeof in);
            if (n <= 0) {
                pthread_mutex_lock(&r->lock);
                pp_dlms_server_close(&r->h->srv, (unsigned)i);
                pthread_mutex_unlock(&r->lock);
                r->srv_fd[i] = -1;
                continue;
            }
            size_t off = 0;
            while (off < (size_t)n) {
                pp_wrapper_apdu_t a;
                bool got = false;
                int used = pp_wrapper_framer_feed(&fr[i], in + off, (size_t)n - off, &a, &got);
                if (used < 0) {
                    break;
                }
                off += (size_t)used;
                if (!got) {
                    continue;
                }
                uint8_t resp[PP_DLMS_SERVER_PDU + 64], wire[PP_DLMS_SERVER_PDU + 80];
                pthread_mutex_lock(&r->lock);
                int m = pp_dlms_server_apdu(&r->h->srv, (unsigned)i, a.src, a.data, a.len, resp,
                                            sizeof resp);
                pthread_mutex_unlock(&r->lock);
                if (m > 0) {
                    int w = pp_wrapper_encode(a.dst, a.src, resp, (size_t)m, wire, sizeof wire);
                    if (w > 0 && write(r->srv_fd[i], wire, (size_t)w) != w) {
                        break;
                    }
                }
            }
        }
    }
    return NULL;
}

static int setup(void **state)
{
    rig_t *r = calloc(1, sizeof *r);
    r->h = pp_dsh_new();
    for (int i = 0; i < 200; i++) {
        pp_dsh_lp_add(r->h, 1767229200000ll + i * 900000ll, 5000u + (uint32_t)i);
    }
    for (int i = 0; i < NCONN; i++) {
        int sv[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        r->srv_fd[i] = sv[0];
        r->cli_fd[i] = sv[1];
    }
    pthread_mutex_init(&r->lock, NULL);
    assert_int_equal(pthread_create(&r->thread, NULL, serve, r), 0);
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    rig_t *r = *state;
    r->stop = 1;
    pthread_join(r->thread, NULL);
    for (int i = 0; i < NCONN; i++) {
        if (r->srv_fd[i] >= 0) {
            close(r->srv_fd[i]);
        }
    }
    pp_dsh_free(r->h);
    free(r);
    return 0;
}

static pp_dc_t *client(rig_t *r, int i, uint8_t sap, uint16_t max_pdu)
{
    static pp_dc_t dc[NCONN];
    pp_dc_config_t cfg;
    pp_dc_config_default(&cfg);
    cfg.client_sap = sap;
    cfg.max_pdu = max_pdu;
    if (sap == 17) {
        cfg.mechanism = PP_ACSE_MECH_LOW;
        cfg.password = "12345678";
    } else if (sap == 1 || sap == 2) {
        cfg.mechanism = PP_ACSE_MECH_HIGH_GMAC;
        cfg.ciphered = true;
        cfg.hls_challenge_len = 32; /* as dlms-cosem sends */
    }
    memset(&dc[i], 0, sizeof dc[i]);
    assert_int_equal(pp_dc_attach(&dc[i], &cfg, r->cli_fd[i]), 0);
    int rc = pp_dc_associate(&dc[i]);
    if (rc != 0) {
        print_error("%s\n", pp_dc_error(&dc[i]));
    }
    assert_int_equal(rc, 0);
    return &dc[i];
}

static void public_reader_and_blocks(void **state)
{
    rig_t *r = *state;
    static uint8_t a[65536], b[65536];
    size_t na = 0, nb = 0;
    pp_dc_t *pub = client(r, 0, 16, 0);
    pp_dc_t *rd = client(r, 1, 17, 128);
    pp_dc_t *rd2 = client(r, 2, 17, 0);
    assert_int_equal(pp_dc_get(pub, 8, CLOCK_LN, 2, NULL, a, sizeof a, &na), 0);
    static const uint8_t T[] = {0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01, 0x04, 0x01, 0x00, 0x00, 0x00,
                                0xFF, 0xC4, 0x00};
    assert_int_equal(na, sizeof T);
    assert_memory_equal(a, T, sizeof T);
    /* public may not read A+ */
    assert_int_equal(pp_dc_get(pub, 3, APLUS_LN, 2, NULL, a, sizeof a, &na), PP_DAR_OBJECT_UNDEFINED);
    assert_int_equal(pp_dc_get(rd, 3, APLUS_LN, 2, NULL, a, sizeof a, &na), 0);
    static const uint8_t V[] = {0x06, 0x00, 0x01, 0xE2, 0x40};
    assert_memory_equal(a, V, 5);
    /* 200 rows in 128-octet blocks and in 1,024-octet blocks */
    uint32_t blocks0 = rd->blocks;
    assert_int_equal(pp_dc_get(rd, 7, LP_LN, 2, NULL, a, sizeof a, &na), 0);
    assert_int_equal(pp_dc_get(rd2, 7, LP_LN, 2, NULL, b, sizeof b, &nb), 0);
    assert_int_equal(na, 3 + 200 * 21); /* 01 81 C8: array of 200 */
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    assert_true(rd->blocks - blocks0 > 30);
    /* range: 2026-01-01 02:00..03:00 CET -> 5 rows; entry 199..0 -> 2 rows */
    pp_axdr_datetime_t from = {.year = 2026, .month = 1, .day = 1, .dow = 4, .hour = 2,
                               .deviation = -60, .status = 0};
    pp_axdr_datetime_t to = from;
    to.hour = 3;
    assert_int_equal(pp_dc_get_range(rd, LP_LN, NULL, &from, &to, a, sizeof a, &na), 0);
    assert_int_equal(a[1], 5);
    assert_int_equal(pp_dc_get_entry(rd, LP_LN, 199, 0, a, sizeof a, &na), 0);
    assert_int_equal(a[1], 2);
    /* the object list, long, through blocks */
    assert_int_equal(pp_dc_get(rd, 15, ASSOC_LN, 2, NULL, a, sizeof a, &na), 0);
    assert_int_equal(pp_axdr_measure(a, na, 16), (int)na);
    assert_int_equal(pp_dc_release(pub), 0);
    assert_int_equal(pp_dc_release(rd), 0);
    pp_dc_close(pub);
    pp_dc_close(rd);
    pp_dc_close(rd2);
}

static void management_hls(void **state)
{
    rig_t *r = *state;
    static uint8_t a[8192];
    size_t na = 0;
    pp_dc_t *m = client(r, 0, 1, 0);
    pp_dc_t *inst = client(r, 1, 2, 256);
    assert_int_equal(pp_dc_get(m, 8, CLOCK_LN, 2, NULL, a, sizeof a, &na), 0);
    assert_int_equal(na, 14);
    /* SET time zone -120 (CEST-like), then read it back */
    static const uint8_t TZ[] = {0x10, 0xFF, 0x88};
    assert_int_equal(pp_dc_set(m, 8, CLOCK_LN, 3, TZ, sizeof TZ), 0);
    assert_int_equal(pp_dc_get(m, 8, CLOCK_LN, 3, NULL, a, sizeof a, &na), 0);
    assert_memory_equal(a, TZ, 3);
    /* shift_time +5 s */
    const int64_t before = r->h->fake.rtc_ms;
    static const uint8_t FIVE[] = {0x10, 0x00, 0x05};
    size_t rl = 0;
    assert_int_equal(pp_dc_action(m, 8, CLOCK_LN, 6, FIVE, 3, a, sizeof a, &rl), 0);
    assert_true(r->h->fake.rtc_ms == before + 5000);
    /* the installer may read but not write the clock */
    assert_int_equal(pp_dc_get(inst, 7, LP_LN, 2, NULL, a, sizeof a, &na), 0);
    assert_int_equal(na, 3 + 200 * 21);
    assert_int_equal(pp_dc_set(inst, 8, CLOCK_LN, 3, TZ, sizeof TZ), PP_DAR_READ_WRITE_DENIED);
    assert_int_equal(pp_dc_release(m), 0);
    assert_int_equal(pp_dc_release(inst), 0);
    pp_dc_close(m);
    pp_dc_close(inst);
}

static void wrong_password_refused(void **state)
{
    rig_t *r = *state;
    pp_dc_config_t cfg;
    pp_dc_config_default(&cfg);
    cfg.client_sap = 17;
    cfg.mechanism = PP_ACSE_MECH_LOW;
    cfg.password = "nope";
    static pp_dc_t dc;
    assert_int_equal(pp_dc_attach(&dc, &cfg, r->cli_fd[3]), 0);
    assert_int_equal(pp_dc_associate(&dc), PP_ERR_DENIED);
    pp_dc_close(&dc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(public_reader_and_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(management_hls, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_password_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
