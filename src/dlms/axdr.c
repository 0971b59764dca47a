/* A-XDR codec for COSEM data (IEC 61334-6, IEC 62056-6-2 data types). */
#include "polyphase/axdr.h"

#include <string.h>

void pp_axdr_rd_init(pp_axdr_rd_t *rd, const uint8_t *buf, size_t len)
{
    rd->buf = buf;
    rd->pos = 0;
    rd->end = buf ? len : 0;
    rd->depth = 0;
    rd->max_depth = PP_AXDR_MAX_DEPTH;
}

void pp_axdr_wr_init(pp_axdr_wr_t *wr, uint8_t *buf, size_t cap)
{
    wr->buf = buf;
    wr->pos = 0;
    wr->cap = buf ? cap : 0;
}

/* ---- primitives --------------------------------------------------------- */

pp_err_t pp_axdr_get_byte(pp_axdr_rd_t *rd, uint8_t *out)
{
    PP_VERIFY(rd->pos < rd->end, PP_ERR_TRUNCATED);
    *out = rd->buf[rd->pos++];
    return PP_OK;
}

pp_err_t pp_axdr_get_be(pp_axdr_rd_t *rd, unsigned nbytes, uint64_t *out)
{
    if (nbytes > 8) {
        return PP_ERR_ARG;
    }
    PP_VERIFY(pp_axdr_remaining(rd) >= nbytes, PP_ERR_TRUNCATED);
    uint64_t v = 0;
    for (unsigned i = 0; i < nbytes; i++) {
        v = v << 8 | rd->buf[rd->pos + i];
    }
    rd->pos += nbytes;
    *out = v;
    return PP_OK;
}

pp_err_t pp_axdr_get_raw(pp_axdr_rd_t *rd, size_t n, const uint8_t **out)
{
    PP_VERIFY(pp_axdr_remaining(rd) >= n, PP_ERR_TRUNCATED);
    *out = rd->buf + rd->pos;
    rd->pos += n;
    return PP_OK;
}

pp_err_t pp_axdr_get_length(pp_axdr_rd_t *rd, uint32_t *out)
{
    uint8_t b;
    PP_TRY(pp_axdr_get_byte(rd, &b));
    if (b < 0x80) {
        *out = b;
        return PP_OK;
    }
    unsigned k = b & 0x7Fu;
    /* 0x80 (indefinite) and more than 4 length octets are not A-XDR */
    PP_VERIFY(k >= 1 && k <= 4, PP_ERR_MALFORMED);
    uint64_t v;
    PP_TRY(pp_axdr_get_be(rd, k, &v));
    /* minimal form: no leading zero octet, long form only from 128 */
    PP_VERIFY(v >= 0x80 && (v >> (8 * (k - 1))) != 0, PP_ERR_MALFORMED);
    PP_VERIFY(v <= PP_AXDR_MAX_LEN, PP_ERR_MALFORMED);
    *out = (uint32_t)v;
    return PP_OK;
}

size_t pp_axdr_length_size(uint32_t len)
{
    if (len < 0x80) {
        return 1;
    }
    size_t n = 1;
    while (len) {
        n++;
        len >>= 8;
    }
    return n;
}

static bool wr_fits(const pp_axdr_wr_t *wr, size_t n)
{
    return wr->cap - wr->pos >= n;
}

pp_err_t pp_axdr_put_byte(pp_axdr_wr_t *wr, uint8_t b)
{
    PP_VERIFY(wr_fits(wr, 1), PP_ERR_NOSPACE);
    wr->buf[wr->pos++] = b;
    return PP_OK;
}

pp_err_t pp_axdr_put_be(pp_axdr_wr_t *wr, unsigned nbytes, uint64_t v)
{
    if (nbytes > 8) {
        return PP_ERR_ARG;
    }
    PP_VERIFY(wr_fits(wr, nbytes), PP_ERR_NOSPACE);
    for (unsigned i = 0; i < nbytes; i++) {
        wr->buf[wr->pos + i] = (uint8_t)(v >> (8 * (nbytes - 1 - i)));
    }
    wr->pos += nbytes;
    return PP_OK;
}

pp_err_t pp_axdr_put_raw(pp_axdr_wr_t *wr, const void *p, size_t n)
{
    PP_VERIFY(n == 0 || p != NULL, PP_ERR_ARG);
    PP_VERIFY(wr_fits(wr, n), PP_ERR_NOSPACE);
    if (n) {
        memcpy(wr->buf + wr->pos, p, n);
    }
    wr->pos += n;
    return PP_OK;
}

pp_err_t pp_axdr_put_length(pp_axdr_wr_t *wr, uint32_t len)
{
    size_t n = pp_axdr_length_size(len);
    PP_VERIFY(wr_fits(wr, n), PP_ERR_NOSPACE);
    if (n == 1) {
        wr->buf[wr->pos++] = (uint8_t)len;
        return PP_OK;
    }
    wr->buf[wr->pos++] = (uint8_t)(0x80u | (n - 1));
    return pp_axdr_put_be(wr, (unsigned)(n - 1), len);
}

/* tag + fixed-size big-endian value, all or nothing */
static pp_err_t put_tag_be(pp_axdr_wr_t *wr, uint8_t tag, unsigned n, uint64_t v)
{
    PP_VERIFY(wr_fits(wr, 1u + n), PP_ERR_NOSPACE);
    wr->buf[wr->pos++] = tag;
    return pp_axdr_put_be(wr, n, v);
}

/* tag + length + octets, all or nothing */
static pp_err_t put_tag_len_bytes(pp_axdr_wr_t *wr, uint8_t tag, uint32_t len_field,
                                  const void *p, uint32_t n)
{
    PP_VERIFY(n == 0 || p != NULL, PP_ERR_ARG);
    PP_VERIFY(wr_fits(wr, 1u + pp_axdr_length_size(len_field) + n), PP_ERR_NOSPACE);
    wr->buf[wr->pos++] = tag;
    PP_TRY(pp_axdr_put_length(wr, len_field));
    return pp_axdr_put_raw(wr, p, n);
}

/* ---- type table --------------------------------------------------------- */

/* What each tag is, one octet per tag so a walk needs no range tests:
 * 1..TK_FIXED_MAX a fixed-size value taking that many octets with its
 * tag, else one of the kinds below. */
