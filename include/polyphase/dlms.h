/* The DLMS/COSEM server of the meter (LN referencing): one session per
 * connection, associations of OBJECT-MODEL.md (public SAP 16 without
 * authentication, reader SAP 17 with the LLS password), GET normal / next
 * (block transfer) / with-list, SET normal, ACTION normal, exception and
 * data-access-result codes. Reads come from the object directory through
 * the meter's bindings; profiles stream row by row into blocks. */
#ifndef POLYPHASE_DLMS_H
#define POLYPHASE_DLMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/error.h"
#include "polyphase/xdlms.h"

struct pp_meter;

#define PP_DLMS_SEL_MAX 128u       /* selective-access parameters kept for GET-next */
#define PP_DLMS_SERVER_MAX_PDU 2048u

typedef struct pp_dlms_session {
    bool associated;
    uint8_t assoc;                 /* pp_assoc_id_t */
    uint16_t client;               /* client SAP */
    uint16_t max_send;             /* client's max receive PDU (0: ours) */
    uint32_t conformance;          /* negotiated */
    /* GET with block transfer in progress */
    bool long_get;
    uint8_t iidp;
    uint32_t block;                /* number of the last block sent */
    uint32_t sent;                 /* Data octets sent so far */
    uint32_t rows, row, row_pos;   /* profile resume hints (pp_dlms_sink_t) */
    pp_xdlms_attr_t attr;
    bool has_access;
    uint8_t selector;
    uint16_t sel_len;
    uint8_t sel[PP_DLMS_SEL_MAX];
    uint32_t failed_logins;        /* authentication failures on this session */
    /* high-level security (HLS-GMAC, suite 0) */
    bool ciphered;                 /* APDUs must be glo-ciphered */
    bool hls_pending;              /* AARE sent; reply_to_HLS_authentication due */
    uint8_t client_title[8];
    uint8_t server_title[8];
    uint32_t client_ic;            /* last invocation counter accepted */
    uint8_t ctos_len, stoc_len;
    uint8_t ctos[64], stoc[64];
} pp_dlms_session_t;

/* Security suite 0 (src/dlms/dlms_security.c). */
#define PP_DLMS_SC_AUTH_ENC 0x30u  /* security control: authenticated and encrypted */
#define PP_DLMS_SC_AUTH 0x10u      /* authentication only (HLS-GMAC f(challenge)) */
#define PP_DLMS_TAG_LEN 12u

/* The meter's system title: FLAG id (3 ASCII letters) and the meter number
 * as a 40-bit big-endian integer. */
void pp_dlms_system_title(const struct pp_meter *m, uint8_t out[8]);
/* Deciphers a glo-ciphered APDU of the session's client into plain
 * (PP_ERR_AUTH on a wrong tag, PP_ERR_REPLAY on an old counter). */
pp_err_t pp_dlms_decipher(struct pp_meter *m, pp_dlms_session_t *s, const uint8_t *apdu,
                          size_t len, uint8_t *plain, size_t cap, size_t *plain_len);
/* Ciphers a response APDU in place into out with the glo- tag of its kind. */
int pp_dlms_encipher(struct pp_meter *m, const uint8_t *plain, size_t len, uint8_t *out,
                     size_t cap);
/* The meter's next invocation counter (reserved ahead in the journal). */
pp_err_t pp_dlms_next_ic(struct pp_meter *m, uint32_t *ic);
/* HLS-GMAC: f(challenge) = SC || IC || GMAC(SC || AK || challenge). */
pp_err_t pp_dlms_hls_tag(struct pp_meter *m, const uint8_t title[8], uint32_t ic,
                         const uint8_t *challenge, size_t n, uint8_t out[17]);

/* A window over the encoded Data of one attribute: bytes before skip are
 * dropped, at most cap are kept; pos counts every byte produced. Encoders
 * stop early (PP_ERR_NOSPACE) once the window is full. */
typedef struct pp_dlms_sink {
    uint8_t *out;
    size_t cap;
    uint32_t skip;
    uint32_t pos;
    size_t stored;
    bool overflow;
    /* Row-stream resume hints between the blocks of one long GET (profiles):
     * rows: rows in the selection (0 = not counted yet); row/row_pos: the
     * row in which the window filled and the stream offset where it starts. */
    uint32_t rows, row, row_pos;
} pp_dlms_sink_t;

pp_err_t pp_dlms_sink_put(pp_dlms_sink_t *k, const uint8_t *p, size_t n);

/* One request APDU of a client (wPort or HDLC SAP). Writes the response
 * into resp; returns its length, 0 when nothing is to be sent, or a
 * negative pp_err_t. */
int pp_dlms_apdu(struct pp_meter *m, pp_dlms_session_t *s, uint16_t client, const uint8_t *req,
                 size_t len, uint8_t *resp, size_t cap);
/* The connection ended: the association is released. */
void pp_dlms_release(pp_dlms_session_t *s);

/* Interface classes (src/dlms/dlms_classes.c): encode attribute attr of an
 * object as A-XDR Data into the sink, applying selective access. Returns
 * PP_OK, or sets *dar (data-access-result) and returns PP_ERR_DENIED. */
pp_err_t pp_dlms_get_attribute(struct pp_meter *m, uint8_t assoc, const pp_xdlms_attr_t *a,
                               const pp_xdlms_access_t *access, pp_dlms_sink_t *k,
                               uint8_t *dar);
/* SET one attribute from one A-XDR Data; returns the data-access-result. */
uint8_t pp_dlms_set_attribute(struct pp_meter *m, uint8_t assoc, const pp_xdlms_attr_t *a,
                              const uint8_t *value, size_t len);
/* ACTION one method; returns the action-result. */
uint8_t pp_dlms_action(struct pp_meter *m, uint8_t assoc, const pp_xdlms_attr_t *method,
                       const uint8_t *params, size_t len);

#endif
