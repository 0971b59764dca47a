/* Power-safe ring of time-ordered entries and the common profile reader.
 * Layout, recovery and costs: include/polyphase/logstore.h. */
#include "polyphase/logstore.h"

#include <string.h>

#include "core/le.h"

#define SEQ_MAX 0xFFFFFFFEu
#define SLOT_MAX (PP_LOGSTORE_OVERHEAD + PP_LOGSTORE_MAX_PAYLOAD)

typedef struct slot {
    bool valid;
    uint32_t seq;
    int64_t time;
} slot_t;

uint32_t pp_logstore_slots_for(uint32_t region_size, uint16_t payload_len)
{
    return region_size / ((uint32_t)payload_len + PP_LOGSTORE_OVERHEAD);
}

static uint32_t tag_crc(const pp_port_t *port, uint32_t tag)
{
    uint8_t t[4];
    pp_le_put32(t, tag);
    return pp_port_crc32_update(port, pp_crc32_init(), t, sizeof(t));
}

/* CRC-32 over the tag (little-endian) and the slot body; through the
 * port's CRC hook, as every slot read checks one. */
static inline uint32_t slot_crc(const pp_logstore_t *ls, const uint8_t *slot, uint16_t body_len)
{
    return pp_crc32_final(pp_port_crc32_update(ls->port, ls->tag_crc, slot, body_len));
}

/* chain_crc: k copies of one intact slot (all zero but its CRC) from the
 * tag's register; any k intact slots end at the same register. */
static void fill_chain(pp_logstore_t *ls)
{
    uint8_t slot[SLOT_MAX] = {0};
    const uint16_t body = (uint16_t)(ls->slot_len - 4u);
    pp_le_put32(slot + body, slot_crc(ls, slot, body));
    uint32_t reg = ls->tag_crc;
    for (uint32_t k = 0; k < PP_LOGSTORE_CHAIN; k++) {
        reg = pp_port_crc32_update(ls->port, reg, slot, ls->slot_len);
        ls->chain_crc[k] = reg;
    }
}

/* Reads slot i; payload (payload_len bytes) copied out when valid. */
static pp_err_t read_slot(pp_logstore_t *ls, uint32_t i, slot_t *s, void *payload)
{
    uint8_t buf[SLOT_MAX];
    uint16_t body = (uint16_t)(ls->slot_len - 4u);
    ls->stats.slot_reads++;
    ls->stats.nvm_reads++;
    PP_TRY(ls->port->nvm_read(ls->port->ctx, ls->base + i * ls->slot_len, buf, ls->slot_len));
    s->seq = pp_le_get32(buf);
    s->time = (int64_t)pp_le_get64(buf + 4);
    /* seqs stop a lap short of 2^32 so next_seq never wraps */
    s->valid = s->seq != 0 && s->seq <= SEQ_MAX - ls->capacity &&
               (s->seq - 1u) % ls->capacity == i &&
               pp_le_get32(buf + body) == slot_crc(ls, buf, body);
    if (s->valid && payload != NULL) {
        memcpy(payload, buf + 12, ls->payload_len);
    }
    return PP_OK;
}

static uint32_t lap_of(const pp_logstore_t *ls, uint32_t seq)
{
    return (seq - 1u) / ls->capacity;
}

/* First slot in [1, n) not holding lap L0 (n when all do). */
static pp_err_t bisect_head(pp_logstore_t *ls, uint32_t lap0, uint32_t *head)
{
    uint32_t lo = 1, hi = ls->capacity;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2u;
        slot_t s;
        PP_TRY(read_slot(ls, mid, &s, NULL));
        if (s.valid && lap_of(ls, s.seq) == lap0) {
            lo = mid + 1u;
        } else {
            hi = mid;
        }
    }
    *head = lo;
    return PP_OK;
}

