/* Interface class 7, Profile generic, over the logger reader
 * (polyphase/logstore.h): buffer with selective access by range on the
 * clock column (selector 1, with column selection) and by entry (selector
 * 2), capture_objects, capture_period, sort method/object, entries.
 * Rows stream into GET blocks: each block resumes at the row where the
 * previous one stopped (continuation state kept by the server), so a long
 * read costs one pass over the rows, never the whole buffer in RAM. */
#include <string.h>

#include "polyphase/dlms_const.h"
#include "profile_row.h"
#include "server_internal.h"

/* Kept between GET blocks (PP_DLMS_CONT_CAP octets). */
typedef struct cont {
    uint32_t count;          /* rows in the answer */
    uint32_t first, last;    /* entry numbers the selection resolved to */
    uint32_t mask;
    uint16_t from_value, to_value;
    uint32_t resume_entry;   /* first row of the next block */
    uint32_t resume_pos;     /* its stream position */
} cont_t;
typedef char cont_fits[sizeof(cont_t) <= PP_DLMS_CONT_CAP ? 1 : -1];

static pp_err_t profile_of(const pp_cosem_call_t *c, pp_dlms_profile_t *p, uint8_t *dar)
{
    const pp_dlms_provider_t *pr = &c->srv->prov;
    memset(p, 0, sizeof *p);
    if (!pr->profile || pr->profile(pr->ctx, c->obj->quantity, p) != PP_OK ||
        p->ncols != p->view.ncolumns || p->ncols == 0 || p->ncols > PP_LOG_MAX_COLUMNS) {
        *dar = PP_DAR_OBJECT_UNAVAILABLE;
        return PP_ERR_DENIED;
    }
    return PP_OK;
}

typedef struct rows {
    const pp_cosem_call_t *c;
    const pp_dlms_profile_t *p;
    const pp_clock_t *clk;
    pp_cosem_enc_t *e;
    cont_t *k;
    pp_err_t error;
    /* The date of the last stamp: rows of one day share it (logger rows come
     * every few minutes), so only the time of day is worked out again. */
    bool have_day;
    int64_t day_start;       /* its 00:00 in local standard time, ms since 1970 */
    pp_axdr_datetime_t day_dt;
    pp_row_day_t day;        /* day_dt packed, valid when it passes the checks */
    /* Rows of one read share one layout (profile_row.h). */
    uint8_t layout_state;    /* LAYOUT_* */
    pp_row_layout_t layout;
    bool counting;           /* the one-pass read counts the rows too */
    uint32_t mask;           /* the columns of a read from stored entries */
} rows_t;

enum { LAYOUT_UNKNOWN = 0, LAYOUT_READY, LAYOUT_NONE };

#define MS_DAY PP_ROW_MS_DAY

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

_Static_assert(sizeof(((pp_dlms_day_memo_t *)0)->os) == PP_ROW_DT_OCTETS, "memo holds a row's date");

/* The date of the day starting at day_start (local standard), from the
 * server's memo or converted and checked afresh: the date comes from the
 * calendar (valid, weekday right) unless the year ran out; the rest is
 * checked as pp_cosem_put_dt would. */
static const pp_dlms_day_memo_t *day_of(rows_t *r, int64_t utc, int64_t day_start)
{
    pp_dlms_day_memo_t *m = &r->c->srv->row_day[(uint64_t)day_start / MS_DAY & 1u];
    if (!m->have || m->day_start != day_start || m->std_offset_min != r->clk->std_offset_min) {
        pp_clock_dt_standard(r->clk, utc, 0, &m->dt);
        m->valid = m->dt.year != PP_DT_YEAR_ANY &&
                   pp_clock_dt_check(&m->dt, PP_DT_PART_TIME | PP_DT_PART_ZONE, NULL) == PP_OK;
        pp_axdr_datetime_pack(&m->dt, m->os);
        m->day_start = day_start;
        m->std_offset_min = r->clk->std_offset_min;
        m->have = true;
    }
    return m;
}

/* Milliseconds into its local standard day of a stamp (the logger's
 * scale); the day itself is looked up once, when it changes. */
