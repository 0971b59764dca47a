/* xDLMS APDUs for LN referencing (IEC 62056-5-3 / Green Book): Initiate,
 * ConfirmedServiceError, GET/SET/ACTION requests and responses,
 * EventNotification, DataNotification, ExceptionResponse, the ciphered
 * APDU headers, and the selective-access parameters of profile generic.
 *
 * Ownership: every pointer a decoder fills points INTO the APDU buffer it
 * was given (nothing is copied); keep that buffer unchanged while you use
 * them. Pointers to "Data" always cover exactly one complete, validated
 * A-XDR value (depth cap PP_AXDR_MAX_DEPTH).
 *
 * Decoders take a whole APDU and reject trailing bytes (PP_ERR_MALFORMED),
 * a wrong tag or choice (PP_ERR_MALFORMED), choices we do not implement
 * (PP_ERR_UNSUPPORTED) and anything running past the end (PP_ERR_TRUNCATED).
 *
 * Server side, responses are written with header writers on a pp_axdr_wr_t:
 * the writer puts the APDU head, the caller appends the A-XDR Data (object
 * getters write straight into the output, no intermediate copy). Writers
 * return PP_ERR_NOSPACE without writing anything when the head does not fit.
 * Whole-APDU encoders (mostly the client side) return the length or a
 * negative pp_err_t. */
#ifndef POLYPHASE_XDLMS_H
#define POLYPHASE_XDLMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/axdr.h"
#include "polyphase/dlms_const.h"

/* ---- common parts ------------------------------------------------------- */

/* cosem-attribute-descriptor (id = attribute) or cosem-method-descriptor
 * (id = method). */
typedef struct pp_xdlms_attr {
    uint16_t class_id;
    uint8_t ln[6];
    int8_t id;
} pp_xdlms_attr_t;

/* Selective-Access-Descriptor: selector and its parameters, kept as raw
 * A-XDR for the interface class to parse (see pp_xdlms_range_parse). */
typedef struct pp_xdlms_access {
    bool present;
    uint8_t selector;
    const uint8_t *params; /* one complete Data value */
    uint32_t params_len;
} pp_xdlms_access_t;

typedef struct pp_xdlms_attr_sel {
    pp_xdlms_attr_t attr;
    pp_xdlms_access_t access;
} pp_xdlms_attr_sel_t;

/* A validated SEQUENCE OF in the input: count items in [ptr, ptr+len).
 * Walk it with a pp_axdr_rd_t initialised over ptr/len and the matching
 * pp_xdlms_next_* function. */
typedef struct pp_xdlms_list {
    uint32_t count;
    const uint8_t *ptr;
    uint32_t len;
} pp_xdlms_list_t;

pp_err_t pp_xdlms_next_attr_sel(pp_axdr_rd_t *it, pp_xdlms_attr_sel_t *out);
pp_err_t pp_xdlms_next_data(pp_axdr_rd_t *it, const uint8_t **data, uint32_t *len);
/* Get-Data-Result: data (is_dar false, data/len) or data-access-result. */
pp_err_t pp_xdlms_next_get_result(pp_axdr_rd_t *it, bool *is_dar, uint8_t *dar,
                                  const uint8_t **data, uint32_t *len);

pp_err_t pp_xdlms_put_attr(pp_axdr_wr_t *wr, const pp_xdlms_attr_t *a);
pp_err_t pp_xdlms_put_attr_sel(pp_axdr_wr_t *wr, const pp_xdlms_attr_sel_t *s);

/* ---- Initiate ----------------------------------------------------------- */

typedef struct pp_xdlms_initiate_req {
    const uint8_t *dedicated_key; /* NULL: absent */
    uint8_t dedicated_key_len;
    bool response_allowed;        /* DEFAULT TRUE */
    bool has_qos;
    int8_t qos;
    uint8_t dlms_version;         /* 6 */
    uint32_t conformance;         /* PP_CONF_* bits, 24 significant */
    uint16_t max_pdu;             /* client-max-receive-pdu-size; 0: no limit */
} pp_xdlms_initiate_req_t;