static pp_err_t recover(pp_logstore_t *ls)
{
    uint32_t n = ls->capacity;
    slot_t s0, s;
    ls->next_seq = 1;
    ls->oldest_seq = 1;
    ls->last_time = 0;
    PP_TRY(read_slot(ls, 0, &s0, NULL));
    if (!s0.valid) {
        /* Empty, or slot 0 torn while the ring was full. */
        PP_TRY(read_slot(ls, n - 1u, &s, NULL));
        if (s.valid) {
            ls->next_seq = s.seq + 1u;
            ls->oldest_seq = s.seq - n + 2u;
            ls->last_time = s.time;
        }
        return PP_OK;
    }
    uint32_t lap0 = lap_of(ls, s0.seq), h;
    PP_TRY(bisect_head(ls, lap0, &h));
    ls->next_seq = lap0 * n + h + 1u;
    if (h == n) {
        ls->oldest_seq = ls->next_seq - n;
    } else {
        PP_TRY(read_slot(ls, h, &s, NULL));
        if (s.valid && lap_of(ls, s.seq) + 1u == lap0) {
            ls->oldest_seq = ls->next_seq - n;     /* full ring, no tear */
        } else if (lap0 == 0) {
            ls->oldest_seq = 1;                    /* first lap */
        } else {
            ls->oldest_seq = ls->next_seq - n + 1u; /* slot h torn */
        }
    }
    PP_TRY(read_slot(ls, h - 1u, &s, NULL));
    ls->last_time = s.valid ? s.time : s0.time;
    return PP_OK;
}

pp_err_t pp_logstore_open(pp_logstore_t *ls, const pp_port_t *port, uint32_t base,
                          uint32_t capacity, uint16_t payload_len, uint32_t tag)
{
    PP_VERIFY(ls != NULL && port != NULL && port->nvm_read != NULL && port->nvm_write != NULL,
              PP_ERR_ARG);
    PP_VERIFY(payload_len > 0 && payload_len <= PP_LOGSTORE_MAX_PAYLOAD && capacity >= 2,
              PP_ERR_ARG);
    PP_VERIFY(port->nvm.erase_size == 0, PP_ERR_UNSUPPORTED);
    PP_VERIFY(port->nvm.page_size > 0, PP_ERR_ARG);
    uint32_t slot_len = (uint32_t)payload_len + PP_LOGSTORE_OVERHEAD;
    PP_VERIFY(base < port->nvm.size && capacity <= (port->nvm.size - base) / slot_len,
              PP_ERR_ARG);
    memset(ls, 0, sizeof(*ls));
    ls->port = port;
    ls->base = base;
    ls->capacity = capacity;
    ls->tag = tag;
    ls->tag_crc = tag_crc(port, tag);
    ls->payload_len = payload_len;
    ls->slot_len = (uint16_t)slot_len;
    fill_chain(ls);
    return recover(ls);
}

/* Writes len bytes at addr split at page boundaries (port rule). */
static pp_err_t write_paged(pp_logstore_t *ls, uint32_t addr, const uint8_t *src, uint32_t len)
{
    uint32_t page = ls->port->nvm.page_size;
    while (len > 0) {
        uint32_t room = page - addr % page;
        uint32_t n = len < room ? len : room;
        PP_TRY(ls->port->nvm_write(ls->port->ctx, addr, src, n));
        addr += n;
        src += n;
        len -= n;
    }
    return PP_OK;
}

pp_err_t pp_logstore_append(pp_logstore_t *ls, int64_t time_ms, const void *payload)
{
    PP_VERIFY(ls != NULL && ls->port != NULL && payload != NULL, PP_ERR_ARG);
    PP_VERIFY(pp_logstore_count(ls) == 0 || time_ms >= ls->last_time, PP_ERR_RANGE);
    PP_VERIFY(ls->next_seq <= SEQ_MAX - ls->capacity, PP_ERR_NOSPACE);
    uint8_t buf[SLOT_MAX];
    uint16_t body = (uint16_t)(ls->slot_len - 4u);
    pp_le_put32(buf, ls->next_seq);
    pp_le_put64(buf + 4, (uint64_t)time_ms);
    memcpy(buf + 12, payload, ls->payload_len);
    pp_le_put32(buf + body, slot_crc(ls, buf, body));
    uint32_t i = (ls->next_seq - 1u) % ls->capacity;
    PP_TRY(write_paged(ls, ls->base + i * ls->slot_len, buf, ls->slot_len));
    ls->next_seq++;
    if (ls->next_seq - ls->oldest_seq > ls->capacity) {
        ls->oldest_seq = ls->next_seq - ls->capacity;
    }
    ls->last_time = time_ms;
    ls->stats.appends++;
    return PP_OK;
}

uint32_t pp_logstore_count(const pp_logstore_t *ls)
{
    return ls == NULL ? 0 : ls->next_seq - ls->oldest_seq;
}

/* Entry seq want as read from its slot (its slot by construction): intact
 * when the slot holds that seq and its CRC matches, which is all the
 * general slot check adds up to for a seq of the readable range. */
