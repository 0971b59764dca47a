/* The object directory: every value a user can see, declared once
 * (src/core/objects.def) and turned into a const table at build time.
 * DLMS/COSEM, IEC 62056-21, the display, M-Bus and push are views of it;
 * docs/object-list.md is generated from the same table (`polyphase objects`).
 * Objects whose required features the order code lacks (no breaker, A+ only,
 * ...) are absent from the meter: pp_objects_enabled() filters them. */
#ifndef POLYPHASE_OBJECTS_H
#define POLYPHASE_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "polyphase/value.h"

/* Associations of OBJECT-MODEL.md (client SAP -> rights). */
typedef enum pp_assoc_id {
    PP_ASSOC_PUBLIC = 0,     /* client SAP 16, no authentication */
    PP_ASSOC_READER = 1,     /* client SAP 17, low (password) */
    PP_ASSOC_MANAGEMENT = 2, /* client SAP 1, HLS-GMAC + suite 0 */
    PP_ASSOC_INSTALLER = 3,  /* client SAP 2, HLS-GMAC (firmware, display, calendar) */
    PP_ASSOC_COUNT
} pp_assoc_id_t;

/* Attribute access per association: 2 bits each, public in the low bits. */
typedef uint8_t pp_access_t;
enum { PP_ACC_NONE = 0, PP_ACC_READ = 1, PP_ACC_WRITE = 2, PP_ACC_RW = 3 };
#define PP_ACCESS(pub, rd, mgmt, inst) \
    ((pp_access_t)((pub) | (rd) << 2 | (mgmt) << 4 | (inst) << 6))
static inline unsigned pp_access_for(pp_access_t a, pp_assoc_id_t who)
{
    return (unsigned)(a >> (2u * (unsigned)who)) & 3u;
}

/* Order-code features an object requires (all bits must be present). */
enum pp_feature {
    PP_FEAT_EXPORT = 1u << 0,      /* X9 A+/A- or 4 quadrants */
    PP_FEAT_REACTIVE = 1u << 1,    /* X9 A+/A-/R+/R- */
    PP_FEAT_BREAKER = 1u << 2,     /* X10 dual or standard breaker */
    PP_FEAT_PULSE_INPUT = 1u << 3, /* Z3 has a pulse input */
    PP_FEAT_OPTICAL_21 = 1u << 4,  /* Z18 not disabled */
    PP_FEAT_TARIFF_TABLE = 1u << 5 /* Z13 tariff table (activity calendar) */
};

/* The meter's own scaler for energy registers follows the display decimals
 * (Z1); objects declare PP_SCALER_ENERGY and the meter resolves it. */
#define PP_SCALER_ENERGY 127

/* Every object has a quantity id: the binding to meter data. */
typedef enum pp_quantity {
#define PP_OBJECT(id, a, b, c, d, e, f, cls, ver, scaler, unit, type, feat, access, name) PP_Q_##id,
#include "polyphase/objects.def"
#undef PP_OBJECT
    PP_Q_COUNT
} pp_quantity_t;

typedef struct pp_object {
    pp_obis_t ln;
    uint16_t class_id;
    uint8_t version;
    int8_t scaler;        /* PP_SCALER_ENERGY: from the meter's resolution */
    uint8_t unit;         /* pp_unit_t, PP_UNIT_NONE where not applicable */
    pp_vtype_t type;      /* type of the value attribute (class 1/3/4: attr 2) */
    uint16_t features;    /* PP_FEAT_* required */
    pp_access_t access;   /* value attribute (attr 2) per association */
    pp_quantity_t quantity;
    const char *name;
} pp_object_t;

size_t pp_objects_count(void);
const pp_object_t *pp_objects_at(size_t index);
/* The object with this logical name, or NULL. */
const pp_object_t *pp_objects_find(pp_obis_t ln);
const pp_object_t *pp_objects_by_quantity(pp_quantity_t q);
/* True when the meter's features include everything the object needs. */
static inline int pp_objects_enabled(const pp_object_t *o, uint32_t features)
{
    return (o->features & features) == o->features;
}

#endif