enum {
    TK_FIXED_MAX = 13,  /* date-time: tag and 12 octets */
    TK_STRING = 0x40,   /* octet-, visible-, utf8-string: length in octets */
    TK_BITS,            /* bit-string: length in bits */
    TK_CONTAINER,       /* array, structure: element count */
    TK_COMPACT,         /* compact-array */
    TK_UNSUPPORTED,     /* floating-point, delta types */
    TK_UNKNOWN,
};
#define F(n) (1 + (n))
#define S_ TK_STRING
#define C_ TK_CONTAINER
#define U_ TK_UNSUPPORTED
#define X_ TK_UNKNOWN
#define X4 X_, X_, X_, X_
#define X16 X4, X4, X4, X4
static const uint8_t TAG_KIND[] = {
    /* 0x00 null, array, structure, boolean, bit-string, double-long(-unsigned),
     * floating-point, -, octet-, visible-string, -, utf8-string, bcd, -, integer */
    F(0), C_, C_, F(1), TK_BITS, F(4), F(4), U_, X_, S_, S_, X_, S_, F(1), X_, F(1),
    /* 0x10 long, unsigned, long-unsigned, compact-array, long64(-unsigned), enum,
     * float32, float64, date-time, date, time, delta types 0x1C..0x21 */
    F(2), F(1), F(2), TK_COMPACT, F(8), F(8), F(1), F(4), F(8), F(12), F(5), F(4), U_, U_, U_, U_,
    U_, U_, X_, X_, X4, X4, X4,                                              /* 0x20 */
    X16, X16, X16, X16, X16, X16, X16, X16, X16, X16, X16, X16,              /* 0x30..0xEF */
    X4, X4, X4, X_, X_, X_, F(0) /* 0xFF don't-care */};
_Static_assert(sizeof TAG_KIND == 256, "one kind per tag");
#undef F
#undef S_
#undef C_
#undef U_
#undef X_
#undef X4
#undef X16

/* Fixed content size of a simple type, -1 for length-prefixed strings,
 * -2 for containers/compact-array, -3 unsupported standard tag, -4 unknown. */
static const int8_t OTHER_SIZE[] = {-1, -1, -2, -2, -3, -4}; /* from TK_STRING on */

static int fixed_size(uint8_t tag)
{
    const unsigned kind = TAG_KIND[tag];
    return kind <= TK_FIXED_MAX ? (int)kind - 1 : OTHER_SIZE[kind - TK_STRING];
}

static pp_err_t bad_tag(int kind)
{
    return kind == -3 ? PP_ERR_UNSUPPORTED : PP_ERR_MALFORMED;
}

/* Length-prefixed string body: returns pointer/len; bit-string length is in bits. */
static pp_err_t get_string_body(pp_axdr_rd_t *rd, uint8_t tag, const uint8_t **ptr,
                                uint32_t *len, uint32_t *bits)
{
    uint32_t n;
    PP_TRY(pp_axdr_get_length(rd, &n));
    *bits = 0;
    if (tag == PP_DT_BIT_STRING) {
        *bits = n;
        n = n / 8u + (n % 8u != 0);
    }
    PP_TRY(pp_axdr_get_raw(rd, n, ptr));
    *len = n;
    return PP_OK;
}

/* ---- compact-array ------------------------------------------------------ */

typedef struct compact_walk {
    pp_axdr_rd_t *desc;
    pp_axdr_rd_t *data;
    uint32_t budget; /* bounds work on element types of size 0 */
} compact_walk_t;

static pp_err_t skip_desc(pp_axdr_rd_t *desc, uint8_t depth, uint8_t max_depth);

static pp_err_t skip_desc_children(pp_axdr_rd_t *desc, uint8_t tag, uint8_t depth, uint8_t max_depth)
{
    PP_VERIFY(depth < max_depth, PP_ERR_DEPTH);
    if (tag == PP_DT_ARRAY) {
        uint64_t n;
        PP_TRY(pp_axdr_get_be(desc, 2, &n));
        return skip_desc(desc, (uint8_t)(depth + 1), max_depth);
    }
    uint32_t n;
    PP_TRY(pp_axdr_get_length(desc, &n));
    for (uint32_t i = 0; i < n; i++) {
        PP_TRY(skip_desc(desc, (uint8_t)(depth + 1), max_depth));
    }
    return PP_OK;
}

/* Skips one TypeDescription, validating it. */
static pp_err_t skip_desc(pp_axdr_rd_t *desc, uint8_t depth, uint8_t max_depth)
{
    uint8_t tag;
    PP_TRY(pp_axdr_get_byte(desc, &tag));
    int k = fixed_size(tag);
    if (tag == PP_DT_ARRAY || tag == PP_DT_STRUCTURE) {
        return skip_desc_children(desc, tag, depth, max_depth);
    }
    PP_VERIFY(k >= -1, tag == PP_DT_COMPACT_ARRAY ? PP_ERR_MALFORMED : bad_tag(k));
    return PP_OK;
}

static pp_err_t walk_untagged(compact_walk_t *w, uint8_t depth);

static pp_err_t walk_untagged_array(compact_walk_t *w, uint8_t depth)
{
    uint64_t n;
    PP_TRY(pp_axdr_get_be(w->desc, 2, &n));
    size_t elem_desc = w->desc->pos;
    if (n == 0) {
        return skip_desc(w->desc, (uint8_t)(depth + 1), w->desc->max_depth);
    }
    for (uint64_t i = 0; i < n; i++) {
        w->desc->pos = elem_desc;
        PP_TRY(walk_untagged(w, (uint8_t)(depth + 1)));
    }
    return PP_OK;
}

/* Consumes one untagged value of the type described at w->desc. */
static pp_err_t walk_untagged(compact_walk_t *w, uint8_t depth)
{
    PP_VERIFY(w->budget > 0, PP_ERR_MALFORMED);
    w->budget--;
    uint8_t tag;
    PP_TRY(pp_axdr_get_byte(w->desc, &tag));
    int k = fixed_size(tag);
    if (k >= 0) {
        const uint8_t *p;
        return pp_axdr_get_raw(w->data, (size_t)k, &p);
    }
    if (k == -1) {
        const uint8_t *p;
        uint32_t len, bits;
        return get_string_body(w->data, tag, &p, &len, &bits);
    }
    PP_VERIFY(tag == PP_DT_ARRAY || tag == PP_DT_STRUCTURE,
              tag == PP_DT_COMPACT_ARRAY ? PP_ERR_MALFORMED : bad_tag(k));
    PP_VERIFY(depth < w->desc->max_depth, PP_ERR_DEPTH);
    if (tag == PP_DT_ARRAY) {
        return walk_untagged_array(w, depth);
    }
    uint32_t n;
    PP_TRY(pp_axdr_get_length(w->desc, &n));
    for (uint32_t i = 0; i < n; i++) {
        PP_TRY(walk_untagged(w, (uint8_t)(depth + 1)));
    }
    return PP_OK;
}

