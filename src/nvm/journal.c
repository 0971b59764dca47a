/* Power-safe record journal: a ring of segments, records appended at the
 * head, the oldest segment compacted into the head when free space runs low.
 *
 * NVM format (little endian):
 *   segment header (16 B): magic "PPJ1", seq, segment size, CRC-32 of the 12
 *   bytes before it. A segment's seq is taken from the same counter as its
 *   records, so every record in it has a larger seq; stale records left from
 *   the segment's previous use (EEPROMs are not erased) are rejected by that.
 *   record (12 B + payload): type<<4 | len>>8, len & 0xFF (so the first byte
 *   is never 0x00 or 0xFF), u16 key, u32 seq, payload, CRC-32 of everything
 *   before it. Types: plain (committed by itself), txn
 *   (staged; counts only when followed by its commit), commit (key = number
 *   of txn records directly before it, which have consecutive seqs).
 *
 * Recovery walks back from the segment with the newest header while seqs
 * decrease, then replays those segments oldest first; in each, records are
 * read until the first one that is torn, CRC-bad or not newer than the one
 * before. Replaying superseded (already compacted) segments is harmless: their
 * records are older than the copies and are overwritten in the index.
 *
 * Flash cannot reprogram a torn record, so after one the writer leaves one
 * erased byte and goes on; the scanner, on a bad record in a flash segment,
 * resyncs at the next erased -> programmed byte boundary. EEPROM simply
 * overwrites the torn record.
 *
 * Two free segments are kept in reserve so that compaction always has a
 * fresh destination, even after a cut in the middle of a compaction. */
#include "polyphase/journal.h"

#include <string.h>

#include "polyphase/port.h"

#define SEG_MAGIC 0x314A5050u /* "PPJ1" */

enum {
    SEG_HDR = 16,
    REC_HDR = 8,
    REC_OVERHEAD = 12,
    REC_MAX = REC_OVERHEAD + PP_JOURNAL_MAX_RECORD,
    TXN_MAX = PP_JOURNAL_MAX_STAGED * REC_MAX + REC_OVERHEAD,
    RESERVE = 2,
    MIN_SEGS = RESERVE + 3,
    T_PLAIN = 1,
    T_TXN = 2,
    T_COMMIT = 3
};

typedef struct pending {
    uint16_t key, len;
    uint32_t addr;
} pending_t;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

uint32_t pp_journal_record_bytes(uint16_t len)
{
    return REC_OVERHEAD + (uint32_t)len;
}

uint32_t pp_journal_segment_size(const pp_nvm_geometry_t *geo)
{
    if (geo == NULL || geo->page_size == 0) {
        return 0;
    }
    if (geo->erase_size != 0 && geo->erase_size % geo->page_size != 0) {
        return 0;
    }
    /* A segment must hold the largest transaction; doubling keeps it a
     * divisor of power-of-two regions. */
    uint32_t seg = geo->erase_size != 0 ? geo->erase_size : geo->page_size;
    while (seg < SEG_HDR + TXN_MAX) {
        if (seg > UINT32_MAX / 2) {
            return 0;
        }
        seg *= 2;
    }
    return seg;
}

/* ---- device access ---- */

static uint32_t seg_addr(const pp_journal_t *j, uint16_t s)
{
    return j->base + (uint32_t)s * j->seg_size;
}

static uint16_t seg_next(const pp_journal_t *j, uint16_t s)
{
    return (uint16_t)((s + 1u) % j->nseg);
}

static uint16_t seg_prev(const pp_journal_t *j, uint16_t s)
{
    return (uint16_t)((s + j->nseg - 1u) % j->nseg);
}

static pp_err_t nvm_get(const pp_journal_t *j, uint32_t addr, uint8_t *dst, uint32_t len)
{
    if (len == 0) {
        return PP_OK;
    }
    return j->port->nvm_read(j->port->ctx, addr, dst, len);
}