static uint32_t time_of_day(rows_t *r, int64_t stamp)
{
    const int64_t utc = stamp - r->p->stamp_offset_ms;
    const int64_t local = utc + (int64_t)r->clk->std_offset_min * 60000;
    if (!r->have_day || local < r->day_start || local - r->day_start >= MS_DAY) {
        r->day_start = floor_div(local, MS_DAY) * MS_DAY;
        const pp_dlms_day_memo_t *m = day_of(r, utc, r->day_start);
        r->day_dt = m->dt;
        r->day.valid = m->valid;
        memcpy(r->day.os, m->os, PP_ROW_DT_OCTETS);
        r->day.base = r->day_start - (local - stamp);
        r->have_day = true;
    }
    return (uint32_t)(local - r->day_start);
}

/* A stamp as a COSEM date-time in local standard time, exactly as
 * pp_clock_dt_standard gives it. */
static void stamp_dt(rows_t *r, int64_t stamp, pp_axdr_datetime_t *dt)
{
    const uint32_t ms = time_of_day(r, stamp);
    *dt = r->day_dt;
    dt->hour = (uint8_t)(ms / 3600000u);
    dt->minute = (uint8_t)(ms / 60000u % 60u);
    dt->second = (uint8_t)(ms / 1000u % 60u);
    dt->hundredths = (uint8_t)(ms % 1000u / 10u);
}

static void count_entry(cont_t *k, uint32_t entry)
{
    if (k->count == 0) {
        k->first = entry;
    }
    k->last = entry;
    k->count++;
}

static int count_row(void *user, const pp_log_row_t *row)
{
    count_entry(user, row->entry);
    return PP_OK;
}

static pp_err_t put_cell(rows_t *r, const pp_log_cell_t *cell)
{
    pp_axdr_wr_t *w = &r->e->wr;
    int64_t v = cell->value;
    switch (cell->type) {
    case PP_LOG_TIME: {
        pp_axdr_datetime_t dt;
        stamp_dt(r, v, &dt);
        return pp_cosem_put_dt(w, &dt);
    }
    case PP_LOG_U8: return pp_axdr_put_u8(w, (uint8_t)v);
    case PP_LOG_U16: return pp_axdr_put_u16(w, (uint16_t)v);
    case PP_LOG_U32:
        for (int8_t n = cell->column < PP_LOG_MAX_COLUMNS ? r->p->divide_pow10[cell->column] : 0;
             n > 0; n--) {
            v /= 10; /* the capture object's own unit (scaler) */
        }
        return pp_axdr_put_u32(w, (uint32_t)v);
    case PP_LOG_I32: return pp_axdr_put_i32(w, (int32_t)v);
    default: return pp_axdr_put_i64(w, v);
    }
}

/* The time of day of a valid date is valid too: one check a day is
 * what pp_cosem_put_dt would find row by row. */
static bool stamp_octets(void *user, int64_t stamp, uint8_t out[PP_ROW_DT_OCTETS])
{
    rows_t *r = user;
    const uint32_t ms = time_of_day(r, stamp);
    if (!r->day.valid) {
        return false;
    }
    pp_row_dt_patch(out, r->day.os, ms);
    return true;
}

/* The row straight into the sink through the layout, when it lies whole
 * inside the window; false leaves the sink as it was. */
static bool put_row_direct(rows_t *r, const pp_log_row_t *row)
{
    pp_cosem_sink_t *sink = r->e->k;
    if (r->layout_state == LAYOUT_UNKNOWN) {
        r->layout_state = pp_row_layout_init(&r->layout, row, r->p->divide_pow10) ? LAYOUT_READY
                                                                                   : LAYOUT_NONE;
    }
    if (r->layout_state != LAYOUT_READY || r->e->wr.pos != 0 || sink->pos < sink->skip ||
        sink->cap - sink->stored < r->layout.len ||
        !pp_row_layout_put(&r->layout, row, stamp_octets, r, sink->out + sink->stored)) {
        return false;
    }
    sink->stored += r->layout.len;
    sink->pos += r->layout.len;
    return true;
}

/* The next block starts in this row or later. */
static void note_resume(rows_t *r, uint32_t entry)
{
    const pp_cosem_sink_t *sink = r->e->k;
    if (sink->pos <= sink->skip + sink->cap) {
        r->k->resume_entry = entry;
        r->k->resume_pos = sink->pos;
    }
}