/* After the 0x13 tag: description, then contents whose elements must match. */
static pp_err_t get_compact(pp_axdr_rd_t *rd, pp_axdr_value_t *out)
{
    size_t desc_start = rd->pos;
    PP_TRY(skip_desc(rd, rd->depth, rd->max_depth));
    size_t desc_end = rd->pos;
    uint32_t n;
    const uint8_t *data;
    PP_TRY(pp_axdr_get_length(rd, &n));
    PP_TRY(pp_axdr_get_raw(rd, n, &data));

    pp_axdr_rd_t desc, body;
    pp_axdr_rd_init(&desc, rd->buf + desc_start, desc_end - desc_start);
    desc.max_depth = rd->max_depth;
    pp_axdr_rd_init(&body, data, n);
    compact_walk_t w = {&desc, &body, 2u * n + 1024u};
    uint32_t count = 0;
    while (body.pos < body.end) {
        size_t before = body.pos;
        desc.pos = 0;
        PP_TRY(walk_untagged(&w, rd->depth));
        /* an element type of size 0 can never fill non-empty contents */
        PP_VERIFY(body.pos > before, PP_ERR_MALFORMED);
        count++;
    }
    out->v.compact.desc = rd->buf + desc_start;
    out->v.compact.desc_len = (uint32_t)(desc_end - desc_start);
    out->v.compact.data = data;
    out->v.compact.data_len = n;
    out->v.compact.count = count;
    return PP_OK;
}

/* ---- decoding one element ----------------------------------------------- */

static int64_t sign_extend(uint64_t v, unsigned nbytes)
{
    unsigned shift = 64u - 8u * nbytes;
    return (int64_t)(v << shift) >> shift;
}

static void set_fixed(pp_axdr_value_t *out, uint8_t tag, uint64_t v, unsigned k)
{
    switch (tag) {
    case PP_DT_BOOLEAN: out->v.b = v != 0; break;
    case PP_DT_INTEGER: case PP_DT_LONG: case PP_DT_DOUBLE_LONG: case PP_DT_LONG64:
        out->v.i = sign_extend(v, k);
        break;
    case PP_DT_FLOAT32: {
        uint32_t u = (uint32_t)v;
        memcpy(&out->v.f32, &u, 4);
        break;
    }
    case PP_DT_FLOAT64: memcpy(&out->v.f64, &v, 8); break;
    default: out->v.u = v; break;
    }
}

pp_err_t pp_axdr_get(pp_axdr_rd_t *rd, pp_axdr_value_t *out)
{
    uint8_t tag;
    PP_TRY(pp_axdr_get_byte(rd, &tag));
    memset(out, 0, sizeof *out);
    out->tag = tag;
    int k = fixed_size(tag);
    if (tag == PP_DT_DATE_TIME || tag == PP_DT_DATE || tag == PP_DT_TIME) {
        out->v.str.len = (uint32_t)k; /* raw octets, see pp_axdr_*_unpack */
        return pp_axdr_get_raw(rd, (size_t)k, &out->v.str.ptr);
    }
    if (k >= 0) {
        uint64_t v;
        PP_TRY(pp_axdr_get_be(rd, (unsigned)k, &v));
        set_fixed(out, tag, v, (unsigned)k);
        return PP_OK;
    }
    if (k == -1) {
        return get_string_body(rd, tag, &out->v.str.ptr, &out->v.str.len, &out->v.str.bits);
    }
    if (tag == PP_DT_ARRAY || tag == PP_DT_STRUCTURE) {
        return pp_axdr_get_length(rd, &out->v.count);
    }
    if (tag == PP_DT_COMPACT_ARRAY) {
        return get_compact(rd, out);
    }
    rd->pos--;
    return bad_tag(k);
}

/* ---- skipping whole values ---------------------------------------------- */

/* An A-XDR length at *pos: the short form inline, the rest (rare) through
 * pp_axdr_get_length with all its checks. */
static inline pp_err_t walk_length(pp_axdr_rd_t *rd, size_t *pos, uint32_t *n)
{
    if (*pos < rd->end && rd->buf[*pos] < 0x80) {
        *n = rd->buf[(*pos)++];
        return PP_OK;
    }
    rd->pos = *pos;
    PP_TRY(pp_axdr_get_length(rd, n));
    *pos = rd->pos;
    return PP_OK;
}

/* Array/structure header at *pos; depth counts the containers open around it. */
static inline pp_err_t walk_container(pp_axdr_rd_t *rd, size_t *pos, unsigned depth, uint32_t *n)
{
    size_t p = *pos + 1;
    PP_TRY(walk_length(rd, &p, n));
    PP_VERIFY(depth < rd->max_depth, PP_ERR_DEPTH);
    /* every element takes at least its tag octet */
    PP_VERIFY(*n <= rd->end - p, PP_ERR_TRUNCATED);
    *pos = p;
    return PP_OK;
}

/* One value that is not a container, with every check. */
static pp_err_t walk_simple(pp_axdr_rd_t *rd, unsigned kind, size_t *pos, unsigned depth)
{
    if (kind <= TK_FIXED_MAX) {
        PP_VERIFY(kind <= rd->end - *pos, PP_ERR_TRUNCATED);
        *pos += kind;
        return PP_OK;
    }
    if (kind == TK_STRING || kind == TK_BITS) {
        size_t p = *pos + 1;
        uint32_t n;
        PP_TRY(walk_length(rd, &p, &n));
        if (kind == TK_BITS) {
            n = n / 8u + (n % 8u != 0);
        }
        PP_VERIFY(n <= rd->end - p, PP_ERR_TRUNCATED);
        *pos = p + n;
        return PP_OK;
    }
    if (kind == TK_COMPACT) { /* validated whole, at this depth */
        const uint8_t base = rd->depth;
        pp_axdr_value_t v;
        rd->pos = *pos;
        rd->depth = (uint8_t)depth;
        pp_err_t rc = pp_axdr_get(rd, &v);
        rd->depth = base;
        *pos = rd->pos;
        return rc;
    }
    return kind == TK_UNSUPPORTED ? PP_ERR_UNSUPPORTED : PP_ERR_MALFORMED;
}

