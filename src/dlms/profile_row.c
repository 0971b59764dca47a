/* Profile rows from a fixed layout: see profile_row.h. */
#include "profile_row.h"

#include <string.h>

#include "polyphase/dlms_const.h"

/* Octets after the tag of a cell type (0: no fixed encoding). */
static unsigned value_size(uint8_t type)
{
    switch (type) {
    case PP_LOG_TIME: return 1u + PP_ROW_DT_OCTETS; /* octet-string: length 12, octets */
    case PP_LOG_U8: return 1u;
    case PP_LOG_U16: return 2u;
    case PP_LOG_U32: case PP_LOG_I32: return 4u;
    case PP_LOG_I64: return 8u;
    default: return 0u;
    }
}

/* The pow10 of a U32 cell of column c. */
static int8_t unit_of(uint8_t type, uint8_t c, const int8_t divide_pow10[PP_LOG_MAX_COLUMNS])
{
    return type == PP_LOG_U32 && c < PP_LOG_MAX_COLUMNS ? divide_pow10[c] : 0;
}

bool pp_row_layout_init(pp_row_layout_t *l, const pp_log_row_t *row,
                        const int8_t divide_pow10[PP_LOG_MAX_COLUMNS])
{
    if (row->ncells > PP_LOG_MAX_COLUMNS) {
        return false;
    }
    l->ncells = row->ncells;
    l->len = 2; /* structure, count < 128 */
    for (unsigned i = 0; i < row->ncells; i++) {
        const pp_log_cell_t *c = &row->cell[i];
        const unsigned n = value_size(c->type);
        if (n == 0) {
            return false;
        }
        l->type[i] = c->type;
        l->column[i] = c->column;
        l->pow10[i] = unit_of(c->type, c->column, divide_pow10);
        l->len = (uint16_t)(l->len + 1u + n);
    }
    return true;
}

static uint8_t *put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return p + 2;
}

/* One swapped 32-bit store on a little-endian CPU: byte by byte, gcc
 * stores a quotient as four shifted bytes of the 64-bit product. */
static uint8_t *put_be32(uint8_t *p, uint32_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = v >> 24 | (v >> 8 & 0xFF00u) | (v << 8 & 0xFF0000u) | v << 24;
    memcpy(p, &v, 4);
#else
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
#endif
    return p + 4;
}

/* A U32 cell in the capture object's own unit (scaler): the value / 10^n
 * as dividing by 10 n times gives it; the usual exponents as divisions by
 * constants (a multiplication, where a division would cost tens of cycles). */
static uint32_t in_unit(int64_t v, int8_t n)
{
    if (n <= 0) {
        return (uint32_t)v;
    }
    if (v >= 0 && v <= UINT32_MAX) {
        const uint32_t u = (uint32_t)v;
        switch (n) {
        case 1: return u / 10u;
        case 2: return u / 100u;
        case 3: return u / 1000u;
        default: break;
        }
    }
    for (; n > 0 && v != 0; n--) {
        v /= 10;
    }
    return (uint32_t)v;
}

bool pp_row_layout_put(const pp_row_layout_t *l, const pp_log_row_t *row, pp_row_dt_fn dt,
                       void *user, uint8_t *out)
{
    /* Locals throughout: a store through out (uint8_t) could alias any
     * field, which would make the compiler load each one again. */
    const unsigned n = l->ncells;
    const pp_log_cell_t *cell = row->cell;
    if (row->ncells != n) {
        return false;
    }
    uint8_t *p = out;
    p[0] = PP_DT_STRUCTURE;
    p[1] = (uint8_t)n;
    p += 2;
    for (unsigned i = 0; i < n; i++) {
        const uint8_t type = cell[i].type;
        const int64_t v = cell[i].value;
        const int8_t pow10 = l->pow10[i];
        if (type != l->type[i] || cell[i].column != l->column[i]) {
            return false; /* not a row of this layout */
        }
        switch (type) {
        case PP_LOG_TIME:
            p[0] = PP_DT_OCTET_STRING;
            p[1] = PP_ROW_DT_OCTETS;
            if (!dt(user, v, p + 2)) {
                return false;
            }
            p += 2u + PP_ROW_DT_OCTETS;
            break;
        case PP_LOG_U8:
            p[0] = PP_DT_UNSIGNED;
            p[1] = (uint8_t)v;
            p += 2;
            break;
        case PP_LOG_U16:
            p[0] = PP_DT_LONG_UNSIGNED;
            p = put_be16(p + 1, (uint16_t)v);
            break;
        case PP_LOG_U32:
            p[0] = PP_DT_DOUBLE_LONG_UNSIGNED;
            p = put_be32(p + 1, in_unit(v, pow10));
            break;
        case PP_LOG_I32:
            p[0] = PP_DT_DOUBLE_LONG;
            p = put_be32(p + 1, (uint32_t)(int32_t)v);
            break;
        default:
            p[0] = PP_DT_LONG64;
            p = put_be32(put_be32(p + 1, (uint32_t)((uint64_t)v >> 32)), (uint32_t)v);
            break;
        }
    }
    return true;
}