static inline pp_err_t check_entry(pp_logstore_t *ls, const uint8_t *buf, uint32_t want)
{
    const uint16_t body = (uint16_t)(ls->slot_len - 4u);
    if (pp_le_get32(buf) != want || pp_le_get32(buf + body) != slot_crc(ls, buf, body)) {
        ls->stats.bad_slots++;
        return PP_ERR_CORRUPT;
    }
    return PP_OK;
}

/* n consecutive slots from slot i into buf, one NVM read. */
static pp_err_t read_slots(pp_logstore_t *ls, uint32_t i, uint32_t n, uint8_t *buf)
{
    ls->stats.slot_reads += n;
    ls->stats.nvm_reads++;
    return ls->port->nvm_read(ls->port->ctx, ls->base + i * ls->slot_len, buf, n * ls->slot_len);
}

static pp_err_t read_entry(pp_logstore_t *ls, uint32_t i, uint32_t want, uint8_t *buf)
{
    PP_TRY(read_slots(ls, i, 1, buf));
    return check_entry(ls, buf, want);
}

pp_err_t pp_logstore_get(pp_logstore_t *ls, uint32_t index, int64_t *time_ms, uint32_t *seq,
                         void *payload)
{
    PP_VERIFY(ls != NULL && ls->port != NULL, PP_ERR_ARG);
    PP_VERIFY(index < pp_logstore_count(ls), PP_ERR_NOT_FOUND);
    uint32_t want = ls->oldest_seq + index;
    uint8_t buf[SLOT_MAX];
    PP_TRY(read_entry(ls, (want - 1u) % ls->capacity, want, buf));
    if (time_ms != NULL) {
        *time_ms = (int64_t)pp_le_get64(buf + 4);
    }
    if (seq != NULL) {
        *seq = want;
    }
    if (payload != NULL) {
        memcpy(payload, buf + 12, ls->payload_len);
    }
    return PP_OK;
}

static const uint8_t *map_slots(pp_logstore_t *ls, uint32_t lo, uint32_t n);

/* The time of entry index (< count), checked as pp_logstore_get checks
 * it; read in place where the port maps the NVM. */
static pp_err_t entry_time(pp_logstore_t *ls, uint32_t index, int64_t *t)
{
    const uint32_t want = ls->oldest_seq + index;
    const uint8_t *at = map_slots(ls, (want - 1u) % ls->capacity, 1);
    if (at == NULL) {
        return pp_logstore_get(ls, index, t, NULL, NULL);
    }
    PP_TRY(check_entry(ls, at, want));
    *t = (int64_t)pp_le_get64(at + 4);
    return PP_OK;
}

/* An entry whose time a search has read and checked: a second search
 * starting there (the range's end after its start) need not read it. */
typedef struct {
    uint32_t index;
    int64_t time;
    bool known;
} seen_t;

/* Time of the first readable entry at or after j in [j, hi); *at = hi when
 * none. A rotted slot is unreadable anyway, so the search steps over it. */
static pp_err_t probe_time(pp_logstore_t *ls, uint32_t j, uint32_t hi, uint32_t *at, int64_t *t)
{
    for (; j < hi; j++) {
        int rc = entry_time(ls, j, t);
        if (rc != PP_ERR_CORRUPT) {
            PP_TRY(rc);
            break;
        }
    }
    *at = j;
    return PP_OK;
}

/* Where t falls in [lo, n) when times run evenly from entry lo to the
 * newest (a periodic logger): the index interpolation gives, taken only
 * when entries g-1 and g are readable and bracket t, which makes g the
 * exact answer (every earlier entry is older than t(g-1) < t); t at or
 * before entry lo or after the newest is answered at once. At most three
 * reads; *found false: search as usual. */