typedef struct pp_xdlms_initiate_resp {
    bool has_qos;
    int8_t qos;
    uint8_t dlms_version;
    uint32_t conformance;
    uint16_t max_pdu;             /* server-max-receive-pdu-size */
    uint16_t vaa_name;            /* PP_XDLMS_VAA_NAME_LN */
} pp_xdlms_initiate_resp_t;

pp_err_t pp_xdlms_initiate_req_decode(const uint8_t *apdu, size_t len, pp_xdlms_initiate_req_t *out);
int pp_xdlms_initiate_req_encode(const pp_xdlms_initiate_req_t *in, uint8_t *out, size_t cap);
pp_err_t pp_xdlms_initiate_resp_decode(const uint8_t *apdu, size_t len, pp_xdlms_initiate_resp_t *out);
int pp_xdlms_initiate_resp_encode(const pp_xdlms_initiate_resp_t *in, uint8_t *out, size_t cap);

/* ConfirmedServiceError: service (pp_cse_service), error (pp_service_error
 * CHOICE) and its value (e.g. pp_initiate_error). */
typedef struct pp_xdlms_cse {
    uint8_t service;
    uint8_t error;
    uint8_t value;
} pp_xdlms_cse_t;
pp_err_t pp_xdlms_cse_decode(const uint8_t *apdu, size_t len, pp_xdlms_cse_t *out);
int pp_xdlms_cse_encode(const pp_xdlms_cse_t *in, uint8_t *out, size_t cap);

/* ---- GET ---------------------------------------------------------------- */

typedef struct pp_xdlms_get_req {
    uint8_t type;               /* PP_GET_REQ_* */
    uint8_t iidp;               /* invoke-id-and-priority */
    pp_xdlms_attr_sel_t item;   /* NORMAL */
    uint32_t block_number;      /* NEXT */
    pp_xdlms_list_t list;       /* WITH_LIST: attr_sel items */
} pp_xdlms_get_req_t;
pp_err_t pp_xdlms_get_req_decode(const uint8_t *apdu, size_t len, pp_xdlms_get_req_t *out);
/* WITH_LIST takes list.ptr/len as pre-encoded items (pp_xdlms_put_attr_sel). */
int pp_xdlms_get_req_encode(const pp_xdlms_get_req_t *in, uint8_t *out, size_t cap);

typedef struct pp_xdlms_get_resp {
    uint8_t type;               /* PP_GET_RESP_* */
    uint8_t iidp;
    bool is_dar;                /* NORMAL, DATABLOCK: result is a data-access-result */
    uint8_t dar;
    const uint8_t *data;        /* NORMAL: one Data; DATABLOCK: raw-data octets */
    uint32_t data_len;
    bool last_block;            /* DATABLOCK */
    uint32_t block_number;      /* DATABLOCK */
    pp_xdlms_list_t list;       /* WITH_LIST: Get-Data-Result items */
} pp_xdlms_get_resp_t;
pp_err_t pp_xdlms_get_resp_decode(const uint8_t *apdu, size_t len, pp_xdlms_get_resp_t *out);

/* C4 01 iidp 00 -- the caller appends the Data. */
pp_err_t pp_xdlms_put_get_resp_normal(pp_axdr_wr_t *wr, uint8_t iidp);
/* C4 01 iidp 01 dar */
pp_err_t pp_xdlms_put_get_resp_normal_dar(pp_axdr_wr_t *wr, uint8_t iidp, uint8_t dar);
/* C4 02 iidp last block-number 00 len raw */
pp_err_t pp_xdlms_put_get_resp_block(pp_axdr_wr_t *wr, uint8_t iidp, bool last, uint32_t block,
                                     const uint8_t *raw, uint32_t raw_len);
/* C4 02 iidp last block-number 01 dar */
pp_err_t pp_xdlms_put_get_resp_block_dar(pp_axdr_wr_t *wr, uint8_t iidp, bool last,
                                         uint32_t block, uint8_t dar);
/* Octets a GET datablock response adds around raw_len octets of raw data. */
size_t pp_xdlms_get_block_overhead(uint32_t raw_len);
/* C4 03 iidp count -- then per item pp_xdlms_put_result_data + Data, or
 * pp_xdlms_put_result_dar. */