/* Writes in page-bounded pieces: a write never crosses a page. */
static pp_err_t nvm_put(pp_journal_t *j, uint32_t addr, const uint8_t *src, uint32_t len)
{
    const uint32_t page = j->port->nvm.page_size;
    while (len > 0) {
        uint32_t n = page - addr % page;
        if (n > len) {
            n = len;
        }
        PP_TRY(j->port->nvm_write(j->port->ctx, addr, src, n));
        j->stats.bytes_written += n;
        addr += n;
        src += n;
        len -= n;
    }
    return PP_OK;
}

/* 1: valid header (seq out), 0: not a segment header, <0: device error or
 * a journal made for another geometry. */
static int seg_header(const pp_journal_t *j, uint16_t s, uint32_t *seq)
{
    uint8_t h[SEG_HDR];
    PP_TRY(nvm_get(j, seg_addr(j, s), h, SEG_HDR));
    if (get32(h) != SEG_MAGIC || get32(h + 12) != pp_port_crc32(j->port, h, 12)) {
        return 0;
    }
    if (get32(h + 8) != j->seg_size) {
        return PP_ERR_CORRUPT;
    }
    *seq = get32(h + 4);
    return 1;
}

/* ---- RAM index, sorted by key ---- */

static int index_find(const pp_journal_t *j, uint16_t key, uint16_t *pos)
{
    uint16_t lo = 0, hi = j->live;
    while (lo < hi) {
        uint16_t mid = (uint16_t)((lo + hi) / 2u);
        if (j->index[mid].key < key) {
            lo = (uint16_t)(mid + 1u);
        } else {
            hi = mid;
        }
    }
    *pos = lo;
    return lo < j->live && j->index[lo].key == key;
}

static pp_err_t index_set(pp_journal_t *j, uint16_t key, uint16_t len, uint32_t addr)
{
    uint16_t pos;
    if (index_find(j, key, &pos)) {
        j->live_bytes -= j->index[pos].len;
    } else {
        PP_VERIFY(j->live < PP_JOURNAL_MAX_KEYS, PP_ERR_NOSPACE);
        memmove(&j->index[pos + 1], &j->index[pos],
                (size_t)(j->live - pos) * sizeof j->index[0]);
        j->live++;
        j->live_bytes += REC_OVERHEAD;
        j->index[pos].key = key;
    }
    j->index[pos].len = len;
    j->index[pos].addr = addr;
    j->live_bytes += len;
    return PP_OK;
}

/* ---- appending ---- */

static uint16_t free_segs(const pp_journal_t *j)
{
    if (!j->active) {
        return j->nseg;
    }
    uint16_t used = (uint16_t)((j->head_seg + j->nseg - j->tail_seg) % j->nseg + 1u);
    return (uint16_t)(j->nseg - used);
}

static int room(const pp_journal_t *j, uint32_t n)
{
    return j->active && j->head + n <= j->seg_size;
}

static pp_err_t open_next(pp_journal_t *j)
{
    uint16_t s = j->active ? seg_next(j, j->head_seg) : 0;
    PP_VERIFY(!j->active || free_segs(j) >= 1, PP_ERR_INTERNAL);
    PP_VERIFY(j->seq < UINT32_MAX, PP_ERR_NOSPACE);
    uint32_t a = seg_addr(j, s);
    if (j->port->nvm.erase_size != 0) {
        PP_TRY(j->port->nvm_erase(j->port->ctx, a, j->seg_size));
    }
    uint8_t h[SEG_HDR];
    put32(h, SEG_MAGIC);
    put32(h + 4, j->seq);
    put32(h + 8, j->seg_size);
    put32(h + 12, pp_port_crc32(j->port, h, 12));
    PP_TRY(nvm_put(j, a, h, SEG_HDR));
    j->seq++;
    if (!j->active) {
        j->tail_seg = s;
        j->active = 1;
    }
    j->head_seg = s;
    j->head = SEG_HDR;
    return PP_OK;
}