static pp_err_t guess_time(pp_logstore_t *ls, int64_t t, uint32_t lo, seen_t *seen,
                           uint32_t *index, bool *found)
{
    const uint32_t n = pp_logstore_count(ls);
    int64_t t_lo, t_a, t_b;
    *found = false;
    if (lo + 2u > n || n - lo > (1u << 24)) {
        return PP_OK;
    }
    if (t > ls->last_time) { /* after the newest */
        *index = n;
        *found = true;
        return PP_OK;
    }
    pp_err_t rc = PP_OK;
    if (seen->known && seen->index == lo) {
        t_lo = seen->time;
    } else {
        rc = entry_time(ls, lo, &t_lo);
    }
    if (rc == PP_ERR_CORRUPT) {
        return PP_OK;
    }
    PP_TRY(rc);
    if (t <= t_lo) { /* at or before entry lo */
        *index = lo;
        *found = true;
        *seen = (seen_t){lo, t_lo, true};
        return PP_OK;
    }
    /* unsigned: times read back may be anything (a rotted slot can pass) */
    const uint64_t span = (uint64_t)ls->last_time - (uint64_t)t_lo;
    const uint64_t d = (uint64_t)t - (uint64_t)t_lo; /* t_lo < t <= last_time */
    if (span >= (1ull << 39)) {
        return PP_OK; /* keeps d * (n - 1 - lo) in 64 bits */
    }
    uint64_t g = lo + (d * (n - 1u - lo) + span - 1u) / span;
    g = g <= lo ? lo + 1u : g;
    rc = entry_time(ls, (uint32_t)g - 1u, &t_a);
    if (rc == PP_OK) {
        rc = entry_time(ls, (uint32_t)g, &t_b);
    }
    if (rc == PP_ERR_CORRUPT) {
        return PP_OK;
    }
    PP_TRY(rc);
    if (t_a < t && t <= t_b) {
        *index = (uint32_t)g;
        *found = true;
        *seen = (seen_t){(uint32_t)g, t_b, true};
    }
    return PP_OK;
}

/* First index in [lo, hi) whose time >= t (hi when none). */
static pp_err_t bisect_time(pp_logstore_t *ls, int64_t t, uint32_t lo, uint32_t hi, uint32_t *index)
{
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2u, j;
        int64_t tj = 0;
        PP_TRY(probe_time(ls, mid, hi, &j, &tj));
        if (j == hi || tj >= t) {
            hi = mid;
        } else {
            lo = j + 1u;
        }
    }
    *index = lo;
    return PP_OK;
}

static pp_err_t lower_bound_seen(pp_logstore_t *ls, int64_t t, seen_t *seen, uint32_t *index)
{
    bool found;
    PP_TRY(guess_time(ls, t, 0, seen, index, &found));
    return found ? PP_OK : bisect_time(ls, t, 0, pp_logstore_count(ls), index);
}

pp_err_t pp_logstore_lower_bound(pp_logstore_t *ls, int64_t t, uint32_t *index)
{
    PP_VERIFY(ls != NULL && index != NULL, PP_ERR_ARG);
    seen_t seen = {0, 0, false};
    return lower_bound_seen(ls, t, &seen, index);
}

/* As lower_bound for a t whose answer is at or after from, found by
 * doubling steps from there: O(log k) reads for an answer k rows on. */
static pp_err_t gallop_time(pp_logstore_t *ls, int64_t t, uint32_t from, seen_t *seen,
                            uint32_t *index)
{
    uint32_t n = pp_logstore_count(ls), lo = from, step = 1;
    bool found;
    PP_TRY(guess_time(ls, t, from, seen, index, &found));
    if (found) {
        return PP_OK;
    }
    while (lo < n) {
        uint32_t probe = from + step - 1u, j;
        int64_t tj = 0;
        if (probe >= n || probe < from) {
            break;
        }
        PP_TRY(probe_time(ls, probe, n, &j, &tj));
        if (j == n || tj >= t) {
            return bisect_time(ls, t, lo, probe, index);
        }
        lo = j + 1u;
        step *= 2u;
    }
    return bisect_time(ls, t, lo, n, index);
}

pp_err_t pp_logstore_newest_time(const pp_logstore_t *ls, int64_t *time_ms)
{
    PP_VERIFY(ls != NULL && time_ms != NULL, PP_ERR_ARG);
    PP_VERIFY(pp_logstore_count(ls) > 0, PP_ERR_NOT_FOUND);
    *time_ms = ls->last_time;
    return PP_OK;
}

/* ------------------------------------------------------------------ */
/* Reader                                                               */

typedef struct span {
    uint32_t first, last; /* inclusive oldest-based indices; first > last = empty */
} span_t;

static pp_err_t column_mask(const pp_log_view_t *v, const pp_log_select_t *sel, uint32_t *mask)
{
    uint32_t all = v->ncolumns >= 32 ? 0xFFFFFFFFu : (1u << v->ncolumns) - 1u;
    if (sel->mask != 0) {
        PP_VERIFY((sel->mask & ~all) == 0, PP_ERR_RANGE);
        *mask = sel->mask;
        return PP_OK;
    }
    if (sel->from_value == 0 && sel->to_value == 0) {
        *mask = all;
        return PP_OK;
    }
    uint32_t from = sel->from_value == 0 ? 1u : sel->from_value;
    uint32_t to = sel->to_value == 0 ? v->ncolumns : sel->to_value;
    PP_VERIFY(from <= to && to <= v->ncolumns, PP_ERR_RANGE);
    *mask = 0;
    for (uint32_t c = from - 1u; c < to; c++) {
        *mask |= 1u << c;
    }
    return PP_OK;
}