/* Cell c into the plan's steps (dst: its tag's place in the row), merged
 * into the last one when it continues that run of U32 values. */
static void plan_add(pp_row_layout_t *l, uint8_t type, uint8_t src, int8_t pow10, uint16_t dst)
{
    pp_row_op_t *last = l->nops ? &l->op[l->nops - 1u] : NULL;
    if (last && type == PP_LOG_U32 && last->type == PP_LOG_U32 && last->pow10 == pow10 &&
        last->src + 4u * last->count == src) {
        last->count++;
        return;
    }
    l->op[l->nops++] = (pp_row_op_t){type, 1, src, pow10, dst};
}

/* Stored width of a cell type (TIME: the entry's own time). */
static unsigned stored_width(uint8_t type)
{
    return type == PP_LOG_TIME ? 0u : value_size(type);
}

bool pp_row_plan_init(pp_row_layout_t *l, const pp_log_view_t *v, uint32_t mask,
                      const int8_t divide_pow10[PP_LOG_MAX_COLUMNS])
{
    if (v->fields == NULL || v->store == NULL || v->ncolumns > PP_LOG_MAX_COLUMNS) {
        return false;
    }
    l->ncells = 0;
    l->nops = 0;
    l->len = 2; /* structure, count < 128 */
    for (uint8_t c = 0; c < v->ncolumns; c++) {
        if (!(mask & (1u << c))) {
            continue;
        }
        const uint8_t type = v->columns[c].type;
        const pp_log_field_t f = v->fields[c];
        const unsigned n = value_size(type);
        if (n == 0 || f.width != stored_width(type) || (type == PP_LOG_TIME && c != 0) ||
            f.offset + f.width > v->store->payload_len) {
            return false;
        }
        l->type[l->ncells] = type;
        l->column[l->ncells] = c;
        l->pow10[l->ncells] = unit_of(type, c, divide_pow10);
        plan_add(l, type, f.offset, l->pow10[l->ncells], l->len);
        l->ncells++;
        l->len = (uint16_t)(l->len + 1u + n);
    }
    return l->ncells > 0;
}