/* rec holds the payload at rec + REC_HDR; the caller made room. */
static pp_err_t record_write(pp_journal_t *j, uint8_t *rec, unsigned type, uint16_t key,
                             uint16_t len, uint32_t *payload_addr)
{
    uint32_t n = REC_OVERHEAD + (uint32_t)len;
    PP_VERIFY(room(j, n), PP_ERR_INTERNAL);
    PP_VERIFY(j->seq < UINT32_MAX, PP_ERR_NOSPACE); /* ~10^6 years of commits */
    rec[0] = (uint8_t)(type << 4 | (unsigned)len >> 8);
    rec[1] = (uint8_t)len;
    put16(rec + 2, key);
    put32(rec + 4, j->seq);
    put32(rec + REC_HDR + len, pp_port_crc32(j->port, rec, REC_HDR + (size_t)len));
    uint32_t a = seg_addr(j, j->head_seg) + j->head;
    pp_err_t rc = nvm_put(j, a, rec, n);
    if (rc != PP_OK) {
        j->head = j->seg_size; /* never rewrite a half-programmed spot */
        return rc;
    }
    j->head += n;
    j->seq++;
    j->stats.records_written++;
    if (payload_addr != NULL) {
        *payload_addr = a + REC_HDR;
    }
    return PP_OK;
}

/* Reads the whole record whose payload is at addr and checks it. */
static pp_err_t record_load(const pp_journal_t *j, const pp_journal_index_entry_t *e,
                            uint8_t *rec)
{
    PP_TRY(nvm_get(j, e->addr - REC_HDR, rec, REC_OVERHEAD + (uint32_t)e->len));
    PP_VERIFY((((rec[0] & 0x0Fu) << 8) | rec[1]) == e->len && get16(rec + 2) == e->key,
              PP_ERR_CORRUPT);
    PP_VERIFY(get32(rec + REC_HDR + e->len) ==
                  pp_port_crc32(j->port, rec, REC_HDR + (size_t)e->len),
              PP_ERR_CORRUPT);
    return PP_OK;
}

/* Moves the live records of the oldest segment to the head, then frees it. */
static pp_err_t gc_tail(pp_journal_t *j)
{
    const uint16_t victim = j->tail_seg;
    PP_VERIFY(victim != j->head_seg, PP_ERR_INTERNAL);
    const uint32_t lo = seg_addr(j, victim), hi = lo + j->seg_size;
    uint8_t rec[REC_MAX];
    for (uint16_t i = 0; i < j->live; i++) {
        pp_journal_index_entry_t *e = &j->index[i];
        if (e->addr < lo || e->addr >= hi) {
            continue;
        }
        if (!room(j, REC_OVERHEAD + (uint32_t)e->len)) {
            PP_TRY(open_next(j));
        }
        PP_TRY(record_load(j, e, rec));
        PP_TRY(record_write(j, rec, T_PLAIN, e->key, e->len, &e->addr));
    }
    j->tail_seg = seg_next(j, victim);
    j->stats.compactions++;
    return PP_OK;
}

static pp_err_t ensure_free(pp_journal_t *j, uint16_t want)
{
    for (unsigned guard = 0; free_segs(j) < want; guard++) {
        PP_VERIFY(guard <= 2u * j->nseg, PP_ERR_NOSPACE);
        PP_TRY(gc_tail(j));
    }
    return PP_OK;
}

/* Makes the head able to take n bytes in one piece. The reserve is restored
 * first (it may be short after recovering from a cut during compaction)
 * while the head still has room for the copies. */
static pp_err_t make_room(pp_journal_t *j, uint32_t n)
{
    PP_TRY(ensure_free(j, RESERVE));
    if (room(j, n)) {
        return PP_OK;
    }
    PP_TRY(ensure_free(j, RESERVE + 1));
    if (room(j, n)) {
        return PP_OK;
    }
    return open_next(j);
}

/* Refuses updates that would leave more live data than compaction can
 * always place (keys[i] with lens[i]; a key repeated later counts once). */