uint32_t pp_log_view_count(const pp_log_view_t *v)
{
    if (v == NULL) {
        return 0;
    }
    return v->store ? pp_logstore_count(v->store)
                    : (v->source ? v->source->count(v->source_ctx) : 0);
}

uint32_t pp_log_view_capacity(const pp_log_view_t *v)
{
    if (v == NULL) {
        return 0;
    }
    return v->store ? v->store->capacity
                    : (v->source ? v->source->capacity(v->source_ctx) : 0);
}

/* First source entry at or after time t (count when none): entries are in
 * time order. Unreadable entries count as later, so they are never skipped
 * over silently in a range. */
static pp_err_t source_lower_bound(const pp_log_view_t *v, int64_t t, uint32_t *index)
{
    uint32_t lo = 0, hi = pp_log_view_count(v);
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2u, seq;
        int64_t tm;
        pp_log_cell_t cells[PP_LOG_MAX_COLUMNS];
        pp_err_t rc = v->source->row(v->source_ctx, mid, &tm, &seq, cells);
        if (rc != PP_OK && rc != PP_ERR_CORRUPT) {
            return rc;
        }
        if (rc == PP_OK && tm < t) {
            lo = mid + 1u;
        } else {
            hi = mid;
        }
    }
    *index = lo;
    return PP_OK;
}

static pp_err_t entry_span(const pp_log_view_t *v, const pp_log_select_t *sel, span_t *sp)
{
    uint32_t n = pp_log_view_count(v);
    uint32_t from = sel->from_entry == 0 ? 1u : sel->from_entry;
    uint32_t to = sel->to_entry == 0 || sel->to_entry > n ? n : sel->to_entry;
    PP_VERIFY(sel->to_entry == 0 || from <= sel->to_entry, PP_ERR_RANGE);
    if (from > to) {
        sp->first = 1;
        sp->last = 0;
    } else if (sel->newest_first) {
        sp->first = n - to;
        sp->last = n - from;
    } else {
        sp->first = from - 1u;
        sp->last = to - 1u;
    }
    return PP_OK;
}

static pp_err_t range_span(const pp_log_view_t *v, const pp_log_select_t *sel, span_t *sp)
{
    uint32_t a, b;
    sp->first = 1;
    sp->last = 0;
    if (sel->from_time > sel->to_time) {
        return PP_OK;
    }
    if (v->store == NULL) {
        PP_TRY(source_lower_bound(v, sel->from_time, &a));
        b = pp_log_view_count(v);
        if (sel->to_time != INT64_MAX) {
            PP_TRY(source_lower_bound(v, sel->to_time + 1, &b));
        }
    } else {
        seen_t seen = {0, 0, false};
        PP_TRY(lower_bound_seen(v->store, sel->from_time, &seen, &a));
        if (sel->to_time == INT64_MAX) {
            b = pp_logstore_count(v->store);
        } else {
            PP_TRY(gallop_time(v->store, sel->to_time + 1, a, &seen, &b));
        }
    }
    if (a < b) {
        sp->first = a;
        sp->last = b - 1u;
    }
    return PP_OK;
}

/* The cells of the columns in mask, in column order. */
static const pp_log_cell_t *select_cells(const pp_log_view_t *v, uint32_t mask,
                                         pp_log_cell_t *all, pp_log_cell_t *sel, uint8_t *n)
{
    uint8_t k = 0;
    if (mask == (1u << v->ncolumns) - 1u) { /* every column: the cells as decoded */
        for (; k < v->ncolumns; k++) {
            all[k].column = k;
        }
        *n = k;
        return all;
    }
    for (uint8_t c = 0; c < v->ncolumns; c++) {
        if (mask & (1u << c)) {
            sel[k] = all[c];
            sel[k].column = c;
            k++;
        }
    }
    *n = k;
    return sel;
}

/* fn's answer as emit_* give it: 1 emitted, 2 fn asked to stop. */
static int emitted(int rc)
{
    return rc < 0 ? rc : (rc > 0 ? 2 : 1);
}

