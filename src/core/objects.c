#include "polyphase/objects.h"

static const pp_object_t OBJECTS[] = {
#define PP_OBJECT(id, a, b, c, d, e, f, cls, ver, scl, unt, typ, feat, acc, nam)              \
    {.ln = {a, b, c, d, e, f}, .class_id = cls, .version = ver, .scaler = scl, .unit = unt, \
     .type = typ, .features = feat, .access = acc, .quantity = PP_Q_##id, .name = nam},
#include "polyphase/objects.def"
#undef PP_OBJECT
};

size_t pp_objects_count(void)
{
    return sizeof OBJECTS / sizeof OBJECTS[0];
}

const pp_object_t *pp_objects_at(size_t index)
{
    return index < pp_objects_count() ? &OBJECTS[index] : (const pp_object_t *)0;
}

/* pp_obis_equal, inlined and C first: C (the quantity) tells most objects
 * apart, so a lookup over the table costs a compare or two an object. */
static bool same_ln(const pp_obis_t *x, pp_obis_t y)
{
    return x->c == y.c && x->d == y.d && x->a == y.a && x->b == y.b && x->e == y.e &&
           x->f == y.f;
}

const pp_object_t *pp_objects_find(pp_obis_t ln)
{
    for (size_t i = 0; i < pp_objects_count(); i++) {
        if (same_ln(&OBJECTS[i].ln, ln)) {
            return &OBJECTS[i];
        }
    }
    return (const pp_object_t *)0;
}

const pp_object_t *pp_objects_by_quantity(pp_quantity_t q)
{
    /* The table is in quantity order by construction (one enum per line). */
    return (size_t)q < pp_objects_count() ? &OBJECTS[q] : (const pp_object_t *)0;
}
