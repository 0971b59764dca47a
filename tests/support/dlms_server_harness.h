/* Test harness for the DLMS server (polyphase/dlms_server.h): a fake port,
 * a journal, a fake provider (a few registers, the clock, a load profile on
 * a logstore) and a small client that builds requests with the codec's
 * encoders and ciphers them with the port's AES-GCM (Mbed TLS), an
 * implementation independent of the server's. Host-only. */
#ifndef PP_TEST_DLMS_SERVER_HARNESS_H
#define PP_TEST_DLMS_SERVER_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_port.h"
#include "polyphase/dlms_server.h"

#define PP_DSH_EVENTS 64
#define PP_DSH_LP_ROWS 256

typedef struct pp_dsh {
    pp_fake_port_t fake;
    pp_journal_t journal;
    pp_dlms_server_t srv;
    pp_dlms_server_config_t cfg;
    pp_clock_t clock;
    pp_logstore_t lp;
    bool lp_decode_only;         /* the load profile view without fields (rows decoded) */
    uint32_t a_plus;             /* A+ register value (Wh) */
    uint8_t last_set_attr;
    pp_quantity_t last_set_q;
    pp_value_t last_set;
    unsigned clock_changes;
    pp_dlms_comm_info_t comm;    /* classes 23/41 as the provider shows them */
    unsigned comm_writes;
    /* tariff tables (classes 20, 11): preset 1 active at start */
    pp_calendar_t cal_active, cal_passive;
    int64_t cal_at;
    pp_special_days_t special;
    unsigned cal_writes, cal_activations;
    unsigned nev;
    uint16_t ev_code[PP_DSH_EVENTS], ev_client[PP_DSH_EVENTS];
    /* forced RNG output for HLS challenges (len 0: the fake port's) */
    uint8_t rng_fixed[64];
    size_t rng_fixed_len;
    /* client side */
    uint8_t client_title[8];
    uint32_t client_ic;
    uint8_t ek[16], ak[16];
    uint32_t hls_conformance;    /* proposed by pp_dsh_hls (0: 00 40 1E 1D) */
    uint16_t hls_max_pdu;        /* client-max-receive-pdu-size of pp_dsh_hls (0: 1024) */
    uint8_t resp[4096];
    int resp_len;
} pp_dsh_t;

/* A harness with default keys; journal on the fake NVM. */
pp_dsh_t *pp_dsh_new(void);
/* Re-initialises the server from the same NVM (as after a power cut). */
void pp_dsh_restart(pp_dsh_t *h);
void pp_dsh_free(pp_dsh_t *h);

/* One request; the response is in h->resp / h->resp_len (also returned). */
int pp_dsh_req(pp_dsh_t *h, unsigned conn, uint16_t client, const uint8_t *req, size_t len);

/* AARQ for client SAP 16 (no auth) / 17 (password) with conformance and
 * max PDU; returns the AARE result (0 accepted) or -1. */
int pp_dsh_assoc(pp_dsh_t *h, unsigned conn, uint16_t client, const char *password,
                 uint32_t conformance, uint16_t max_pdu);
/* Full HLS-GMAC association (4 passes) for client SAP 1 or 2 with
 * h->client_title, CtoS ctos; returns 0 when both sides authenticated. */
int pp_dsh_hls(pp_dsh_t *h, unsigned conn, uint16_t client, const uint8_t *ctos, size_t ctos_len,
               const uint8_t *dedicated_key);

/* Client ciphering with h->ek/h->ak/h->client_title, IC h->client_ic++. */
int pp_dsh_encipher(pp_dsh_t *h, uint8_t tag, const uint8_t *plain, size_t len, uint8_t *out,
                    size_t cap, const uint8_t *key);
/* Deciphers a server APDU (server title), checking the tag; returns plain length. */
int pp_dsh_decipher(pp_dsh_t *h, const uint8_t *apdu, size_t len, uint8_t *out, size_t cap,
                    const uint8_t *key);

/* A plain request, ciphered (glo-) when the connection is; the plain
 * response (or an exception) into out. Returns its length. */
int pp_dsh_exchange(pp_dsh_t *h, unsigned conn, uint16_t client, const uint8_t *req, size_t len,
                    uint8_t *out, size_t cap);

/* GET-request-normal for (class, ln, attr) into out; returns length. */
int pp_dsh_get_req(uint8_t *out, size_t cap, uint16_t class_id, const uint8_t ln[6], int8_t attr,
                   const pp_xdlms_access_t *access);
/* GET of one attribute; follows block transfer; Data into out. Returns the
 * Data length, or -(DAR) - 1000 for a refusal, or another negative. */
int pp_dsh_get(pp_dsh_t *h, unsigned conn, uint16_t client, uint16_t class_id,
               const uint8_t ln[6], int8_t attr, const pp_xdlms_access_t *access, uint8_t *out,
               size_t cap, unsigned *blocks);

/* Appends a load-profile row (time in standard-time ms, value). */
void pp_dsh_lp_add(pp_dsh_t *h, int64_t stamp_ms, uint32_t value);

#endif