/* Hands one row to fn: 0 skipped (corrupt), 1 emitted, 2 fn asked to stop. */
static int emit_cells(const pp_log_view_t *v, uint32_t seq, uint32_t index, uint32_t mask,
                      pp_log_cell_t *all, pp_log_row_fn fn, void *user)
{
    pp_log_cell_t sel[PP_LOG_MAX_COLUMNS];
    pp_log_row_t row = {seq, index + 1u, 0, NULL};
    row.cell = select_cells(v, mask, all, sel, &row.ncells);
    return emitted(fn(user, &row));
}

pp_err_t pp_log_entry_row(const pp_log_view_t *v, const pp_log_entry_t *e, uint32_t mask,
                          pp_log_row_buf_t *buf, pp_log_row_t *row)
{
    PP_VERIFY(v != NULL && v->decode != NULL && e != NULL && buf != NULL && row != NULL, PP_ERR_ARG);
    PP_TRY(v->decode(v->logger, e->time, e->payload, buf->all));
    *row = (pp_log_row_t){e->seq, e->entry, 0, NULL};
    row->cell = select_cells(v, mask, buf->all, buf->sel, &row->ncells);
    return PP_OK;
}

/* What a read hands its rows to: decoded rows or raw entries. */
typedef struct reader {
    const pp_log_view_t *v;
    uint32_t mask;
    pp_log_row_fn row_fn;
    pp_log_run_fn run_fn;
    void *user;
} reader_t;

/* A store row from its slot as read (buf): 0 skipped (corrupt), 1
 * emitted, 2 fn asked to stop. */
static int emit_stored(const reader_t *rd, const uint8_t *buf, uint32_t index)
{
    const pp_log_view_t *v = rd->v;
    const uint32_t seq = v->store->oldest_seq + index;
    if (check_entry(v->store, buf, seq) == PP_ERR_CORRUPT) {
        return 0; /* skipped */
    }
    const int64_t time = (int64_t)pp_le_get64(buf + 4);
    pp_log_cell_t all[PP_LOG_MAX_COLUMNS];
    PP_TRY(v->decode(v->logger, time, buf + 12, all));
    return emit_cells(v, seq, index, rd->mask, all, rd->row_fn, rd->user);
}

static int emit_source(const reader_t *rd, uint32_t index)
{
    const pp_log_view_t *v = rd->v;
    pp_log_cell_t all[PP_LOG_MAX_COLUMNS];
    int64_t t;
    uint32_t seq;
    int rc = v->source->row(v->source_ctx, index, &t, &seq, all);
    if (rc == PP_ERR_CORRUPT) {
        return 0; /* skipped */
    }
    PP_TRY(rc);
    return emit_cells(v, seq, index, rd->mask, all, rd->row_fn, rd->user);
}

pp_err_t pp_log_select_mask(const pp_log_view_t *v, const pp_log_select_t *sel, uint32_t *mask)
{
    PP_VERIFY(v != NULL && sel != NULL && mask != NULL, PP_ERR_ARG);
    PP_VERIFY(v->ncolumns > 0 && v->ncolumns <= PP_LOG_MAX_COLUMNS, PP_ERR_ARG);
    return column_mask(v, sel, mask);
}

static pp_err_t select_span(const pp_log_view_t *v, const pp_log_select_t *sel, span_t *sp)
{
    if (sel->by == PP_LOG_BY_ENTRY) {
        return entry_span(v, sel, sp);
    }
    if (sel->by == PP_LOG_BY_RANGE) {
        return range_span(v, sel, sp);
    }
    PP_VERIFY(sel->by == PP_LOG_BY_ALL, PP_ERR_RANGE);
    sp->first = 0;
    sp->last = pp_log_view_count(v) - 1u; /* wraps to empty when 0 */
    if (pp_log_view_count(v) == 0) {
        sp->first = 1;
        sp->last = 0;
    }
    return PP_OK;
}

pp_log_entry_t pp_log_run_entry(const pp_log_run_t *run, uint32_t k)
{
    const int32_t d = (int32_t)k * run->step;
    const ptrdiff_t off = (ptrdiff_t)k * run->stride;
    return (pp_log_entry_t){run->seq + (uint32_t)d, run->entry + (uint32_t)d,
                            (int64_t)pp_le_get64(run->time + off), run->payload + off};
}

/* A block of n consecutive slots in read order, and the verdict of the
 * chained CRC check over the chunk the read has reached. */