/* Up to *left fixed-size values in a row, without bound checks: the caller
 * made sure each of them could take the widest one. Stops at any other
 * value; *left says how many were not walked. */
static inline size_t walk_fixed_run(const uint8_t *buf, size_t pos, uint32_t *left)
{
    uint32_t n = *left;
    unsigned kind;
    while (n && (kind = TAG_KIND[buf[pos]]) <= TK_FIXED_MAX) {
        pos += kind;
        n--;
    }
    *left = n;
    return pos;
}

/* Rows of a profile are arrays of structures of one shape. A walk remembers
 * which octets of one validated element are tags and lengths rather than
 * contents: a later element of the same array with the same octets there,
 * and room for all of it, takes every branch the first one took and is
 * valid and as long. Those octets are held as a few 8-octet words (offset,
 * mask, masked value), so a row of a load profile costs three compares.
 * Elements holding a compact-array (whose validity hangs on contents) or
 * longer than SHAPE_MAX are walked. */
#define SHAPE_MAX 128u
#define SHAPE_WORDS (SHAPE_MAX / 8u) /* each word starts past the one before */
#define SHAPE_FAST_WORDS 4u          /* held in registers across a run */
#define NO_MEMO 0xFFFFu
#define SHAPE_INLINE inline __attribute__((always_inline))

typedef struct memo {
    unsigned level;    /* the array level whose elements it follows, or NO_MEMO */
    size_t elem_start; /* start of the element being walked at that level */
    size_t len;        /* octets of the element whose shape it holds; 0: no shape yet */
    size_t reach;      /* octets from an element start that the compares load */
    unsigned words;
    size_t word_at[SHAPE_WORDS];
    uint64_t word_mask[SHAPE_WORDS];
    uint64_t word_want[SHAPE_WORDS]; /* the first element's word, masked */
} memo_t;