static pp_err_t check_budget(const pp_journal_t *j, const uint16_t *keys,
                             const uint16_t *lens, uint16_t n)
{
    uint32_t bytes = j->live_bytes;
    uint32_t keys_total = j->live;
    for (uint16_t i = 0; i < n; i++) {
        int later = 0;
        for (uint16_t k = (uint16_t)(i + 1u); k < n; k++) {
            later |= keys[k] == keys[i];
        }
        if (later) {
            continue;
        }
        uint16_t pos;
        if (index_find(j, keys[i], &pos)) {
            bytes -= j->index[pos].len;
        } else {
            bytes += REC_OVERHEAD;
            keys_total++;
        }
        bytes += lens[i];
    }
    PP_VERIFY(keys_total <= PP_JOURNAL_MAX_KEYS, PP_ERR_NOSPACE);
    PP_VERIFY(bytes <= j->live_budget, PP_ERR_NOSPACE);
    return PP_OK;
}

/* ---- recovery ---- */

typedef struct scan {
    pending_t pend[PP_JOURNAL_MAX_STAGED]; /* ring of the latest txn records */
    uint16_t np, first;
    uint32_t last_seq, max_seq;
} scan_t;

static pp_err_t apply_record(pp_journal_t *j, scan_t *sc, unsigned type, uint16_t key,
                             uint16_t len, uint32_t addr, uint32_t seq)
{
    if (type == T_PLAIN) {
        sc->np = 0;
        return index_set(j, key, len, addr) == PP_OK ? PP_OK : PP_ERR_CORRUPT;
    }
    if (type == T_TXN) {
        if (sc->np > 0 && seq != sc->last_seq + 1u) {
            sc->np = 0;
        }
        if (sc->np == PP_JOURNAL_MAX_STAGED) { /* keep only the latest */
            sc->first = (uint16_t)((sc->first + 1u) % PP_JOURNAL_MAX_STAGED);
            sc->np--;
        }
        if (sc->np == 0) {
            sc->first = 0;
        }
        sc->pend[(sc->first + sc->np) % PP_JOURNAL_MAX_STAGED] = (pending_t){key, len, addr};
        sc->np++;
        return PP_OK;
    }
    /* commit: the key-count txn records right before it */
    if (len == 0 && key >= 1 && key <= sc->np && seq == sc->last_seq + 1u) {
        for (uint16_t i = (uint16_t)(sc->np - key); i < sc->np; i++) {
            const pending_t *p = &sc->pend[(sc->first + i) % PP_JOURNAL_MAX_STAGED];
            if (index_set(j, p->key, p->len, p->addr) != PP_OK) {
                return PP_ERR_CORRUPT;
            }
        }
    }
    sc->np = 0;
    return PP_OK;
}

/* Flash only: the next offset after off where an erased byte is followed by
 * a programmed one (where the writer resumed after a torn record), or 0. */
static pp_err_t resync(const pp_journal_t *j, uint32_t a0, uint32_t off, uint32_t *next)
{
    uint8_t buf[64];
    const uint8_t erased = j->port->nvm.erased_value;
    int prev_erased = 0;
    *next = 0;
    for (uint32_t pos = off; pos < j->seg_size; pos += sizeof buf) {
        uint32_t n = j->seg_size - pos < sizeof buf ? j->seg_size - pos : sizeof buf;
        PP_TRY(nvm_get(j, a0 + pos, buf, n));
        for (uint32_t i = 0; i < n; i++) {
            if (prev_erased && buf[i] != erased && pos + i > off) {
                *next = pos + i;
                return PP_OK;
            }
            prev_erased = buf[i] == erased;
        }
    }
    return PP_OK;
}

/* Reads the record at off into rec. 1: whole, CRC right and newer than
 * last_seq; 0: not; *len is the claimed length when the header is plausible
 * (else 0xFFFF). */