static inline uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline int64_t get_le64(const uint8_t *p)
{
    return (int64_t)((uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32);
}

/* Hour, minute, second and hundredths as one 4-octet store; whole
 * minutes (a profile's rows) take the shorter way. */
static inline void put_time_of_day(uint8_t *out, uint32_t ms)
{
    const uint32_t min_of_day = ms / 60000u, in_min = ms - min_of_day * 60000u;
    const uint32_t h = min_of_day / 60u;
    uint32_t sec = 0, hund = 0;
    if (in_min != 0) {
        sec = in_min / 1000u;
        hund = (in_min - sec * 1000u) / 10u;
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* h | m << 8 with m = min - 60 h, without computing m */
    const uint32_t v = ((min_of_day << 8) - 15359u * h) | sec << 16 | hund << 24;
    memcpy(out, &v, 4);
#else
    out[0] = (uint8_t)h;
    out[1] = (uint8_t)(min_of_day - h * 60u);
    out[2] = (uint8_t)sec;
    out[3] = (uint8_t)hund;
#endif
}

void pp_row_dt_patch(uint8_t out[PP_ROW_DT_OCTETS], const uint8_t os[PP_ROW_DT_OCTETS], uint32_t ms)
{
    memcpy(out, os, PP_ROW_DT_OCTETS);
    put_time_of_day(out + 5, ms);
}

/* Where rows of a run go and come from: the plan is written one step at
 * a time over all rows (one dispatch per step and block, not per cell). */
typedef struct rows_io {
    uint8_t *out;            /* the first row */
    unsigned len;            /* octets per row */
    const uint8_t *time;     /* the first entry's time */
    const uint8_t *payload;  /* and payload */
    ptrdiff_t stride;
    uint32_t m;              /* rows */
} rows_io_t;

/* Copies for each constant k and d, so the cells unroll and the division
 * is a multiplication (or nothing); one copy when optimising for size. */
#if defined(__GNUC__) && !defined(__OPTIMIZE_SIZE__)
#define ROWS_INLINE inline __attribute__((always_inline))
#else
#define ROWS_INLINE inline
#endif

static ROWS_INLINE void u32_cell(uint8_t *p, const uint8_t *src, uint32_t d)
{
    p[0] = PP_DT_DOUBLE_LONG_UNSIGNED;
    put_be32(p + 1, get_le32(src) / d);
}

/* A run of k U32 cells in each row, divided by d (the first four written
 * out: -O2 does not unroll the loop). */
static ROWS_INLINE void u32_rows(const rows_io_t *io, const pp_row_op_t *o, unsigned k, uint32_t d)
{
    uint8_t *row = io->out + o->dst;
    const uint8_t *src = io->payload + o->src;
    const unsigned len = io->len; /* locals: stores through row may alias io */
    const uint32_t m = io->m;
    const ptrdiff_t stride = io->stride;
    for (uint32_t r = 0; r < m; r++, row += len, src += stride) {
        if (k >= 1) {
            u32_cell(row, src, d);
        }
        if (k >= 2) {
            u32_cell(row + 5, src + 4, d);
        }
        if (k >= 3) {
            u32_cell(row + 10, src + 8, d);
        }
        if (k >= 4) {
            u32_cell(row + 15, src + 12, d);
        }
        for (unsigned j = 4; j < k; j++) {
            u32_cell(row + 5u * j, src + 4u * j, d);
        }
    }
}

static ROWS_INLINE void u32_rows_div(const rows_io_t *io, const pp_row_op_t *o, uint32_t d)
{
    switch (o->count) { /* the usual energy columns: 1 to 4 in a row */
    case 1: u32_rows(io, o, 1u, d); return;
    case 2: u32_rows(io, o, 2u, d); return;
    case 3: u32_rows(io, o, 3u, d); return;
    case 4: u32_rows(io, o, 4u, d); return;
    default: u32_rows(io, o, o->count, d); return;
    }
}

static void u32_rows_unit(const rows_io_t *io, const pp_row_op_t *o)
{
    switch (o->pow10) {
    case 0: u32_rows_div(io, o, 1u); return;
    case 1: u32_rows_div(io, o, 10u); return;
    case 2: u32_rows_div(io, o, 100u); return;
    case 3: u32_rows_div(io, o, 1000u); return;
    default: break;
    }
    uint8_t *row = io->out + o->dst;
    const uint8_t *src = io->payload + o->src;
    for (uint32_t r = 0; r < io->m; r++, row += io->len, src += io->stride) {
        for (unsigned j = 0; j < o->count; j++) {
            row[5u * j] = PP_DT_DOUBLE_LONG_UNSIGNED;
            put_be32(row + 5u * j + 1u, in_unit(get_le32(src + 4u * j), o->pow10));
        }
    }
}

static void step_rows(const rows_io_t *io, const pp_row_op_t *o, const pp_row_day_t *day)
{
    uint8_t *p = io->out + o->dst;
    const uint8_t *s = io->payload + o->src;
    const uint8_t *t = io->time;
    switch (o->type) {
    case PP_LOG_TIME: {
        uint8_t os[PP_ROW_DT_OCTETS]; /* locals: stores through p may alias day */
        memcpy(os, day->os, sizeof os);
        const int64_t base = day->base;
        for (uint32_t r = 0; r < io->m; r++, p += io->len, t += io->stride) {
            p[0] = PP_DT_OCTET_STRING;
            p[1] = PP_ROW_DT_OCTETS;
            memcpy(p + 2, os, PP_ROW_DT_OCTETS);
            put_time_of_day(p + 7, (uint32_t)((uint64_t)get_le64(t) - (uint64_t)base));
        }
        return;
    }
    case PP_LOG_U8:
        for (uint32_t r = 0; r < io->m; r++, p += io->len, s += io->stride) {
            p[0] = PP_DT_UNSIGNED;
            p[1] = s[0];
        }
        return;
    case PP_LOG_U16:
        for (uint32_t r = 0; r < io->m; r++, p += io->len, s += io->stride) {
            p[0] = PP_DT_LONG_UNSIGNED;
            put_be16(p + 1, (uint16_t)(s[0] | s[1] << 8));
        }
        return;
    case PP_LOG_U32: u32_rows_unit(io, o); return;
    case PP_LOG_I32:
        for (uint32_t r = 0; r < io->m; r++, p += io->len, s += io->stride) {
            p[0] = PP_DT_DOUBLE_LONG;
            put_be32(p + 1, get_le32(s));
        }
        return;
    default:
        for (uint32_t r = 0; r < io->m; r++, p += io->len, s += io->stride) {
            p[0] = PP_DT_LONG64;
            put_be32(put_be32(p + 1, get_le32(s + 4)), get_le32(s));
        }
        return;
    }
}

/* The load profile's shape -- clock, status, a run of k U32 energies --
 * in one pass per row (straight-line code for each k and d instead of a
 * pass per step); other shapes go step by step. */
static bool is_clock_status_energies(const pp_row_layout_t *l)
{
    const pp_row_op_t *o = l->op;
    return l->nops == 3 && o[0].type == PP_LOG_TIME && o[0].dst == 2 && o[1].type == PP_LOG_U8 &&
           o[1].dst == 16 && o[2].type == PP_LOG_U32 && o[2].dst == 18 && o[2].count >= 1 &&
           o[2].count <= 4 && o[2].pow10 >= 0 && o[2].pow10 <= 3 && l->ncells == 2u + o[2].count &&
           l->len == 18u + 5u * o[2].count;
}

/* Status and up to four energies behind the row's date-time: their tags
 * (the values are written over the zeros). */
static const uint8_t STATUS_ENERGY_TAGS[2 + 5 * 4] = {
    PP_DT_UNSIGNED, 0, PP_DT_DOUBLE_LONG_UNSIGNED, 0, 0, 0, 0, PP_DT_DOUBLE_LONG_UNSIGNED, 0, 0, 0, 0,
    PP_DT_DOUBLE_LONG_UNSIGNED, 0, 0, 0, 0, PP_DT_DOUBLE_LONG_UNSIGNED, 0, 0, 0, 0};

static ROWS_INLINE void clock_status_energy_rows(const rows_io_t *io, const pp_row_layout_t *l,
                                                 const pp_row_day_t *day, unsigned k, uint32_t d)
{
    /* The row's tags and the day's date-time are the same in every row:
     * one template copy for the first 16 octets (structure, octet-string,
     * date-time) and one for the tags behind (unsigned, k double-long-
     * unsigned), the time of day and the values then written over them. */
    uint8_t head[16];
    head[0] = PP_DT_STRUCTURE;
    head[1] = (uint8_t)(2u + k);
    head[2] = PP_DT_OCTET_STRING;
    head[3] = PP_ROW_DT_OCTETS;
    memcpy(head + 4, day->os, PP_ROW_DT_OCTETS);
    const int64_t base = day->base;
    /* one pointer per side, the cells at fixed offsets from it */
    const ptrdiff_t time_at = io->time - io->payload;
    const unsigned status_at = l->op[1].src, energy_at = l->op[2].src;
    const unsigned len = io->len;
    const ptrdiff_t stride = io->stride;
    const uint8_t *src = io->payload;
    uint8_t *row = io->out;
    for (uint8_t *end = row + (size_t)io->m * len; row != end; row += len, src += stride) {
        const uint8_t *energy = src + energy_at;
        memcpy(row, head, sizeof head);
        memcpy(row + 16, STATUS_ENERGY_TAGS, 2 + 5 * k); /* k constant: a store or three */
        put_time_of_day(row + 9, (uint32_t)((uint64_t)get_le64(src + time_at) - (uint64_t)base));
        row[17] = src[status_at];
        put_be32(row + 19, get_le32(energy) / d);
        if (k >= 2) {
            put_be32(row + 24, get_le32(energy + 4) / d);
        }
        if (k >= 3) {
            put_be32(row + 29, get_le32(energy + 8) / d);
        }
        if (k >= 4) {
            put_be32(row + 34, get_le32(energy + 12) / d);
        }
    }
}

static ROWS_INLINE void clock_status_energy_div(const rows_io_t *io, const pp_row_layout_t *l,
                                                const pp_row_day_t *day, uint32_t d)
{
    switch (l->op[2].count) {
    case 1: clock_status_energy_rows(io, l, day, 1u, d); return;
    case 2: clock_status_energy_rows(io, l, day, 2u, d); return;
    case 3: clock_status_energy_rows(io, l, day, 3u, d); return;
    default: clock_status_energy_rows(io, l, day, 4u, d); return;
    }
}

static void clock_status_energies(const rows_io_t *io, const pp_row_layout_t *l,
                                  const pp_row_day_t *day)
{
    switch (l->op[2].pow10) {
    case 0: clock_status_energy_div(io, l, day, 1u); return;
    case 1: clock_status_energy_div(io, l, day, 10u); return;
    case 2: clock_status_energy_div(io, l, day, 100u); return;
    default: clock_status_energy_div(io, l, day, 1000u); return;
    }
}

static inline bool stamp_in_day(const pp_log_run_t *run, uint32_t k, const pp_row_day_t *day)
{
    const uint8_t *t = run->time + (ptrdiff_t)k * run->stride;
    return (uint64_t)get_le64(t) - (uint64_t)day->base < PP_ROW_MS_DAY;
}

/* Rows from k on (below m) whose stamps lie in day. A store's times never
 * decrease, so the rows in it are a prefix: when the last lies in it, all
 * do; else the first one outside is bisected for. */
static uint32_t in_day(const pp_log_run_t *run, uint32_t k, uint32_t m, const pp_row_day_t *day)
{
    if (!day->valid || k >= m || !stamp_in_day(run, k, day)) {
        return k;
    }
    if (stamp_in_day(run, m - 1u, day)) {
        return m;
    }
    uint32_t in = k, out = m - 1u; /* in lies in the day, out not */
    while (out - in > 1u) {
        const uint32_t mid = in + (out - in) / 2u;
        if (stamp_in_day(run, mid, day)) {
            in = mid;
        } else {
            out = mid;
        }
    }
    return out;
}

uint32_t pp_row_plan_rows(const pp_row_layout_t *l, const pp_log_run_t *run, uint32_t from,
                          uint32_t m, pp_row_day_t *day, pp_row_dt_fn dt, void *user, uint8_t *out)
{
    const bool timed = l->nops > 0 && l->op[0].type == PP_LOG_TIME; /* the clock is column 0 */
    uint32_t done = 0;
    m = from + m > run->n ? run->n - from : m;
    while (done < m) {
        uint32_t k = timed ? in_day(run, from + done, from + m, day) - from : m;
        if (k == done) { /* another day: dt moves day on, or the row goes the general way */
            uint8_t os[PP_ROW_DT_OCTETS];
            const int64_t t = get_le64(run->time + (ptrdiff_t)(from + done) * run->stride);
            if (!dt(user, t, os) || (k = in_day(run, from + done, from + m, day) - from) == done) {
                break;
            }
        }
        const ptrdiff_t at = (ptrdiff_t)(from + done) * run->stride;
        const rows_io_t io = {out + (size_t)done * l->len, l->len, run->time + at,
                              run->payload + at, run->stride, k - done};
        done = k;
        if (is_clock_status_energies(l)) {
            clock_status_energies(&io, l, day);
            continue;
        }
        const unsigned len = l->len;
        const uint8_t ncells = l->ncells; /* locals: stores through out may alias l */
        for (uint8_t *row = io.out, *end = io.out + (size_t)io.m * len; row < end; row += len) {
            row[0] = PP_DT_STRUCTURE;
            row[1] = ncells;
        }
        for (unsigned i = 0; i < l->nops; i++) {
            step_rows(&io, &l->op[i], day);
        }
    }
    return done;
}