static inline uint64_t load_word(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* Marks n tag or length octets from i, in the last word if it covers
 * them, else in a new word: at the octet, or 8 before the end of the
 * element if that is nearer, so that the loads stay inside the element. */
static void shape_mark(memo_t *m, size_t len, size_t i, size_t n)
{
    for (size_t q = i; q < i + n; q++) {
        if (m->words == 0 || q >= m->word_at[m->words - 1] + 8u) {
            m->word_at[m->words] = len < 8u ? 0 : (q < len - 8u ? q : len - 8u);
            m->word_mask[m->words++] = 0;
        }
        const unsigned j = m->words - 1u;
        uint8_t *const octets = (uint8_t *)&m->word_mask[j]; /* in load_word's order */
        octets[q - m->word_at[j]] = 0xFF;
    }
}

/* A length that the walk found valid: the short form inline. */
static size_t shape_length(const uint8_t *p, size_t left, uint32_t *n)
{
    if (left > 0 && p[0] < 0x80) {
        *n = p[0];
        return 1;
    }
    pp_axdr_rd_t r;
    pp_axdr_rd_init(&r, p, left);
    return pp_axdr_get_length(&r, n) == PP_OK ? r.pos : 0;
}

/* The words over the tag and length octets of the element el[0..len);
 * false if it holds something the shape cannot stand for. */
static bool shape_cover(memo_t *m, const uint8_t *el, size_t len)
{
    size_t i = 0;
    m->words = 0;
    while (i < len) {
        const unsigned kind = TAG_KIND[el[i]];
        if (kind <= TK_FIXED_MAX) {
            shape_mark(m, len, i, 1);
            i += kind;
            continue;
        }
        if (kind != TK_STRING && kind != TK_BITS && kind != TK_CONTAINER) {
            return false;
        }
        uint32_t n;
        const size_t head = 1u + shape_length(el + i + 1, len - i - 1, &n);
        if (head == 1) {
            return false;
        }
        shape_mark(m, len, i, head);
        i += head;
        if (kind != TK_CONTAINER) {
            i += kind == TK_BITS ? n / 8u + (n % 8u != 0) : n;
        }
    }
    return i == len;
}

static bool shape_take(memo_t *m, const uint8_t *buf, size_t start, size_t stop)
{
    const size_t len = stop - start;
    const uint8_t *const el = buf + start;
    if (len > SHAPE_MAX || !shape_cover(m, el, len)) {
        return false;
    }
    if (len < 8u) { /* one word, past the element, which may end the buffer */
        uint8_t octets[8] = {0};
        memcpy(octets, el, len);
        m->word_want[0] = load_word(octets) & m->word_mask[0];
        m->reach = 8u;
    } else {
        for (unsigned j = 0; j < m->words; j++) {
            m->word_want[j] = load_word(el + m->word_at[j]) & m->word_mask[j];
        }
        m->reach = len; /* every word inside the element */
    }
    m->len = len;
    return true;
}

static inline uint64_t word_diff(const memo_t *m, unsigned j, const uint8_t *el)
{
    return (load_word(el + m->word_at[j]) & m->word_mask[j]) ^ m->word_want[j];
}

/* Elements from p on, up to stop, with a shape of any number of words. */
static const uint8_t *shape_run(const memo_t *m, const uint8_t *p, const uint8_t *stop)
{
    for (; p != stop; p += m->len) {
        uint64_t diff = 0;
        for (unsigned j = 0; j < m->words; j++) {
            diff |= word_diff(m, j, p);
        }
        if (diff != 0) {
            break;
        }
    }
    return p;
}

#ifndef __OPTIMIZE_SIZE__
/* The same for a shape of up to SHAPE_FAST_WORDS words, words a constant
 * where it is called: the words stay in registers, the tests fold away. */
static SHAPE_INLINE const uint8_t *shape_run_fast(const memo_t *m, unsigned words,
                                                  const uint8_t *p, const uint8_t *stop)
{
    const size_t len = m->len;
    const size_t a0 = m->word_at[0];
    const size_t a1 = words > 1 ? m->word_at[1] : 0;
    const size_t a2 = words > 2 ? m->word_at[2] : 0;
    const size_t a3 = words > 3 ? m->word_at[3] : 0;
    const uint64_t k0 = m->word_mask[0], w0 = m->word_want[0];
    const uint64_t k1 = words > 1 ? m->word_mask[1] : 0, w1 = words > 1 ? m->word_want[1] : 0;
    const uint64_t k2 = words > 2 ? m->word_mask[2] : 0, w2 = words > 2 ? m->word_want[2] : 0;
    const uint64_t k3 = words > 3 ? m->word_mask[3] : 0, w3 = words > 3 ? m->word_want[3] : 0;
    for (; p != stop; p += len) {
        uint64_t diff = (load_word(p + a0) & k0) ^ w0;
        diff |= words > 1 ? (load_word(p + a1) & k1) ^ w1 : 0;
        diff |= words > 2 ? (load_word(p + a2) & k2) ^ w2 : 0;
        diff |= words > 3 ? (load_word(p + a3) & k3) ^ w3 : 0;
        if (diff != 0) {
            break;
        }
    }
    return p;
}

static const uint8_t *shape_run_by_words(const memo_t *m, const uint8_t *p, const uint8_t *stop)
{
    switch (m->words) {
    case 1: return shape_run_fast(m, 1, p, stop);
    case 2: return shape_run_fast(m, 2, p, stop);
    case 3: return shape_run_fast(m, 3, p, stop);
    case SHAPE_FAST_WORDS: return shape_run_fast(m, SHAPE_FAST_WORDS, p, stop);
    default: return shape_run(m, p, stop);
    }
}
#else /* built for flash: one loop, not a copy a word count */
static const uint8_t *shape_run_by_words(const memo_t *m, const uint8_t *p, const uint8_t *stop)
{
    return shape_run(m, p, stop);
}
#endif

/* The elements from pos on that have the remembered shape, skipped whole;
 * only those whose word loads stay inside the buffer. */
static size_t memo_run(const memo_t *m, const uint8_t *buf, size_t pos, size_t end,
                       uint32_t *count)
{
    const size_t len = m->len;
    if (m->reach > end - pos) {
        return pos;
    }
    const size_t fit = (end - pos - m->reach) / len + 1u;
    const uint32_t run = *count < fit ? *count : (uint32_t)fit;
    const uint8_t *const from = buf + pos;
    const uint8_t *const stop = from + (size_t)run * len;
    const uint8_t *const p = shape_run_by_words(m, from, stop);
    *count -= (uint32_t)((size_t)(p - from) / len);
    return pos + (size_t)(p - from);
}

/* At an element start of the memo's array: whether there is a shape,
 * taken now from the element just walked if there was none. */
static bool memo_ready(memo_t *m, const uint8_t *buf, size_t pos)
{
    if (m->len == 0 && pos != m->elem_start && !shape_take(m, buf, m->elem_start, pos)) {
        m->level = NO_MEMO; /* free for an array further in */
        m->len = 0;
    }
    return m->len != 0;
}

static inline void memo_claim(memo_t *m, unsigned level, const uint8_t *buf, size_t pos,
                              uint32_t n)
{
    if (m->level == NO_MEMO && n >= 2 && TAG_KIND[buf[pos]] == TK_CONTAINER) {
        m->level = level;
        m->elem_start = pos;
        m->len = 0;
    }
}

static pp_err_t walk_values(pp_axdr_rd_t *rd, uint32_t count);

/* The n elements of a container opened with the walk's stack full. */
static pp_err_t walk_nested(pp_axdr_rd_t *rd, size_t *pos, unsigned open, uint32_t n)
{
    const uint8_t base = rd->depth;
    rd->pos = *pos;
    rd->depth = (uint8_t)(base + open + 1u);
    pp_err_t rc = walk_values(rd, n);
    rd->depth = base;
    *pos = rd->pos;
    return rc;
}

/* Walks count consecutive values at rd->pos, rd->depth containers deep, in
 * one loop: due[] holds the values still due in each enclosing container.
 * Deeper than PP_AXDR_MAX_DEPTH (a max_depth above the default) it goes on
 * in a nested walk. */
static pp_err_t walk_values(pp_axdr_rd_t *rd, uint32_t count)
{
    const uint8_t *const buf = rd->buf;
    const size_t end = rd->end;
    size_t pos = rd->pos;
    uint32_t due[PP_AXDR_MAX_DEPTH];
    unsigned open = 0;
    memo_t memo; /* the words are written before they are read */
    memo.level = NO_MEMO;
    memo.elem_start = 0;
    memo.len = 0;
    pp_err_t rc = PP_OK;
    for (;;) {
        if (count == 0) {
            if (open == 0) {
                break;
            }
            memo.level = open == memo.level ? NO_MEMO : memo.level;
            count = due[--open];
            continue;
        }
        if (open != memo.level) {
            /* as many values as cannot run past end even at the widest */
            const size_t safe = (end - pos) / TK_FIXED_MAX;
            uint32_t left = count < safe ? count : (uint32_t)safe;
            if (left != 0) {
                const uint32_t planned = left;
                pos = walk_fixed_run(buf, pos, &left);
                count -= planned - left;
                if (left == 0) {
                    continue;
                }
            }
        } else {
            if (memo_ready(&memo, buf, pos)) {
                pos = memo_run(&memo, buf, pos, end, &count);
                if (count == 0) {
                    continue;
                }
            }
            memo.len = 0; /* walked below; the next element start takes its shape */
            memo.elem_start = pos;
        }
        count--;
        if (pos == end) {
            rc = PP_ERR_TRUNCATED;
            break;
        }
        const size_t at = pos;
        const unsigned kind = TAG_KIND[buf[pos]];
        if (kind != TK_CONTAINER) {
            rc = walk_simple(rd, kind, &pos, rd->depth + open);
            if (rc != PP_OK) {
                break;
            }
            continue;
        }
        uint32_t n;
        rc = walk_container(rd, &pos, rd->depth + open, &n);
        if (rc != PP_OK) {
            break;
        }
        if (open == PP_AXDR_MAX_DEPTH) {
            rc = walk_nested(rd, &pos, open, n);
            if (rc != PP_OK) {
                break;
            }
            continue;
        }
        due[open++] = count;
        count = n;
        if (buf[at] == PP_DT_ARRAY) {
            memo_claim(&memo, open, buf, pos, n);
        }
    }
    rd->pos = pos;
    return rc;
}

pp_err_t pp_axdr_skip(pp_axdr_rd_t *rd)
{
    return walk_values(rd, 1);
}

int pp_axdr_measure(const uint8_t *buf, size_t len, uint8_t max_depth)
{
    pp_axdr_rd_t rd;
    pp_axdr_rd_init(&rd, buf, len);
    rd.max_depth = max_depth ? max_depth : PP_AXDR_MAX_DEPTH;
    PP_TRY(pp_axdr_skip(&rd));
    return (int)rd.pos;
}

/* ---- typed getters ------------------------------------------------------ */

/* Each getter reads its one type directly (no pp_axdr_value_t): same checks,
 * codes and cursor positions as pp_axdr_get behind a tag check would give. */

/* The octet at pos must be tag; pos moves past it. A wrong tag leaves pos. */
static inline pp_err_t take_tag(pp_axdr_rd_t *rd, uint8_t tag)
{
    PP_VERIFY(rd->pos < rd->end, PP_ERR_TRUNCATED);
    PP_VERIFY(rd->buf[rd->pos] == tag, PP_ERR_MALFORMED);
    rd->pos++;
    return PP_OK;
}

/* tag, then n big-endian content octets (n constant at every call). */
static inline pp_err_t get_tagged_be(pp_axdr_rd_t *rd, uint8_t tag, unsigned n, uint64_t *out)
{
    PP_TRY(take_tag(rd, tag));
    PP_VERIFY(rd->end - rd->pos >= n, PP_ERR_TRUNCATED);
    const uint8_t *p = rd->buf + rd->pos;
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        v = v << 8 | p[i];
    }
    rd->pos += n;
    *out = v;
    return PP_OK;
}