static int parse_record(const pp_journal_t *j, uint32_t a0, uint32_t off, uint32_t last_seq,
                        uint8_t *rec, uint16_t *len, pp_err_t *err)
{
    *len = 0xFFFFu;
    *err = nvm_get(j, a0 + off, rec, REC_HDR);
    if (*err != PP_OK) {
        return 0;
    }
    const unsigned type = rec[0] >> 4;
    const uint16_t n = (uint16_t)(((rec[0] & 0x0Fu) << 8) | rec[1]);
    if (type < T_PLAIN || type > T_COMMIT || n > PP_JOURNAL_MAX_RECORD ||
        off + REC_OVERHEAD + n > j->seg_size) {
        return 0;
    }
    *len = n;
    *err = nvm_get(j, a0 + off + REC_HDR, rec + REC_HDR, (uint32_t)n + 4u);
    return *err == PP_OK &&
           get32(rec + REC_HDR + n) == pp_port_crc32(j->port, rec, REC_HDR + (size_t)n) &&
           get32(rec + 4) > last_seq;
}

/* Replays one segment; *end is the offset after its last good record. */
static pp_err_t scan_segment(pp_journal_t *j, scan_t *sc, uint16_t s, uint32_t seg_seq,
                             uint32_t *end)
{
    const uint32_t a0 = seg_addr(j, s);
    uint32_t off = SEG_HDR;
    uint8_t rec[REC_MAX];
    sc->np = 0;
    sc->last_seq = seg_seq;
    *end = off;
    while (off + REC_OVERHEAD <= j->seg_size) {
        uint16_t len;
        pp_err_t err;
        if (parse_record(j, a0, off, sc->last_seq, rec, &len, &err)) {
            const uint32_t seq = get32(rec + 4);
            PP_TRY(apply_record(j, sc, rec[0] >> 4, get16(rec + 2), len, a0 + off + REC_HDR, seq));
            sc->last_seq = seq;
            off += REC_OVERHEAD + len;
            *end = off;
            continue;
        }
        PP_TRY(err);
        sc->np = 0; /* a transaction never spans a bad record */
        if (j->port->nvm.erase_size == 0) {
            /* EEPROM: a CRC-bad record with a plausible length followed by a
             * good, newer one is damage (bit rot), not the end of the log
             * (writing resumes on top of a torn record, so nothing newer
             * follows one): skip it rather than lose what comes after. Not on
             * flash, where writing resumes inside a torn record's length. */
            uint16_t next_len;
            if (len != 0xFFFFu && parse_record(j, a0, off + REC_OVERHEAD + len, sc->last_seq,
                                               rec, &next_len, &err)) {
                off += REC_OVERHEAD + len;
                continue;
            }
            PP_TRY(err);
            break;
        }
        PP_TRY(resync(j, a0, off, &off));
        if (off == 0) {
            break;
        }
    }
    if (sc->last_seq > sc->max_seq) {
        sc->max_seq = sc->last_seq;
    }
    return PP_OK;
}

/* Flash cannot be programmed twice: after the last good record of the head
 * segment, resume one erased byte past the last programmed one (a torn
 * record), which is where the scanner resyncs. */
static pp_err_t skip_torn_tail(pp_journal_t *j)
{
    uint8_t buf[64];
    const uint32_t a0 = seg_addr(j, j->head_seg);
    uint32_t last = 0; /* 1 + offset of the last programmed byte */
    for (uint32_t off = j->head; off < j->seg_size; off += sizeof buf) {
        uint32_t n = j->seg_size - off < sizeof buf ? j->seg_size - off : sizeof buf;
        PP_TRY(nvm_get(j, a0 + off, buf, n));
        for (uint32_t i = 0; i < n; i++) {
            if (buf[i] != j->port->nvm.erased_value) {
                last = off + i + 1;
            }
        }
    }
    if (last != 0) {
        j->head = last + 1 < j->seg_size ? last + 1 : j->seg_size;
    }
    return PP_OK;
}

