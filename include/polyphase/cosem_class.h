/* COSEM interface classes of the DLMS server: one const descriptor per class
 * (src/dlms/class_*.c) with its attributes, access rules and get/set/action
 * functions. Attributes are encoded piece by piece into a sink window, so a
 * profile buffer of any length streams into GET blocks without a buffer of
 * its own. */
#ifndef POLYPHASE_COSEM_CLASS_H
#define POLYPHASE_COSEM_CLASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/axdr.h"
#include "polyphase/dlms_server.h"
#include "polyphase/objects.h"

/* A window over the encoded Data of one attribute: octets before skip are
 * dropped, at most cap are kept; pos counts every octet produced. */
typedef struct pp_cosem_sink {
    uint8_t *out;
    size_t cap;
    uint32_t skip;
    uint32_t pos;
    size_t stored;
    bool overflow;       /* the window filled up: more follows */
} pp_cosem_sink_t;

/* Puts n octets through the window; PP_ERR_NOSPACE once it is full. */
pp_err_t pp_cosem_sink_put(pp_cosem_sink_t *k, const uint8_t *p, size_t n);

#define PP_COSEM_PIECE 640u /* largest piece encoded at once (one profile row, one list item) */

/* An encoder: A-XDR writer over a piece buffer, flushed into the sink. */
typedef struct pp_cosem_enc {
    pp_axdr_wr_t wr;
    pp_cosem_sink_t *k;
    uint8_t buf[PP_COSEM_PIECE];
} pp_cosem_enc_t;

void pp_cosem_enc_init(pp_cosem_enc_t *e, pp_cosem_sink_t *k);
pp_err_t pp_cosem_enc_flush(pp_cosem_enc_t *e);

/* One call of a class function. */
typedef struct pp_cosem_call {
    pp_dlms_server_t *srv;
    pp_dlms_conn_t *conn;
    const pp_object_t *obj;
    uint8_t who;                       /* pp_assoc_id_t of the caller */
    uint8_t id;                        /* attribute or method */
    const pp_xdlms_access_t *access;   /* selective access (GET), may be absent */
    uint8_t *cont;                     /* PP_DLMS_CONT_CAP octets kept between GET blocks */
    bool first;                        /* first block of this GET (cont is zeroed) */
} pp_cosem_call_t;

/* How an attribute's access follows the object's value access. */
enum pp_cosem_rule {
    PP_CA_VALUE = 0,   /* the object's declared access (read/write per association) */
    PP_CA_STATIC = 1,  /* readable wherever the value is readable, never writable */
    PP_CA_SECRET = 2,  /* never readable, writable where the value is writable */
    PP_CA_CONFIG = 3   /* readable like the value, writable by management only */
};

typedef struct pp_cosem_class {
    uint16_t class_id;
    uint8_t version;
    uint8_t nattr;
    uint8_t nmeth;
    const uint8_t *rule;        /* nattr entries (attribute 1 first), PP_CA_* */
    const uint8_t *meth_who;    /* nmeth entries: bit per association allowed */
    uint32_t selective;         /* bit n: attribute n takes selective access */
    /* Encode attribute c->id; PP_OK, or *dar set and PP_ERR_DENIED. */
    pp_err_t (*get)(const pp_cosem_call_t *c, pp_cosem_enc_t *e, uint8_t *dar);
    /* Write attribute c->id from one A-XDR Data; returns a data-access-result. */
    uint8_t (*set)(const pp_cosem_call_t *c, const uint8_t *data, size_t len);
    /* Method c->id; returns an action-result. With return data, writes one
     * Data into ret and sets *has_ret. */
    uint8_t (*action)(const pp_cosem_call_t *c, const uint8_t *params, size_t len,
                      pp_axdr_wr_t *ret, bool *has_ret);
} pp_cosem_class_t;

#define PP_WHO(a) (1u << (a))
#define PP_WHO_MGMT (PP_WHO(PP_ASSOC_MANAGEMENT))

extern const pp_cosem_class_t pp_cosem_class_data;        /* 1 */
extern const pp_cosem_class_t pp_cosem_class_register;    /* 3 */
extern const pp_cosem_class_t pp_cosem_class_ext_register;/* 4 */
extern const pp_cosem_class_t pp_cosem_class_demand;      /* 5 */
extern const pp_cosem_class_t pp_cosem_class_profile;     /* 7 */
extern const pp_cosem_class_t pp_cosem_class_clock;       /* 8 */
extern const pp_cosem_class_t pp_cosem_class_special_days;/* 11 */
extern const pp_cosem_class_t pp_cosem_class_calendar;    /* 20 */
extern const pp_cosem_class_t pp_cosem_class_assoc_ln;    /* 15 */
extern const pp_cosem_class_t pp_cosem_class_sap;         /* 17 */
extern const pp_cosem_class_t pp_cosem_class_hdlc_setup;  /* 23 */
extern const pp_cosem_class_t pp_cosem_class_tcp_udp;     /* 41 */
extern const pp_cosem_class_t pp_cosem_class_security;    /* 64 */

/* The descriptor of a class id, or NULL. */
const pp_cosem_class_t *pp_cosem_class_find(uint16_t class_id);

/* Access of attribute attr of object o for association who (PP_ACC_*). */
unsigned pp_cosem_attr_access(const pp_cosem_class_t *cls, const pp_object_t *o, uint8_t who,
                              uint8_t attr);
/* True when method m of o may be invoked by who. */
bool pp_cosem_method_allowed(const pp_cosem_class_t *cls, const pp_object_t *o, uint8_t who,
                             uint8_t m);
/* True when o is in the object list of association who on a meter with
 * these features. */
bool pp_cosem_visible(const pp_object_t *o, uint8_t who, uint32_t features);

/* ---- helpers shared by the classes ---- */
/* A pp_value_t as A-XDR (date-times in the clock's local time). */
pp_err_t pp_cosem_put_value(pp_axdr_wr_t *w, const pp_value_t *v, const pp_clock_t *clk);
/* One A-XDR Data into a pp_value_t of type t (PP_ERR_MALFORMED: wrong tag;
 * date-times are read in the clock's local time, clk may be NULL for
 * other types). Octets point into data. */
pp_err_t pp_cosem_get_value(const uint8_t *data, size_t len, pp_vtype_t t, const pp_clock_t *clk,
                            pp_value_t *out);
pp_err_t pp_cosem_put_scaler_unit(pp_axdr_wr_t *w, int8_t scaler, uint8_t unit);
pp_err_t pp_cosem_put_ln(pp_axdr_wr_t *w, pp_obis_t ln);
pp_err_t pp_cosem_put_dt(pp_axdr_wr_t *w, const pp_axdr_datetime_t *dt);
/* The object's scaler with PP_SCALER_ENERGY resolved through the provider. */
int8_t pp_cosem_scaler(const pp_dlms_server_t *s, const pp_object_t *o);
/* Provider value of attribute attr; PP_ERR_DENIED with *dar on failure. */
pp_err_t pp_cosem_value(const pp_cosem_call_t *c, uint8_t attr, pp_value_t *v, uint8_t *scratch,
                        size_t cap, uint8_t *dar);

#endif