/* tag, then an A-XDR length: the short form inline, the long forms through
 * pp_axdr_get_length with all its minimality checks. */
static inline pp_err_t get_tagged_length(pp_axdr_rd_t *rd, uint8_t tag, uint32_t *n)
{
    PP_TRY(take_tag(rd, tag));
    if (rd->pos < rd->end && rd->buf[rd->pos] < 0x80) {
        *n = rd->buf[rd->pos++];
        return PP_OK;
    }
    return pp_axdr_get_length(rd, n);
}

pp_err_t pp_axdr_get_null(pp_axdr_rd_t *rd)
{
    return take_tag(rd, PP_DT_NULL);
}

pp_err_t pp_axdr_get_bool(pp_axdr_rd_t *rd, bool *out)
{
    uint64_t v;
    PP_TRY(get_tagged_be(rd, PP_DT_BOOLEAN, 1, &v));
    *out = v != 0;
    return PP_OK;
}

static inline uint64_t as_unsigned(uint64_t v, unsigned nbytes)
{
    (void)nbytes;
    return v;
}

/* convert: as_unsigned or sign_extend (two's complement of nbytes). */
#define PP_AXDR_GET_FIXED(name, tag, type, convert)             \
    pp_err_t name(pp_axdr_rd_t *rd, type *out)                  \
    {                                                           \
        uint64_t v;                                             \
        PP_TRY(get_tagged_be(rd, (tag), sizeof(type), &v));     \
        *out = (type)convert(v, sizeof(type));                  \
        return PP_OK;                                           \
    }
PP_AXDR_GET_FIXED(pp_axdr_get_u8, PP_DT_UNSIGNED, uint8_t, as_unsigned)
PP_AXDR_GET_FIXED(pp_axdr_get_u16, PP_DT_LONG_UNSIGNED, uint16_t, as_unsigned)
PP_AXDR_GET_FIXED(pp_axdr_get_u32, PP_DT_DOUBLE_LONG_UNSIGNED, uint32_t, as_unsigned)
PP_AXDR_GET_FIXED(pp_axdr_get_u64, PP_DT_LONG64_UNSIGNED, uint64_t, as_unsigned)
PP_AXDR_GET_FIXED(pp_axdr_get_enum, PP_DT_ENUM, uint8_t, as_unsigned)
PP_AXDR_GET_FIXED(pp_axdr_get_i8, PP_DT_INTEGER, int8_t, sign_extend)
PP_AXDR_GET_FIXED(pp_axdr_get_i16, PP_DT_LONG, int16_t, sign_extend)
PP_AXDR_GET_FIXED(pp_axdr_get_i32, PP_DT_DOUBLE_LONG, int32_t, sign_extend)
PP_AXDR_GET_FIXED(pp_axdr_get_i64, PP_DT_LONG64, int64_t, sign_extend)
#undef PP_AXDR_GET_FIXED

pp_err_t pp_axdr_get_array(pp_axdr_rd_t *rd, uint32_t *count)
{
    return get_tagged_length(rd, PP_DT_ARRAY, count);
}

pp_err_t pp_axdr_get_struct(pp_axdr_rd_t *rd, uint32_t *count)
{
    return get_tagged_length(rd, PP_DT_STRUCTURE, count);
}

pp_err_t pp_axdr_get_integer(pp_axdr_rd_t *rd, int64_t *out)
{
    size_t start = rd->pos;
    pp_axdr_value_t v;
    PP_TRY(pp_axdr_get(rd, &v));
    switch (v.tag) {
    case PP_DT_INTEGER: case PP_DT_LONG: case PP_DT_DOUBLE_LONG: case PP_DT_LONG64:
        *out = v.v.i;
        return PP_OK;
    case PP_DT_UNSIGNED: case PP_DT_LONG_UNSIGNED: case PP_DT_DOUBLE_LONG_UNSIGNED:
    case PP_DT_LONG64_UNSIGNED: case PP_DT_ENUM:
        PP_VERIFY(v.v.u <= (uint64_t)INT64_MAX, PP_ERR_RANGE);
        *out = (int64_t)v.v.u;
        return PP_OK;
    default:
        rd->pos = start;
        return PP_ERR_MALFORMED;
    }
}