static pp_err_t recover(pp_journal_t *j)
{
    uint32_t best = 0, sq = 0;
    uint16_t h = 0;
    int found = 0;
    for (uint16_t s = 0; s < j->nseg; s++) {
        int v = seg_header(j, s, &sq);
        PP_TRY(v);
        if (v == 1 && (!found || sq > best)) {
            best = sq;
            h = s;
            found = 1;
        }
    }
    j->seq = 1;
    if (!found) {
        return PP_OK; /* blank or foreign: starts empty */
    }
    uint16_t t = h;
    uint32_t tseq = best;
    for (uint16_t i = 1; i < j->nseg; i++) {
        uint16_t p = seg_prev(j, t);
        int v = seg_header(j, p, &sq);
        PP_TRY(v);
        if (v != 1 || sq >= tseq) {
            break;
        }
        t = p;
        tseq = sq;
    }
    scan_t sc;
    memset(&sc, 0, sizeof sc);
    sc.max_seq = best;
    uint32_t end = SEG_HDR;
    for (uint16_t s = t;; s = seg_next(j, s)) {
        int v = seg_header(j, s, &sq);
        PP_TRY(v);
        PP_TRY(scan_segment(j, &sc, s, sq, &end));
        if (s == h) {
            break;
        }
    }
    j->tail_seg = t;
    j->head_seg = h;
    j->head = end;
    j->active = 1;
    j->seq = sc.max_seq + 1u;
    if (j->port->nvm.erase_size != 0) {
        PP_TRY(skip_torn_tail(j));
    }
    return PP_OK;
}

/* ---- public API ---- */

pp_err_t pp_journal_open(pp_journal_t *j, const pp_port_t *port, uint32_t base, uint32_t size)
{
    PP_VERIFY(j != NULL && port != NULL, PP_ERR_ARG);
    PP_VERIFY(port->nvm_read != NULL && port->nvm_write != NULL, PP_ERR_ARG);
    PP_VERIFY(port->nvm.erase_size == 0 || port->nvm_erase != NULL, PP_ERR_ARG);
    memset(j, 0, sizeof *j);
    const uint32_t seg = pp_journal_segment_size(&port->nvm);
    PP_VERIFY(seg != 0, PP_ERR_ARG);
    PP_VERIFY(size <= port->nvm.size && base <= port->nvm.size - size, PP_ERR_ARG);
    PP_VERIFY(base % port->nvm.page_size == 0, PP_ERR_ARG);
    PP_VERIFY(port->nvm.erase_size == 0 || base % port->nvm.erase_size == 0, PP_ERR_ARG);
    const uint32_t nseg = size / seg;
    PP_VERIFY(nseg >= MIN_SEGS && nseg <= UINT16_MAX, PP_ERR_ARG);
    j->port = port;
    j->base = base;
    j->size = size;
    j->seg_size = seg;
    j->nseg = (uint16_t)nseg;
    /* Live data that always fits: all but the head, the reserve and one
     * segment of compaction slack, less one record of slack per segment
     * (records never straddle segments). */
    j->live_budget = (nseg - RESERVE - 2u) * (seg - SEG_HDR - REC_MAX);
    PP_TRY(recover(j));
    j->opened = 1;
    return PP_OK;
}

pp_err_t pp_journal_read(pp_journal_t *j, uint16_t key, void *dst, uint16_t len)
{
    PP_VERIFY(j != NULL && (dst != NULL || len == 0), PP_ERR_ARG);
    PP_VERIFY(j->opened, PP_ERR_STATE);
    uint16_t pos;
    PP_VERIFY(index_find(j, key, &pos), PP_ERR_NOT_FOUND);
    const pp_journal_index_entry_t *e = &j->index[pos];
    PP_VERIFY(e->len == len, PP_ERR_RANGE);
    uint8_t rec[REC_MAX];
    PP_TRY(record_load(j, e, rec));
    if (len > 0) {
        memcpy(dst, rec + REC_HDR, len);
    }
    return PP_OK;
}