pp_err_t pp_xdlms_put_get_resp_list(pp_axdr_wr_t *wr, uint8_t iidp, uint32_t count);
pp_err_t pp_xdlms_put_result_data(pp_axdr_wr_t *wr);
pp_err_t pp_xdlms_put_result_dar(pp_axdr_wr_t *wr, uint8_t dar);

/* ---- SET ---------------------------------------------------------------- */

typedef struct pp_xdlms_set_req {
    uint8_t type;               /* PP_SET_REQ_* */
    uint8_t iidp;
    pp_xdlms_attr_sel_t item;   /* NORMAL, FIRST_DATABLOCK */
    const uint8_t *value;       /* NORMAL: one Data */
    uint32_t value_len;
    pp_xdlms_list_t list;       /* WITH_LIST, WITH_LIST_FIRST_DATABLOCK: attr_sel items */
    pp_xdlms_list_t values;     /* WITH_LIST: Data items */
    bool last_block;            /* *DATABLOCK */
    uint32_t block_number;
    const uint8_t *raw;         /* *DATABLOCK: raw-data octets */
    uint32_t raw_len;
} pp_xdlms_set_req_t;
pp_err_t pp_xdlms_set_req_decode(const uint8_t *apdu, size_t len, pp_xdlms_set_req_t *out);
int pp_xdlms_set_req_encode(const pp_xdlms_set_req_t *in, uint8_t *out, size_t cap);

typedef struct pp_xdlms_set_resp {
    uint8_t type;               /* PP_SET_RESP_* */
    uint8_t iidp;
    uint8_t result;             /* NORMAL, LAST_DATABLOCK: pp_dar */
    uint32_t block_number;      /* DATABLOCK, LAST_DATABLOCK* */
    pp_xdlms_list_t results;    /* *WITH_LIST: count DAR octets at ptr */
} pp_xdlms_set_resp_t;
pp_err_t pp_xdlms_set_resp_decode(const uint8_t *apdu, size_t len, pp_xdlms_set_resp_t *out);
int pp_xdlms_set_resp_encode(const pp_xdlms_set_resp_t *in, uint8_t *out, size_t cap);

/* ---- ACTION ------------------------------------------------------------- */

typedef struct pp_xdlms_action_req {
    uint8_t type;               /* PP_ACTION_REQ_* */
    uint8_t iidp;
    pp_xdlms_attr_t method;     /* NORMAL, WITH_FIRST_PBLOCK */
    const uint8_t *params;      /* NORMAL: one Data, NULL when absent */
    uint32_t params_len;
    pp_xdlms_list_t methods;    /* WITH_LIST, WITH_LIST_FIRST_PBLOCK: method descriptors
                                 * (walk with pp_xdlms_next_method) */
    pp_xdlms_list_t param_list; /* WITH_LIST: one Data per method */
    bool last_block;            /* *PBLOCK (not NEXT) */
    uint32_t block_number;      /* *PBLOCK */
    const uint8_t *raw;         /* WITH_*PBLOCK: raw-data octets */
    uint32_t raw_len;
} pp_xdlms_action_req_t;
pp_err_t pp_xdlms_action_req_decode(const uint8_t *apdu, size_t len, pp_xdlms_action_req_t *out);
pp_err_t pp_xdlms_next_method(pp_axdr_rd_t *it, pp_xdlms_attr_t *out);
int pp_xdlms_action_req_encode(const pp_xdlms_action_req_t *in, uint8_t *out, size_t cap);

typedef struct pp_xdlms_action_resp {
    uint8_t type;               /* NORMAL, WITH_PBLOCK, NEXT_PBLOCK */
    uint8_t iidp;
    uint8_t result;             /* NORMAL: pp_action_result */
    bool has_return;            /* NORMAL: return-parameters present */
    bool return_is_dar;
    uint8_t return_dar;
    const uint8_t *data;        /* NORMAL: returned Data; WITH_PBLOCK: raw octets */
    uint32_t data_len;
    bool last_block;            /* WITH_PBLOCK */
    uint32_t block_number;      /* WITH_PBLOCK, NEXT_PBLOCK */
    pp_xdlms_list_t results;    /* WITH_LIST: Action-Response-With-Optional-Data items */
} pp_xdlms_action_resp_t;
pp_err_t pp_xdlms_action_resp_decode(const uint8_t *apdu, size_t len, pp_xdlms_action_resp_t *out);
/* Action-Response-With-Optional-Data: result, then the optional
 * Get-Data-Result (has_return; data or dar). */