typedef struct {
    pp_logstore_t *ls;
    const uint8_t *blk;  /* lowest slot in memory */
    const uint8_t *first; /* read position 0 */
    uint32_t n;
    uint32_t seq_first;  /* seq read position 0 should hold */
    int32_t stride, step; /* octets and seqs from one read position to the next */
    uint32_t checked_to; /* read positions below it have a chunk verdict */
    bool chunk_good;
} block_t;

/* k consecutive slots at lo, seqs from seq on: all intact? Their seqs, then
 * one CRC over all k (cheaper than k short ones); a false answer only sends
 * the caller to check them one by one. */
static bool chunk_intact(const pp_logstore_t *ls, const uint8_t *lo, uint32_t seq, uint32_t k)
{
    /* every seq compared, without a branch per slot: a full chunk unrolls */
    const size_t len = ls->slot_len;
    uint32_t diff = 0;
    if (k == PP_LOGSTORE_CHAIN) {
#if defined(__GNUC__)
#pragma GCC unroll 16
#endif
        for (uint32_t i = 0; i < PP_LOGSTORE_CHAIN; i++) {
            diff |= pp_le_get32(lo + i * len) ^ (seq + i);
        }
    } else {
        for (uint32_t i = 0; i < k; i++) {
            diff |= pp_le_get32(lo + i * len) ^ (seq + i);
        }
    }
    return diff == 0 && pp_port_crc32_update(ls->port, ls->tag_crc, lo, (size_t)k * ls->slot_len) ==
           ls->chain_crc[k - 1u];
}

/* The chunk verdict for read positions from j on: up to PP_LOGSTORE_CHAIN
 * slots, contiguous in memory either way. */
static void check_chunk(block_t *b, uint32_t j)
{
    const uint32_t left = b->n - j;
    const uint32_t k = left < PP_LOGSTORE_CHAIN ? left : PP_LOGSTORE_CHAIN;
    const bool down = b->step < 0;
    const uint32_t lo = down ? b->n - j - k : j; /* memory position */
    const uint32_t seq_lo = down ? b->seq_first - (j + k - 1u) : b->seq_first + j;
    b->chunk_good = chunk_intact(b->ls, b->blk + (size_t)lo * b->ls->slot_len, seq_lo, k);
    b->checked_to = j + k;
}

/* Read positions [from, to) of the block as one run to run_fn: 0 go on,
 * 2 fn asked to stop. */
static int emit_run(const reader_t *rd, const block_t *b, uint32_t from, uint32_t to, int *rows)
{
    if (to <= from) {
        return 0;
    }
    const uint8_t *at = b->first + (ptrdiff_t)from * b->stride;
    const uint32_t seq0 = b->seq_first + (uint32_t)((int32_t)from * b->step);
    const pp_log_run_t run = {seq0, seq0 - b->ls->oldest_seq + 1u, b->step, to - from,
                              at + 4, at + 12, b->stride};
    const int rc = rd->run_fn(rd->user, &run);
    PP_TRY(rc);
    *rows += rc > 0 ? rc : (int)run.n;
    return rc > 0 ? 2 : 0;
}

/* The n slots of blk (index: the first in read order) to run_fn as runs
 * of intact entries: 0 go on, 2 fn asked to stop; rows counts those taken.
 * A chunk that passes its chained check is taken whole; one that fails is
 * checked slot by slot, so each bad slot is found and counted. */
static int emit_runs(const reader_t *rd, const uint8_t *blk, uint32_t n, bool newest_first,
                     uint32_t index, int *rows)
{
    pp_logstore_t *ls = rd->v->store;
    const int32_t stride = newest_first ? -(int32_t)ls->slot_len : (int32_t)ls->slot_len;
    block_t b = {ls, blk, newest_first ? blk + (n - 1u) * ls->slot_len : blk, n,
                 ls->oldest_seq + index, stride, newest_first ? -1 : 1, 0, false};
    uint32_t start = 0;
    for (uint32_t j = 0; j < n;) {
        if (j >= b.checked_to) {
            check_chunk(&b, j);
        }
        if (b.chunk_good) {
            j = b.checked_to;
        } else if (check_entry(ls, b.first + (ptrdiff_t)j * stride,
                               b.seq_first + (uint32_t)((int32_t)j * b.step)) == PP_OK) {
            j++;
        } else { /* the run so far, then past the corrupt one */
            const int rc = emit_run(rd, &b, start, j, rows);
            if (rc != 0) {
                return rc;
            }
            start = ++j;
        }
    }
    return emit_run(rd, &b, start, n, rows);
}

/* Octets of slots one read-ahead copies (stack) when the NVM is not
 * mapped: 15 load-profile slots, 4 of the largest. */