pp_err_t pp_journal_write(pp_journal_t *j, uint16_t key, const void *src, uint16_t len)
{
    PP_VERIFY(j != NULL && (src != NULL || len == 0), PP_ERR_ARG);
    PP_VERIFY(j->opened && !j->in_txn, PP_ERR_STATE);
    PP_VERIFY(len <= PP_JOURNAL_MAX_RECORD, PP_ERR_RANGE);
    PP_TRY(check_budget(j, &key, &len, 1));
    PP_TRY(make_room(j, REC_OVERHEAD + (uint32_t)len));
    uint8_t rec[REC_MAX];
    if (len > 0) {
        memcpy(rec + REC_HDR, src, len);
    }
    uint32_t addr;
    PP_TRY(record_write(j, rec, T_PLAIN, key, len, &addr));
    return index_set(j, key, len, addr);
}

pp_err_t pp_journal_begin(pp_journal_t *j)
{
    PP_VERIFY(j != NULL, PP_ERR_ARG);
    PP_VERIFY(j->opened && !j->in_txn, PP_ERR_STATE);
    j->in_txn = 1;
    j->staged = 0;
    j->stage_used = 0;
    return PP_OK;
}

pp_err_t pp_journal_stage(pp_journal_t *j, uint16_t key, const void *src, uint16_t len)
{
    PP_VERIFY(j != NULL && (src != NULL || len == 0), PP_ERR_ARG);
    PP_VERIFY(j->opened && j->in_txn, PP_ERR_STATE);
    PP_VERIFY(len <= PP_JOURNAL_MAX_RECORD, PP_ERR_RANGE);
    PP_VERIFY(j->staged < PP_JOURNAL_MAX_STAGED, PP_ERR_NOSPACE);
    const uint16_t i = j->staged;
    j->staged_keys[i] = key;
    j->staged_len[i] = len;
    j->staged_off[i] = j->stage_used;
    if (len > 0) {
        memcpy(j->stage_buf + j->stage_used, src, len);
    }
    j->stage_used = (uint16_t)(j->stage_used + len);
    j->staged++;
    return PP_OK;
}

static pp_err_t commit_staged(pp_journal_t *j)
{
    PP_TRY(check_budget(j, j->staged_keys, j->staged_len, j->staged));
    uint32_t total = REC_OVERHEAD;
    for (uint16_t i = 0; i < j->staged; i++) {
        total += REC_OVERHEAD + (uint32_t)j->staged_len[i];
    }
    PP_TRY(make_room(j, total)); /* the whole transaction in one segment */
    uint8_t rec[REC_MAX];
    uint32_t addr[PP_JOURNAL_MAX_STAGED];
    for (uint16_t i = 0; i < j->staged; i++) {
        memcpy(rec + REC_HDR, j->stage_buf + j->staged_off[i], j->staged_len[i]);
        PP_TRY(record_write(j, rec, T_TXN, j->staged_keys[i], j->staged_len[i], &addr[i]));
    }
    PP_TRY(record_write(j, rec, T_COMMIT, j->staged, 0, NULL));
    for (uint16_t i = 0; i < j->staged; i++) {
        PP_TRY(index_set(j, j->staged_keys[i], j->staged_len[i], addr[i]));
    }
    return PP_OK;
}

pp_err_t pp_journal_commit(pp_journal_t *j)
{
    PP_VERIFY(j != NULL, PP_ERR_ARG);
    PP_VERIFY(j->opened && j->in_txn, PP_ERR_STATE);
    pp_err_t rc = j->staged > 0 ? commit_staged(j) : PP_OK;
    j->in_txn = 0;
    j->staged = 0;
    j->stage_used = 0;
    return rc;
}

pp_err_t pp_journal_abort(pp_journal_t *j)
{
    PP_VERIFY(j != NULL, PP_ERR_ARG);
    PP_VERIFY(j->opened && j->in_txn, PP_ERR_STATE);
    j->in_txn = 0;
    j->staged = 0;
    j->stage_used = 0;
    return PP_OK;
}

const pp_journal_stats_t *pp_journal_stats(const pp_journal_t *j)
{
    return &j->stats;
}