static int encode_row(void *user, const pp_log_row_t *row)
{
    rows_t *r = user;
    pp_cosem_sink_t *sink = r->e->k;
    note_resume(r, row->entry);
    if (put_row_direct(r, row)) {
        return PP_OK;
    }
    pp_err_t rc = pp_axdr_put_struct(&r->e->wr, row->ncells);
    for (unsigned i = 0; rc == PP_OK && i < row->ncells; i++) {
        rc = put_cell(r, &row->cell[i]);
    }
    if (rc == PP_OK) {
        rc = pp_cosem_enc_flush(r->e);
    }
    if (rc != PP_OK) {
        r->error = rc;
        return rc == PP_ERR_NOSPACE && sink->overflow ? 1 : rc; /* window full: stop */
    }
    return PP_OK;
}

/* Rows from..from+m-1 of run, just written through the plan into the
 * window: counted, the last one noted as where a next block may start
 * (all lie inside the window), the sink moved on. */
static void took_rows(rows_t *r, const pp_log_run_t *run, uint32_t from, uint32_t m)
{
    pp_cosem_sink_t *sink = r->e->k;
    const uint32_t len = r->layout.len;
    const uint32_t last = run->entry + (uint32_t)((int32_t)(from + m - 1u) * run->step);
    if (r->counting) {
        if (r->k->count == 0) {
            r->k->first = run->entry + (uint32_t)((int32_t)from * run->step);
        }
        r->k->last = last;
        r->k->count += m;
    }
    r->k->resume_entry = last;
    r->k->resume_pos = sink->pos + (m - 1u) * len;
    sink->stored += (size_t)m * len;
    sink->pos += m * len;
}

/* A run of stored entries: as many rows as fit the window through the
 * plan in one go; a row that does not (it straddles the window's end, or
 * its date-time does not convert) decoded and encoded the general way. */
static int encode_run(void *user, const pp_log_run_t *run)
{
    rows_t *r = user;
    pp_cosem_sink_t *sink = r->e->k;
    uint32_t done = 0;
    while (done < run->n) {
        if (r->e->wr.pos == 0 && sink->pos >= sink->skip) {
            const size_t fit = (sink->cap - sink->stored) / r->layout.len;
            const uint32_t want = fit < run->n - done ? (uint32_t)fit : run->n - done;
            const uint32_t m = pp_row_plan_rows(&r->layout, run, done, want, &r->day, stamp_octets, r,
                                                sink->out + sink->stored);
            if (m > 0) {
                took_rows(r, run, done, m);
                done += m;
                continue;
            }
        }
        const pp_log_entry_t en = pp_log_run_entry(run, done++);
        pp_log_row_buf_t buf;
        pp_log_row_t row;
        if (r->counting) {
            count_entry(r->k, en.entry);
        }
        PP_TRY(pp_log_entry_row(&r->p->view, &en, r->mask, &buf, &row));
        const int rc = encode_row(r, &row);
        if (rc != PP_OK) {
            return rc < 0 ? rc : (int)done;
        }
    }
    return PP_OK;
}

/* The rows of sel to r: straight from the stored entries when the view
 * says where its columns lie, else decoded, through fn. */
/* The plan for the columns of mask into r->layout: the server's memo when
 * it was worked out for the same view, columns and units. */
static bool plan_for(rows_t *r, const pp_log_view_t *v)
{
    pp_dlms_plan_memo_t *m = &r->c->srv->plan;
    const int8_t *units = r->p->divide_pow10;
    if (!m->have || m->store != v->store || m->columns != v->columns || m->fields != v->fields ||
        m->ncolumns != v->ncolumns || m->mask != r->mask ||
        memcmp(m->divide_pow10, units, sizeof m->divide_pow10) != 0) {
        m->ok = pp_row_plan_init(&m->layout, v, r->mask, units);
        m->store = v->store;
        m->columns = v->columns;
        m->fields = v->fields;
        m->ncolumns = v->ncolumns;
        m->mask = r->mask;
        memcpy(m->divide_pow10, units, sizeof m->divide_pow10);
        m->have = true;
    }
    if (m->ok) {
        r->layout = m->layout;
    }
    return m->ok;
}