/* octet- or visible-string: tag, length, then that many octets in the buffer. */
static inline pp_err_t get_str(pp_axdr_rd_t *rd, uint8_t tag, const uint8_t **ptr, uint32_t *len)
{
    uint32_t n;
    PP_TRY(get_tagged_length(rd, tag, &n));
    PP_VERIFY(rd->end - rd->pos >= n, PP_ERR_TRUNCATED);
    *ptr = rd->buf + rd->pos;
    *len = n;
    rd->pos += n;
    return PP_OK;
}

pp_err_t pp_axdr_get_octets(pp_axdr_rd_t *rd, const uint8_t **ptr, uint32_t *len)
{
    return get_str(rd, PP_DT_OCTET_STRING, ptr, len);
}

pp_err_t pp_axdr_get_visible(pp_axdr_rd_t *rd, const uint8_t **ptr, uint32_t *len)
{
    return get_str(rd, PP_DT_VISIBLE_STRING, ptr, len);
}

pp_err_t pp_axdr_expect_struct(pp_axdr_rd_t *rd, uint32_t n)
{
    uint32_t count;
    PP_TRY(get_tagged_length(rd, PP_DT_STRUCTURE, &count));
    PP_VERIFY(count == n, PP_ERR_MALFORMED);
    return PP_OK;
}

/* ---- writers ------------------------------------------------------------ */

pp_err_t pp_axdr_put_null(pp_axdr_wr_t *wr) { return pp_axdr_put_byte(wr, PP_DT_NULL); }
pp_err_t pp_axdr_put_dont_care(pp_axdr_wr_t *wr) { return pp_axdr_put_byte(wr, PP_DT_DONT_CARE); }
pp_err_t pp_axdr_put_bool(pp_axdr_wr_t *wr, bool v) { return put_tag_be(wr, PP_DT_BOOLEAN, 1, v ? 1u : 0u); }
pp_err_t pp_axdr_put_u8(pp_axdr_wr_t *wr, uint8_t v) { return put_tag_be(wr, PP_DT_UNSIGNED, 1, v); }
pp_err_t pp_axdr_put_u16(pp_axdr_wr_t *wr, uint16_t v) { return put_tag_be(wr, PP_DT_LONG_UNSIGNED, 2, v); }
pp_err_t pp_axdr_put_u32(pp_axdr_wr_t *wr, uint32_t v) { return put_tag_be(wr, PP_DT_DOUBLE_LONG_UNSIGNED, 4, v); }
pp_err_t pp_axdr_put_u64(pp_axdr_wr_t *wr, uint64_t v) { return put_tag_be(wr, PP_DT_LONG64_UNSIGNED, 8, v); }
pp_err_t pp_axdr_put_i8(pp_axdr_wr_t *wr, int8_t v) { return put_tag_be(wr, PP_DT_INTEGER, 1, (uint64_t)(int64_t)v); }
pp_err_t pp_axdr_put_i16(pp_axdr_wr_t *wr, int16_t v) { return put_tag_be(wr, PP_DT_LONG, 2, (uint64_t)(int64_t)v); }
pp_err_t pp_axdr_put_i32(pp_axdr_wr_t *wr, int32_t v) { return put_tag_be(wr, PP_DT_DOUBLE_LONG, 4, (uint64_t)(int64_t)v); }
pp_err_t pp_axdr_put_i64(pp_axdr_wr_t *wr, int64_t v) { return put_tag_be(wr, PP_DT_LONG64, 8, (uint64_t)v); }
pp_err_t pp_axdr_put_enum(pp_axdr_wr_t *wr, uint8_t v) { return put_tag_be(wr, PP_DT_ENUM, 1, v); }
pp_err_t pp_axdr_put_bcd(pp_axdr_wr_t *wr, uint8_t v) { return put_tag_be(wr, PP_DT_BCD, 1, v); }

pp_err_t pp_axdr_put_f32(pp_axdr_wr_t *wr, float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    return put_tag_be(wr, PP_DT_FLOAT32, 4, u);
}

pp_err_t pp_axdr_put_f64(pp_axdr_wr_t *wr, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    return put_tag_be(wr, PP_DT_FLOAT64, 8, u);
}

pp_err_t pp_axdr_put_octets(pp_axdr_wr_t *wr, const void *p, uint32_t len)
{
    PP_VERIFY(len <= PP_AXDR_MAX_LEN, PP_ERR_ARG);
    return put_tag_len_bytes(wr, PP_DT_OCTET_STRING, len, p, len);
}

pp_err_t pp_axdr_put_visible(pp_axdr_wr_t *wr, const void *p, uint32_t len)
{
    PP_VERIFY(len <= PP_AXDR_MAX_LEN, PP_ERR_ARG);
    return put_tag_len_bytes(wr, PP_DT_VISIBLE_STRING, len, p, len);
}

pp_err_t pp_axdr_put_utf8(pp_axdr_wr_t *wr, const void *p, uint32_t len)
{
    PP_VERIFY(len <= PP_AXDR_MAX_LEN, PP_ERR_ARG);
    return put_tag_len_bytes(wr, PP_DT_UTF8_STRING, len, p, len);
}

pp_err_t pp_axdr_put_bits(pp_axdr_wr_t *wr, const uint8_t *p, uint32_t nbits)
{
    PP_VERIFY(nbits <= PP_AXDR_MAX_LEN, PP_ERR_ARG);
    uint32_t n = nbits / 8u + (nbits % 8u != 0);
    PP_TRY(put_tag_len_bytes(wr, PP_DT_BIT_STRING, nbits, p, n));
    if (nbits % 8u) { /* canonical: unused bits are zero */
        wr->buf[wr->pos - 1] &= (uint8_t)(0xFFu << (8u - nbits % 8u));
    }
    return PP_OK;
}

pp_err_t pp_axdr_put_array(pp_axdr_wr_t *wr, uint32_t count)
{
    PP_VERIFY(count <= PP_AXDR_MAX_LEN, PP_ERR_ARG);
    return put_tag_len_bytes(wr, PP_DT_ARRAY, count, NULL, 0);
}

pp_err_t pp_axdr_put_struct(pp_axdr_wr_t *wr, uint32_t count)
{
    PP_VERIFY(count <= PP_AXDR_MAX_LEN, PP_ERR_ARG);
    return put_tag_len_bytes(wr, PP_DT_STRUCTURE, count, NULL, 0);
}