pp_err_t pp_xdlms_next_action_result(pp_axdr_rd_t *it, uint8_t *result, bool *has_return,
                                     bool *is_dar, uint8_t *dar, const uint8_t **data,
                                     uint32_t *len);
/* C7 01 iidp result, then 00 (no return parameters) or 01; with_return
 * the caller appends a Get-Data-Result: pp_xdlms_put_result_data and the
 * Data, or pp_xdlms_put_result_dar. */
pp_err_t pp_xdlms_put_action_resp_normal(pp_axdr_wr_t *wr, uint8_t iidp, uint8_t result,
                                         bool with_return);
/* C7 04 iidp block-number: the parameter block received, send the next */
pp_err_t pp_xdlms_put_action_resp_next_pblock(pp_axdr_wr_t *wr, uint8_t iidp, uint32_t block);
/* C7 02 iidp last block-number len raw */
pp_err_t pp_xdlms_put_action_resp_pblock(pp_axdr_wr_t *wr, uint8_t iidp, bool last,
                                         uint32_t block, const uint8_t *raw, uint32_t raw_len);

/* ---- notifications ------------------------------------------------------ */

/* C2 [time] attribute-descriptor -- the caller appends the value. time is
 * 12 octets of date-time or NULL. */
pp_err_t pp_xdlms_put_event_notification(pp_axdr_wr_t *wr, const uint8_t *time12,
                                         const pp_xdlms_attr_t *attr);
typedef struct pp_xdlms_event_notification {
    const uint8_t *time;        /* NULL or date-time octets */
    uint32_t time_len;
    pp_xdlms_attr_t attr;
    const uint8_t *value;
    uint32_t value_len;
} pp_xdlms_event_notification_t;
pp_err_t pp_xdlms_event_notification_decode(const uint8_t *apdu, size_t len,
                                            pp_xdlms_event_notification_t *out);

/* 0F long-invoke-id-and-priority date-time -- the caller appends the body.
 * dt NULL writes the empty date-time (length 0). */
pp_err_t pp_xdlms_put_data_notification(pp_axdr_wr_t *wr, uint32_t liidp,
                                        const pp_axdr_datetime_t *dt);
typedef struct pp_xdlms_data_notification {
    uint32_t liidp;
    const uint8_t *datetime;    /* 12 octets, or NULL when empty */
    const uint8_t *body;        /* one Data */
    uint32_t body_len;
} pp_xdlms_data_notification_t;
pp_err_t pp_xdlms_data_notification_decode(const uint8_t *apdu, size_t len,
                                           pp_xdlms_data_notification_t *out);

/* ---- general-block-transfer (Green Book 9.3.x, tag 0xE0) ----------------- */

/* block-control: last-block (bit 7), streaming (bit 6), window (bits 0..5). */
#define PP_GBT_LAST 0x80u
#define PP_GBT_STREAMING 0x40u
#define PP_GBT_WINDOW_MASK 0x3Fu

typedef struct pp_xdlms_gbt {
    uint8_t control;            /* block-control */
    uint16_t block_number;
    uint16_t block_number_ack;
    const uint8_t *data;        /* block-data octets (none: an acknowledgement) */
    uint32_t data_len;
} pp_xdlms_gbt_t;
pp_err_t pp_xdlms_gbt_decode(const uint8_t *apdu, size_t len, pp_xdlms_gbt_t *out);
/* E0 control block-number block-number-ack length -- the caller appends
 * data_len octets of block-data. */
pp_err_t pp_xdlms_put_gbt_head(pp_axdr_wr_t *wr, uint8_t control, uint16_t block_number,
                               uint16_t block_number_ack, uint32_t data_len);
int pp_xdlms_gbt_encode(const pp_xdlms_gbt_t *in, uint8_t *out, size_t cap);