static int read_rows(rows_t *r, const pp_log_select_t *sel, pp_log_row_fn fn)
{
    const pp_log_view_t *v = &r->p->view;
    if (pp_log_select_mask(v, sel, &r->mask) == PP_OK && plan_for(r, v)) {
        /* as many slots per NVM read as rows the window touches: those
         * whole inside, one that overflows it, and at the start of a
         * later block the row it resumes in (maybe sent whole before) */
        const pp_cosem_sink_t *sink = r->e->k;
        const size_t fit = (sink->cap - sink->stored) / r->layout.len + 2u;
        pp_log_select_t s = *sel;
        s.ahead = fit < UINT16_MAX ? (uint16_t)fit : UINT16_MAX;
        r->layout_state = LAYOUT_READY;
        return pp_log_read_runs(v, &s, encode_run, r);
    }
    return pp_log_read(v, sel, fn, r);
}

/* The instants (UTC) of a range's from and to: octet-strings of 12 that
 * are complete, valid date-times; the server's memo answers a range sent
 * before under the same clock settings. */
static pp_err_t range_instants(const pp_cosem_call_t *c, const pp_xdlms_range_t *rg,
                               const pp_clock_t *clk, int64_t t[2], uint8_t *dar)
{
    const uint8_t *raw[2] = {rg->from, rg->to};
    const uint32_t raw_len[2] = {rg->from_len, rg->to_len};
    const uint8_t *os[2];
    for (int i = 0; i < 2; i++) {
        pp_axdr_rd_t rd;
        uint32_t n;
        pp_axdr_rd_init(&rd, raw[i], raw_len[i]);
        if (pp_axdr_get_octets(&rd, &os[i], &n) != PP_OK || n != 12) {
            *dar = PP_DAR_TYPE_UNMATCHED;
            return PP_ERR_DENIED;
        }
    }
    pp_dlms_range_memo_t *m = &c->srv->range;
    if (m->have && memcmp(m->os[0], os[0], 12) == 0 && memcmp(m->os[1], os[1], 12) == 0 &&
        memcmp(&m->clock, clk, sizeof *clk) == 0) {
        t[0] = m->utc_ms[0];
        t[1] = m->utc_ms[1];
        return PP_OK;
    }
    for (int i = 0; i < 2; i++) {
        if (pp_clock_dt_decode_utc(clk, os[i], 12, &t[i]) != PP_OK) {
            *dar = PP_DAR_OTHER_REASON; /* not a complete, valid instant */
            return PP_ERR_DENIED;
        }
    }
    m->have = true;
    memcpy(m->os[0], os[0], 12);
    memcpy(m->os[1], os[1], 12);
    memcpy(&m->clock, clk, sizeof *clk);
    m->utc_ms[0] = t[0];
    m->utc_ms[1] = t[1];
    return PP_OK;
}

