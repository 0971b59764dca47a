/* High-level security end to end over TCP: the test client (tests/support/
 * dlms_client.c, written separately from the server from the Green Book
 * rules) associates with HLS-GMAC and suite 0 ciphering as management
 * (SAP 1), reads and sets the clock, and is refused with a wrong key. The
 * meter runs in-process with its poll loop in a thread. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "dlms_client.h"
#include "polyphase/dlms_const.h"
#include "vmeter.h"

typedef struct server {
    pp_vmeter_t v;
    pp_net_t *net;
    int port;
    volatile int stop;
    pthread_t thread;
} server_t;

static server_t g_server; /* test fixture */

static void *serve(void *arg)
{
    server_t *s = arg;
    while (!s->stop) {
        pp_net_poll(s->net, 5);
        pp_vmeter_step(&s->v);
    }
    return NULL;
}

static int setup(void **state)
{
    static pp_hostcfg_t hc;
    char err[512];
    pp_hostcfg_defaults(&hc);
    g_server.net = pp_net_new(&pp_vmeter_net_callbacks);
    if (pp_vmeter_start(&g_server.v, &hc, NULL, "idle", 1, 1, 1767225600000, g_server.net, err,
                        sizeof err) < 0) {
        return -1;
    }
    g_server.port = pp_net_listen_tcp(g_server.net, &g_server.v, PP_CH_DLMS_WRAPPER, "127.0.0.1",
                                      0, err, sizeof err);
    pthread_create(&g_server.thread, NULL, serve, &g_server);
    *state = &g_server;
    return g_server.port > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    g_server.stop = 1;
    pthread_join(g_server.thread, NULL);
    pp_vmeter_stop(&g_server.v);
    pp_net_free(g_server.net);
    return 0;
}

static void management_config(pp_dc_config_t *cfg)
{
    pp_dc_config_default(cfg);
    cfg->client_sap = 1;
    cfg->mechanism = PP_ACSE_MECH_HIGH_GMAC;
    cfg->ciphered = true;
    memcpy(cfg->system_title, "TST\x00\x00\x00\x00\x01", 8);
    for (int i = 0; i < 16; i++) {
        cfg->guek[i] = (uint8_t)i;           /* the meter's default keys */
        cfg->gak[i] = (uint8_t)(0xD0 + i);
    }
}

static void hls_gmac_management_reads_and_sets_the_clock(void **state)
{
    server_t *s = *state;
    static pp_dc_t c;
    pp_dc_config_t cfg;
    management_config(&cfg);
    assert_int_equal(pp_dc_connect(&c, &cfg, "127.0.0.1", (uint16_t)s->port), 0);
    if (pp_dc_associate(&c) != 0) {
        fail_msg("associate: %s", pp_dc_error(&c));
    }
    /* the server's system title: "PPH" and 12345678 as 40 bits = 00 00 BC 61 4E */
    assert_true(c.has_server_title);
    assert_memory_equal(c.server_title, "PPH\x00\x00\xBC\x61\x4E", 8);
    const uint8_t clock_ln[6] = {0, 1, 1, 0, 0, 255};
    uint8_t out[64];
    size_t n;
    assert_int_equal(pp_dc_get(&c, 8, clock_ln, 2, NULL, out, sizeof out, &n), 0);
    assert_int_equal(n, 14); /* octet-string of 12 */
    /* SET time: 2026-06-01 12:00:00 local, deviation -120 (CEST), DST bit */
    const uint8_t value[] = {0x09, 0x0C, 0x07, 0xEA, 0x06, 0x01, 0x01, 0x0C, 0x00, 0x00,
                             0x00, 0xFF, 0x88, 0x80};
    assert_int_equal(pp_dc_set(&c, 8, clock_ln, 2, value, sizeof value), 0);
    assert_int_equal(pp_dc_get(&c, 8, clock_ln, 2, NULL, out, sizeof out, &n), 0);
    assert_int_equal(out[2] << 8 | out[3], 2026); /* year */
    assert_int_equal(out[4], 6);
    assert_int_equal(out[5], 1);
    assert_int_equal(out[7], 12); /* hour, local summer time */
    /* energy registers stay read-only even for management */
    const uint8_t a_plus[6] = {1, 1, 1, 8, 0, 255};
    const uint8_t zero[] = {0x06, 0, 0, 0, 0};
    assert_int_not_equal(pp_dc_set(&c, 3, a_plus, 2, zero, sizeof zero), 0);
    assert_int_equal(pp_dc_release(&c), 0);
    pp_dc_close(&c);
}

static void wrong_key_is_refused_and_logged(void **state)
{
    server_t *s = *state;
    static pp_dc_t c;
    pp_dc_config_t cfg;
    management_config(&cfg);
    cfg.gak[0] ^= 0xFF;
    uint32_t before = pp_events_count(&s->v.meter->events, PP_EV_DECRYPT_FAILURE) +
                      pp_events_count(&s->v.meter->events, PP_EV_AUTH_FAILURE);
    assert_int_equal(pp_dc_connect(&c, &cfg, "127.0.0.1", (uint16_t)s->port), 0);
    assert_int_not_equal(pp_dc_associate(&c), 0);
    pp_dc_close(&c);
    uint32_t after = pp_events_count(&s->v.meter->events, PP_EV_DECRYPT_FAILURE) +
                     pp_events_count(&s->v.meter->events, PP_EV_AUTH_FAILURE);
    assert_true(after > before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hls_gmac_management_reads_and_sets_the_clock),
        cmocka_unit_test(wrong_key_is_refused_and_logged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