/* ---- ExceptionResponse -------------------------------------------------- */

typedef struct pp_xdlms_exception {
    uint8_t state_error;        /* pp_exc_state */
    uint8_t service_error;      /* pp_exc_service */
    uint32_t invocation_counter;/* with PP_EXC_SERVICE_INVOCATION_COUNTER_ERROR */
} pp_xdlms_exception_t;
pp_err_t pp_xdlms_exception_decode(const uint8_t *apdu, size_t len, pp_xdlms_exception_t *out);
int pp_xdlms_exception_encode(const pp_xdlms_exception_t *in, uint8_t *out, size_t cap);

/* ---- ciphered APDUs (for the security module) --------------------------- */

/* True for glo-/ded- service and initiate tags and general-glo/-ded-ciphering. */
bool pp_xdlms_is_ciphered_tag(uint8_t tag);

typedef struct pp_xdlms_cipher_hdr {
    uint8_t tag;
    const uint8_t *system_title; /* general-glo/-ded-ciphering only, else NULL */
    uint32_t system_title_len;
    const uint8_t *content;      /* SC || IC || ciphertext || auth tag */
    uint32_t content_len;
    uint8_t sc;                  /* security control byte */
    uint32_t ic;                 /* invocation counter */
    const uint8_t *payload;      /* after the IC: ciphertext (+ tag) */
    uint32_t payload_len;
} pp_xdlms_cipher_hdr_t;
/* Parses tag [system-title] length SC IC; the content must end the APDU. */
pp_err_t pp_xdlms_cipher_parse(const uint8_t *apdu, size_t len, pp_xdlms_cipher_hdr_t *out);
/* Writes tag [system-title] length SC IC; the caller appends payload_len
 * octets of ciphertext and tag. system_title NULL except for 0xDB/0xDC. */
pp_err_t pp_xdlms_cipher_put_header(pp_axdr_wr_t *wr, uint8_t tag, const uint8_t *system_title,
                                    uint32_t system_title_len, uint8_t sc, uint32_t ic,
                                    uint32_t payload_len);

/* ---- selective access parameters (profile generic, class 7) ------------- */

/* capture_object_definition: structure {class_id, logical_name, attribute_index, data_index} */
typedef struct pp_xdlms_capture_obj {
    uint16_t class_id;
    uint8_t ln[6];
    int8_t attr;
    uint16_t data_index;
} pp_xdlms_capture_obj_t;

/* range_descriptor (selector 1). from/to are one Data each (usually a
 * date-time octet-string: read with pp_axdr_get_datetime_os); columns is
 * the selected_values array (count 0: all columns). */
typedef struct pp_xdlms_range {
    pp_xdlms_capture_obj_t restricting;
    const uint8_t *from;
    uint32_t from_len;
    const uint8_t *to;
    uint32_t to_len;
    pp_xdlms_list_t columns;    /* capture_object_definition items */
} pp_xdlms_range_t;
pp_err_t pp_xdlms_range_parse(const uint8_t *params, size_t len, pp_xdlms_range_t *out);
pp_err_t pp_xdlms_next_capture_obj(pp_axdr_rd_t *it, pp_xdlms_capture_obj_t *out);

/* entry_descriptor (selector 2). Entries and values count from 1; 0 in
 * to_entry / to_selected_value means "up to the last". */
typedef struct pp_xdlms_entry {
    uint32_t from_entry;
    uint32_t to_entry;
    uint16_t from_value;
    uint16_t to_value;
} pp_xdlms_entry_t;
pp_err_t pp_xdlms_entry_parse(const uint8_t *params, size_t len, pp_xdlms_entry_t *out);

/* Encoders of the same, for clients and tests. */
pp_err_t pp_xdlms_put_capture_obj(pp_axdr_wr_t *wr, const pp_xdlms_capture_obj_t *c);
pp_err_t pp_xdlms_put_entry(pp_axdr_wr_t *wr, const pp_xdlms_entry_t *e);

/* Blue Book name of a data-access-result ("read-write-denied"); "unknown"
 * for values it does not define. */
const char *pp_xdlms_dar_name(uint8_t dar);

#endif