#define AHEAD_OCTETS 512u

/* n consecutive slots from slot lo in place, when the port maps the NVM
 * (no copy, no limit from the stack buffer); else NULL. */
static const uint8_t *map_slots(pp_logstore_t *ls, uint32_t lo, uint32_t n)
{
    const pp_port_t *port = ls->port;
    const uint8_t *at = port->nvm_map == NULL ? NULL
                      : port->nvm_map(port->ctx, ls->base + lo * ls->slot_len, n * ls->slot_len);
    if (at != NULL) {
        ls->stats.slot_reads += n;
        ls->stats.nvm_reads++;
    }
    return at;
}

/* Slots of a store span, in blocks of up to ahead consecutive slots (not
 * across the ring's end); the span's rows in order. */
static int read_store_span(reader_t *rd, const span_t *sp, bool newest_first, uint32_t ahead)
{
    pp_logstore_t *ls = rd->v->store;
    uint8_t copy[AHEAD_OCTETS];
    const uint32_t per = AHEAD_OCTETS / ls->slot_len;
    uint32_t left = sp->last - sp->first + 1u;
    uint32_t index = newest_first ? sp->last : sp->first;
    uint32_t slot = (ls->oldest_seq + index - 1u) % ls->capacity;
    int rows = 0;
    while (left > 0) {
        uint32_t n = ahead < 1u ? 1u : ahead;
        n = n < left ? n : left;
        const uint32_t room = newest_first ? slot + 1u : ls->capacity - slot;
        n = n < room ? n : room;
        uint32_t lo = newest_first ? slot + 1u - n : slot;
        const uint8_t *blk = map_slots(ls, lo, n);
        if (blk == NULL) {
            n = n < per ? n : per;
            lo = newest_first ? slot + 1u - n : slot;
            PP_TRY(read_slots(ls, lo, n, copy));
            blk = copy;
        }
        if (rd->run_fn) {
            const int rc = emit_runs(rd, blk, n, newest_first, index, &rows);
            PP_TRY(rc);
            if (rc == 2) {
                return rows;
            }
            index = newest_first ? index - n : index + n;
        }
        for (uint32_t j = 0; !rd->run_fn && j < n; j++) {
            const uint32_t at = newest_first ? n - 1u - j : j;
            int rc = emit_stored(rd, blk + at * ls->slot_len, index);
            PP_TRY(rc);
            rows += rc > 0 ? 1 : 0;
            if (rc == 2) {
                return rows;
            }
            index = newest_first ? index - 1u : index + 1u;
        }
        left -= n;
        slot = newest_first ? (lo == 0 ? ls->capacity - 1u : lo - 1u)
                            : (lo + n == ls->capacity ? 0 : lo + n);
    }
    return rows;
}

static int read_span(reader_t *rd, const pp_log_select_t *sel)
{
    const pp_log_view_t *v = rd->v;
    span_t sp;
    PP_TRY(pp_log_select_mask(v, sel, &rd->mask));
    PP_TRY(select_span(v, sel, &sp));
    if (sp.first > sp.last) {
        return 0;
    }
    if (v->store) {
        return read_store_span(rd, &sp, sel->newest_first, sel->ahead);
    }
    int rows = 0;
    for (uint32_t k = 0; k <= sp.last - sp.first; k++) {
        int rc = emit_source(rd, sel->newest_first ? sp.last - k : sp.first + k);
        PP_TRY(rc);
        rows += rc > 0 ? 1 : 0;
        if (rc == 2) {
            break;
        }
    }
    return rows;
}

int pp_log_read(const pp_log_view_t *v, const pp_log_select_t *sel, pp_log_row_fn fn, void *user)
{
    PP_VERIFY(v != NULL && sel != NULL && fn != NULL, PP_ERR_ARG);
    PP_VERIFY(v->store != NULL ? v->decode != NULL
                               : (v->source != NULL && v->source->count && v->source->capacity &&
                                  v->source->row),
              PP_ERR_ARG);
    reader_t rd = {.v = v, .row_fn = fn, .user = user};
    return read_span(&rd, sel);
}

int pp_log_read_runs(const pp_log_view_t *v, const pp_log_select_t *sel, pp_log_run_fn fn,
                     void *user)
{
    PP_VERIFY(v != NULL && sel != NULL && fn != NULL && v->store != NULL, PP_ERR_ARG);
    reader_t rd = {.v = v, .run_fn = fn, .user = user};
    return read_span(&rd, sel);
}