/* Selective access -> a logger selection. */
static pp_err_t selection(const pp_cosem_call_t *c, const pp_dlms_profile_t *p,
                          const pp_clock_t *clk, pp_log_select_t *sel, uint8_t *dar)
{
    const pp_xdlms_access_t *acc = c->access;
    memset(sel, 0, sizeof *sel);
    *dar = PP_DAR_SCOPE_OF_ACCESS_VIOLATED;
    if (!acc || !acc->present) {
        return PP_OK;
    }
    if (acc->selector == 2) {
        pp_xdlms_entry_t en;
        PP_VERIFY(pp_xdlms_entry_parse(acc->params, acc->params_len, &en) == PP_OK, PP_ERR_DENIED);
        PP_VERIFY(en.from_value <= p->ncols && en.to_value <= p->ncols, PP_ERR_DENIED);
        *sel = (pp_log_select_t){.by = PP_LOG_BY_ENTRY, .from_entry = en.from_entry ? en.from_entry : 1,
                                 .to_entry = en.to_entry, .from_value = en.from_value,
                                 .to_value = en.to_value};
        return PP_OK;
    }
    pp_xdlms_range_t rg;
    PP_VERIFY(acc->selector == 1 && pp_xdlms_range_parse(acc->params, acc->params_len, &rg) == PP_OK,
              PP_ERR_DENIED);
    const pp_xdlms_capture_obj_t *clock_col = &p->col[0];
    PP_VERIFY(rg.restricting.class_id == clock_col->class_id &&
                  memcmp(rg.restricting.ln, clock_col->ln, 6) == 0 &&
                  rg.restricting.attr == clock_col->attr,
              PP_ERR_DENIED);
    int64_t t[2];
    PP_TRY(range_instants(c, &rg, clk, t, dar));
    t[0] += p->stamp_offset_ms; /* the logger's time scale */
    t[1] += p->stamp_offset_ms;
    *sel = (pp_log_select_t){.by = PP_LOG_BY_RANGE, .from_time = t[0], .to_time = t[1]};
    pp_axdr_rd_t it;
    pp_axdr_rd_init(&it, rg.columns.ptr, rg.columns.len);
    for (uint32_t i = 0; i < rg.columns.count; i++) {
        pp_xdlms_capture_obj_t col;
        PP_VERIFY(pp_xdlms_next_capture_obj(&it, &col) == PP_OK, PP_ERR_DENIED);
        unsigned k = 0;
        while (k < p->ncols && !(p->col[k].class_id == col.class_id && p->col[k].attr == col.attr &&
                                 memcmp(p->col[k].ln, col.ln, 6) == 0)) {
            k++;
        }
        PP_VERIFY(k < p->ncols, PP_ERR_DENIED);
        sel->mask |= 1ul << k;
    }
    return PP_OK;
}

#define ARRAY_HEADER_MAX 4u   /* 01 82 HH LL: up to 65,535 rows */
#define ARRAY_HEADER_GUESS 2u /* 01 NN: up to 127 rows, a window's usual share */

static int count_and_encode_row(void *user, const pp_log_row_t *row)
{
    rows_t *r = user;
    (void)count_row(r->k, row);
    return encode_row(user, row);
}

/* One pass when the whole answer fits the first window: the rows go in
 * behind room for a short array header, counted on the way, and the
 * header is put in front once the count is known (the rows moved up only
 * for a longer one). False (window as it was) when it does not fit or
 * fails: the two-pass stream runs instead. */
static bool single_pass(const pp_cosem_call_t *c, const pp_dlms_profile_t *p,
                        const pp_clock_t *clk, pp_cosem_enc_t *e, const pp_log_select_t *sel)
{
    pp_cosem_sink_t *sink = e->k;
    cont_t *k = (cont_t *)(void *)c->cont;
    if (pp_cosem_enc_flush(e) != PP_OK || sink->skip != 0 ||
        sink->cap - sink->stored < ARRAY_HEADER_MAX) {
        return false;
    }
    const size_t s0 = sink->stored;
    const uint32_t p0 = sink->pos;
    sink->stored += ARRAY_HEADER_GUESS;
    sink->pos += ARRAY_HEADER_GUESS;
    rows_t r = {.c = c, .p = p, .clk = clk, .e = e, .k = k, .counting = true};
    int n = read_rows(&r, sel, count_and_encode_row);
    uint8_t head[ARRAY_HEADER_MAX];
    pp_axdr_wr_t w;
    pp_axdr_wr_init(&w, head, sizeof head);
    const bool counted = n >= 0 && r.error == PP_OK && !sink->overflow && k->count <= 0xFFFFu &&
                         pp_axdr_put_array(&w, k->count) == PP_OK;
    const size_t more = counted ? w.pos - ARRAY_HEADER_GUESS : 0;
    if (!counted || sink->cap - sink->stored < more) {
        sink->stored = s0;
        sink->pos = p0;
        sink->overflow = false;
        memset(k, 0, sizeof *k);
        return false;
    }
    if (more > 0) {
        memmove(sink->out + s0 + w.pos, sink->out + s0 + ARRAY_HEADER_GUESS,
                sink->stored - s0 - ARRAY_HEADER_GUESS);
    }
    memcpy(sink->out + s0, head, w.pos);
    sink->stored += more;
    sink->pos += (uint32_t)more;
    return true;
}

