/* Private interfaces between the files of the DLMS server (server.c,
 * association.c, security.c, services.c, class_*.c). Not a public header. */
#ifndef PP_DLMS_SERVER_INTERNAL_H
#define PP_DLMS_SERVER_INTERNAL_H

#include "polyphase/cosem_class.h"
#include "polyphase/dlms_server.h"

/* What the server offers in the conformance block. */
#define PP_DLMS_SERVER_CONFORMANCE                                                          \
    (PP_CONF_GENERAL_BLOCK_TRANSFER | PP_CONF_BLOCK_TRANSFER_GET | PP_CONF_BLOCK_TRANSFER_SET | \
     PP_CONF_BLOCK_TRANSFER_ACTION |                                                        \
     PP_CONF_MULTIPLE_REFERENCES |                                                          \
     PP_CONF_GET | PP_CONF_SET | PP_CONF_SELECTIVE_ACCESS | PP_CONF_ACTION |                 \
     PP_CONF_GENERAL_PROTECTION)

/* Security control of everything we cipher: suite 0, authenticated and encrypted. */
#define PP_DLMS_SC_AE 0x30u
#define PP_DLMS_SC_A 0x10u
/* Octets ciphering adds: tag, length (<= 3), SC, IC, auth tag; +9 for general-glo. */
#define PP_DLMS_CIPHER_OVERHEAD (1u + 3u + 1u + 4u + PP_DLMS_TAG_LEN)
#define PP_DLMS_GENERAL_OVERHEAD (PP_DLMS_CIPHER_OVERHEAD + 9u)

/* ---- security.c ---- */
void pp_dlms_sec_init(pp_dlms_server_t *s);
void pp_dlms_sec_event(pp_dlms_server_t *s, uint16_t code, uint16_t client);
/* The next server invocation counter (reserved ahead in the journal). */
pp_err_t pp_dlms_sec_next_ic(pp_dlms_server_t *s, uint32_t *ic);
/* Deciphers a ciphered APDU of connection c (glo-, ded- or general-glo-
 * ciphering) into plain. PP_ERR_AUTH bad tag or key, PP_ERR_REPLAY old
 * counter, PP_ERR_UNSUPPORTED a security control we refuse,
 * PP_ERR_MALFORMED/TRUNCATED bad framing. title: the client's system title. */
pp_err_t pp_dlms_sec_decipher(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *title,
                              const uint8_t *apdu, size_t len, uint8_t *plain, size_t cap,
                              size_t *plain_len);
/* Ciphers plain with tag (glo/ded service tag, 0x28 glo-initiate-response or
 * 0xDB general-glo-ciphering); returns the APDU length. */
int pp_dlms_sec_encipher(pp_dlms_server_t *s, const pp_dlms_conn_t *c, uint8_t tag,
                         const uint8_t *plain, size_t len, uint8_t *out, size_t cap);
/* HLS-GMAC f(challenge) = SC(0x10) || IC || GMAC tag, 17 octets. */
pp_err_t pp_dlms_sec_gmac(pp_dlms_server_t *s, const uint8_t title[8], uint32_t ic,
                          const uint8_t *chal, size_t n, uint8_t out[17]);
/* Response tag for a ciphered request tag (0 when not a ciphered service). */
uint8_t pp_dlms_sec_response_tag(uint8_t req_tag);
/* Persist the rx counters now (release, close). */
void pp_dlms_sec_flush(pp_dlms_server_t *s);
/* global_key_transfer: key_id -> wrapped key (24 octets) for the ids in
 * mask (bit n = key_id n: 0 unicast EK, 1 broadcast EK, 2 AK, 3 KEK), all
 * unwrapped with the KEK in force. All or nothing: PP_ERR_AUTH when one
 * fails its integrity check, PP_ERR_UNSUPPORTED without port key wrap.
 * The new keys are persisted at once and used after the response. */
pp_err_t pp_dlms_sec_key_transfer(pp_dlms_server_t *s, uint8_t mask,
                                  const uint8_t wrapped[4][24]);
/* Keys confirmed by the previous response take effect. */
void pp_dlms_sec_apply_pending(pp_dlms_server_t *s);

/* ---- association.c ---- */
pp_assoc_id_t pp_dlms_assoc_of(uint16_t client, bool *known);
uint16_t pp_dlms_assoc_client_sap(uint8_t who);
int pp_dlms_assoc_aarq(pp_dlms_server_t *s, pp_dlms_conn_t *c, uint16_t client,
                       const uint8_t *req, size_t len, uint8_t *resp, size_t cap);
int pp_dlms_assoc_rlrq(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *req, size_t len,
                       uint8_t *resp, size_t cap);
/* reply_to_HLS_authentication (class 15 method 1). */
uint8_t pp_dlms_assoc_hls_reply(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *params,
                                size_t len, pp_axdr_wr_t *ret, bool *has_ret);
void pp_dlms_assoc_reset(pp_dlms_conn_t *c);

/* ---- services.c ---- */
/* A plain xDLMS request of an associated connection -> plain response
 * (at most limit octets). */
int pp_dlms_svc_request(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *req, size_t len,
                        uint8_t *out, size_t limit);
int pp_dlms_svc_exception(uint8_t state, uint8_t service, uint8_t *out, size_t cap);
/* The object and class a descriptor names, as association who sees them
 * (NULL with a data-access-result in dar). */
const pp_object_t *pp_dlms_svc_resolve(pp_dlms_server_t *s, uint8_t who,
                                       const pp_xdlms_attr_t *a, const pp_cosem_class_t **cls,
                                       uint8_t *dar);

/* ---- action.c ---- */
/* ACTION normal / with-list / with parameter blocks / next-pblock. */
int pp_dlms_svc_action(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *req, size_t len,
                       uint8_t *out, size_t limit);

/* ---- class helpers over the provider (class_data.c) ---- */
/* A provider attribute as A-XDR (classes 1, 3, 4, 5). */
pp_err_t pp_cosem_put_provider_attr(const pp_cosem_call_t *c, uint8_t attr, pp_cosem_enc_t *e,
                                    uint8_t *dar);
/* SET of a provider attribute of value type t. */
uint8_t pp_cosem_set_provider_attr(const pp_cosem_call_t *c, uint8_t attr, pp_vtype_t t,
                                   const uint8_t *data, size_t len);
/* Communication settings for classes 23/41 (object-unavailable without them). */
pp_err_t pp_cosem_comm_info(const pp_cosem_call_t *c, pp_dlms_comm_info_t *ci, uint8_t *dar);
/* One unsigned (wide: long-unsigned) setting in lo..hi: type-unmatched for
 * another A-XDR type or trailing octets, other-reason out of range. */
uint8_t pp_cosem_get_setting(const uint8_t *data, size_t len, bool wide, uint16_t lo, uint16_t hi,
                             uint16_t *out);
/* The changed settings to the provider (read-write-denied without the hook). */
uint8_t pp_cosem_comm_write(const pp_cosem_call_t *c, const pp_dlms_comm_info_t *ci);
/* Methods of classes 3/4/5 go to the provider. */
uint8_t pp_cosem_provider_action(const pp_cosem_call_t *c, const uint8_t *params, size_t len,
                                 pp_axdr_wr_t *ret, bool *has_ret);

#endif