pp_err_t pp_axdr_put_compact(pp_axdr_wr_t *wr, const uint8_t *desc, uint32_t desc_len,
                             const uint8_t *data, uint32_t data_len)
{
    PP_VERIFY(desc_len > 0 && desc && data_len <= PP_AXDR_MAX_LEN, PP_ERR_ARG);
    PP_VERIFY(wr_fits(wr, 1u + desc_len + pp_axdr_length_size(data_len) + data_len), PP_ERR_NOSPACE);
    wr->buf[wr->pos++] = PP_DT_COMPACT_ARRAY;
    PP_TRY(pp_axdr_put_raw(wr, desc, desc_len));
    PP_TRY(pp_axdr_put_length(wr, data_len));
    return pp_axdr_put_raw(wr, data, data_len);
}

/* ---- date and time ------------------------------------------------------ */

static bool in_range_or_any(uint8_t v, uint8_t lo, uint8_t hi)
{
    return (v >= lo && v <= hi) || v == PP_DT_FIELD_ANY;
}

static pp_err_t check_date(const pp_axdr_datetime_t *d)
{
    PP_VERIFY(in_range_or_any(d->month, 1, 12) || d->month == PP_DT_MONTH_DST_END ||
                  d->month == PP_DT_MONTH_DST_BEGIN,
              PP_ERR_RANGE);
    PP_VERIFY(in_range_or_any(d->day, 1, 31) || d->day == PP_DT_DAY_2ND_LAST ||
                  d->day == PP_DT_DAY_LAST,
              PP_ERR_RANGE);
    PP_VERIFY(in_range_or_any(d->dow, 1, 7), PP_ERR_RANGE);
    return PP_OK;
}

static pp_err_t check_time(const pp_axdr_datetime_t *d)
{
    PP_VERIFY(in_range_or_any(d->hour, 0, 23), PP_ERR_RANGE);
    PP_VERIFY(in_range_or_any(d->minute, 0, 59), PP_ERR_RANGE);
    PP_VERIFY(in_range_or_any(d->second, 0, 59), PP_ERR_RANGE);
    PP_VERIFY(in_range_or_any(d->hundredths, 0, 99), PP_ERR_RANGE);
    return PP_OK;
}

static void unpack_date(const uint8_t *in, pp_axdr_datetime_t *out)
{
    out->year = (uint16_t)(in[0] << 8 | in[1]);
    out->month = in[2];
    out->day = in[3];
    out->dow = in[4];
}

static void unpack_time(const uint8_t *in, pp_axdr_datetime_t *out)
{
    out->hour = in[0];
    out->minute = in[1];
    out->second = in[2];
    out->hundredths = in[3];
}

static void datetime_clear(pp_axdr_datetime_t *out)
{
    memset(out, 0xFF, sizeof *out);
    out->deviation = PP_DT_DEVIATION_ANY;
}

pp_err_t pp_axdr_datetime_unpack(const uint8_t in[12], pp_axdr_datetime_t *out)
{
    datetime_clear(out);
    unpack_date(in, out);
    unpack_time(in + 5, out);
    out->deviation = (int16_t)(uint16_t)(in[9] << 8 | in[10]);
    out->status = in[11];
    PP_TRY(check_date(out));
    PP_TRY(check_time(out));
    PP_VERIFY(out->deviation == PP_DT_DEVIATION_ANY ||
                  (out->deviation >= -720 && out->deviation <= 720),
              PP_ERR_RANGE);
    return PP_OK;
}

pp_err_t pp_axdr_date_unpack(const uint8_t in[5], pp_axdr_datetime_t *out)
{
    datetime_clear(out);
    unpack_date(in, out);
    return check_date(out);
}

pp_err_t pp_axdr_time_unpack(const uint8_t in[4], pp_axdr_datetime_t *out)
{
    datetime_clear(out);
    unpack_time(in, out);
    return check_time(out);
}

void pp_axdr_datetime_pack(const pp_axdr_datetime_t *dt, uint8_t out[12])
{
    out[0] = (uint8_t)(dt->year >> 8);
    out[1] = (uint8_t)dt->year;
    out[2] = dt->month;
    out[3] = dt->day;
    out[4] = dt->dow;
    out[5] = dt->hour;
    out[6] = dt->minute;
    out[7] = dt->second;
    out[8] = dt->hundredths;
    out[9] = (uint8_t)((uint16_t)dt->deviation >> 8);
    out[10] = (uint8_t)dt->deviation;
    out[11] = dt->status;
}

pp_err_t pp_axdr_put_datetime_os(pp_axdr_wr_t *wr, const pp_axdr_datetime_t *dt)
{
    uint8_t b[12];
    pp_axdr_datetime_pack(dt, b);
    return pp_axdr_put_octets(wr, b, 12);
}

pp_err_t pp_axdr_get_datetime_os(pp_axdr_rd_t *rd, pp_axdr_datetime_t *out)
{
    size_t start = rd->pos;
    const uint8_t *p;
    uint32_t n;
    PP_TRY(pp_axdr_get_octets(rd, &p, &n));
    if (n != 12) {
        rd->pos = start;
        return PP_ERR_MALFORMED;
    }
    return pp_axdr_datetime_unpack(p, out);
}

static pp_err_t put_fixed_raw(pp_axdr_wr_t *wr, uint8_t tag, const uint8_t *p, size_t n)
{
    PP_VERIFY(wr_fits(wr, 1u + n), PP_ERR_NOSPACE);
    wr->buf[wr->pos++] = tag;
    return pp_axdr_put_raw(wr, p, n);
}

pp_err_t pp_axdr_put_datetime(pp_axdr_wr_t *wr, const pp_axdr_datetime_t *dt)
{
    uint8_t b[12];
    pp_axdr_datetime_pack(dt, b);
    return put_fixed_raw(wr, PP_DT_DATE_TIME, b, 12);
}

pp_err_t pp_axdr_put_date(pp_axdr_wr_t *wr, const pp_axdr_datetime_t *dt)
{
    uint8_t b[12];
    pp_axdr_datetime_pack(dt, b);
    return put_fixed_raw(wr, PP_DT_DATE, b, 5);
}

pp_err_t pp_axdr_put_time(pp_axdr_wr_t *wr, const pp_axdr_datetime_t *dt)
{
    uint8_t b[12];
    pp_axdr_datetime_pack(dt, b);
    return put_fixed_raw(wr, PP_DT_TIME, b + 5, 4);
}