static pp_err_t get_buffer(const pp_cosem_call_t *c, const pp_dlms_profile_t *p,
                           const pp_clock_t *clk, pp_cosem_enc_t *e, uint8_t *dar)
{
    cont_t *k = (cont_t *)(void *)c->cont;
    if (c->first) {
        pp_log_select_t sel;
        PP_TRY(selection(c, p, clk, &sel, dar));
        memset(k, 0, sizeof *k);
        if (single_pass(c, p, clk, e, &sel)) {
            return PP_OK;
        }
        sel.ahead = UINT16_MAX; /* counting takes every row */
        int n = pp_log_read(&p->view, &sel, count_row, k);
        if (n < 0) {
            *dar = n == PP_ERR_RANGE ? PP_DAR_SCOPE_OF_ACCESS_VIOLATED : PP_DAR_HARDWARE_FAULT;
            return PP_ERR_DENIED;
        }
        k->mask = sel.mask;
        k->from_value = sel.from_value;
        k->to_value = sel.to_value;
        k->resume_entry = k->first;
        k->resume_pos = 0;
    }
    pp_cosem_sink_t *sink = e->k;
    if (!c->first && k->resume_pos > sink->skip) { /* state of a larger window */
        k->resume_entry = k->first;
        k->resume_pos = 0;
    }
    if (c->first || k->resume_pos == 0) {
        PP_TRY(pp_axdr_put_array(&e->wr, k->count));
        PP_TRY(pp_cosem_enc_flush(e));
    } else {
        sink->pos = k->resume_pos; /* skip the rows earlier blocks carried */
    }
    if (k->count == 0) {
        return PP_OK;
    }
    pp_log_select_t sel = {.by = PP_LOG_BY_ENTRY, .from_entry = k->resume_entry ? k->resume_entry : k->first,
                           .to_entry = k->last, .from_value = k->from_value,
                           .to_value = k->to_value, .mask = k->mask};
    rows_t r = {.c = c, .p = p, .clk = clk, .e = e, .k = k};
    int n = read_rows(&r, &sel, encode_row);
    if (r.error != PP_OK) {
        return r.error;
    }
    if (n < 0) {
        *dar = PP_DAR_HARDWARE_FAULT;
        return PP_ERR_DENIED;
    }
    return PP_OK;
}

static pp_err_t get(const pp_cosem_call_t *c, pp_cosem_enc_t *e, uint8_t *dar)
{
    if (c->id == 1) {
        return pp_cosem_put_ln(&e->wr, c->obj->ln);
    }
    pp_dlms_profile_t p;
    PP_TRY(profile_of(c, &p, dar));
    const pp_dlms_provider_t *pr = &c->srv->prov;
    pp_clock_t utc;
    const pp_clock_t *clk = pr->clock ? pr->clock(pr->ctx) : NULL;
    if (!clk) {
        (void)pp_clock_init(&utc, 0, false);
        clk = &utc;
    }
    switch (c->id) {
    case 2: return get_buffer(c, &p, clk, e, dar);
    case 3:
        PP_TRY(pp_axdr_put_array(&e->wr, p.ncols));
        for (unsigned i = 0; i < p.ncols; i++) {
            PP_TRY(pp_xdlms_put_capture_obj(&e->wr, &p.col[i]));
            PP_TRY(pp_cosem_enc_flush(e));
        }
        return PP_OK;
    case 4: return pp_axdr_put_u32(&e->wr, p.capture_period_s);
    case 5: return pp_axdr_put_enum(&e->wr, 1); /* fifo */
    case 6: return pp_xdlms_put_capture_obj(&e->wr, &p.col[0]);
    case 7: return pp_axdr_put_u32(&e->wr, pp_log_view_count(&p.view));
    default: return pp_axdr_put_u32(&e->wr, pp_log_view_capacity(&p.view));
    }
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_VALUE,  PP_CA_STATIC, PP_CA_STATIC,
                               PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC};
static const uint8_t METH[] = {0, 0}; /* reset, capture: loggers are the meter's own */

const pp_cosem_class_t pp_cosem_class_profile = {
    .class_id = 7, .version = 1, .nattr = 8, .nmeth = 2, .rule = RULE, .meth_who = METH,
    .selective = 1u << 2, .get = get};
