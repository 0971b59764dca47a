/* HDLC frame codec and framer (IEC 62056-46) against published frames
 * (tests/unit/vectors/hdlc/frames.txt; each one's HCS/FCS re-checked with an
 * independent bitwise RFC 1662 CRC, see docs/hdlc.md) and hand-built cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/hdlc.h"
#include "vectors.h"

typedef struct vec {
    char name[32];
    uint8_t frame[256];
    int len;
    pp_hdlc_type_t type;
    unsigned dst_upper, dst_lower, dst_len, src_upper, src_lower, src_len, control, seg;
    uint8_t info[256];
    int info_len;
} vec_t;

#define MAX_VECS 32
typedef struct vecs {
    vec_t v[MAX_VECS];
    unsigned n;
} vecs_t;

static pp_hdlc_type_t type_from_name(const char *s)
{
    static const char *names[] = {"I", "RR", "RNR", "SNRM", "DISC", "UA", "DM", "FRMR", "UI"};
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i]) == 0) {
            return (pp_hdlc_type_t)i;
        }
    }
    return PP_HDLC_UNDEFINED;
}

static void load_one(const pp_vec_case_t *c, void *arg)
{
    vecs_t *vs = arg;
    assert_true(vs->n < MAX_VECS);
    vec_t *v = &vs->v[vs->n++];
    assert_true(c->nfields >= 7);
    snprintf(v->name, sizeof v->name, "%s", c->field[0]);
    v->len = pp_vec_hex(c->field[1], v->frame, sizeof v->frame);
    assert_true(v->len > 0);
    v->type = type_from_name(c->field[2]);
    assert_int_equal(sscanf(c->field[3], "%u %u %u", &v->dst_upper, &v->dst_lower, &v->dst_len), 3);
    assert_int_equal(sscanf(c->field[4], "%u %u %u", &v->src_upper, &v->src_lower, &v->src_len), 3);
    v->control = (unsigned)strtoul(c->field[5], NULL, 16);
    v->seg = (unsigned)strtoul(c->field[6], NULL, 10);
    v->info_len = c->nfields > 7 ? pp_vec_hex(c->field[7], v->info, sizeof v->info) : 0;
    assert_true(v->info_len >= 0);
}

static vecs_t *load_vectors(void)
{
    vecs_t *vs = calloc(1, sizeof *vs);
    assert_non_null(vs);
    assert_true(PP_VEC_EACH("hdlc/frames.txt", load_one, vs) >= 10);
    return vs;
}

static void check_fields(const vec_t *v, const pp_hdlc_frame_t *f)
{
    assert_int_equal(pp_hdlc_control_type(f->control), v->type);
    assert_int_equal(f->dst.upper, v->dst_upper);
    assert_int_equal(f->dst.lower, v->dst_lower);
    assert_int_equal(f->dst.len, v->dst_len);
    assert_int_equal(f->src.upper, v->src_upper);
    assert_int_equal(f->src.lower, v->src_lower);
    assert_int_equal(f->src.len, v->src_len);
    assert_int_equal(f->control, v->control);
    assert_int_equal(f->segmented, v->seg);
    assert_int_equal(f->info_len, (size_t)v->info_len);
    if (v->info_len) {
        assert_memory_equal(f->info, v->info, (size_t)v->info_len);
    }
}

static void published_frames_decode(void **state)
{
    (void)state;
    vecs_t *vs = load_vectors();
    for (unsigned i = 0; i < vs->n; i++) {
        pp_hdlc_frame_t f;
        assert_int_equal(pp_hdlc_frame_decode(vs->v[i].frame, (size_t)vs->v[i].len, &f), PP_OK);
        check_fields(&vs->v[i], &f);
    }
    free(vs);
}

/* Built from the fields alone, the encoder must give the published bytes. */
static void published_frames_encode(void **state)
{
    (void)state;
    vecs_t *vs = load_vectors();
    for (unsigned i = 0; i < vs->n; i++) {
        const vec_t *v = &vs->v[i];
        pp_hdlc_frame_t f = {
            .dst = {.upper = (uint16_t)v->dst_upper, .lower = (uint16_t)v->dst_lower,
                    .len = (uint8_t)v->dst_len},
            .src = {.upper = (uint16_t)v->src_upper, .lower = (uint16_t)v->src_lower,
                    .len = (uint8_t)v->src_len},
            .control = (uint8_t)v->control,
            .segmented = v->seg != 0,
            .info = v->info_len ? v->info : NULL,
            .info_len = (size_t)v->info_len,
        };
        uint8_t out[300];
        int n = pp_hdlc_frame_encode(&f, out, sizeof out);
        assert_int_equal(n, v->len);
        assert_memory_equal(out, v->frame, (size_t)n);
        /* one byte short: refused, nothing written past the end */
        memset(out, 0xCC, sizeof out);
        assert_int_equal(pp_hdlc_frame_encode(&f, out, (size_t)n - 1), PP_ERR_NOSPACE);
        assert_int_equal(out[n - 1], 0xCC);
    }
    free(vs);
}

static void bad_one(const pp_vec_case_t *c, void *arg)
{
    (void)arg;
    uint8_t buf[256];
    int n = pp_vec_hex(c->field[1], buf, sizeof buf);
    assert_true(n > 0);
    int want = strcmp(c->field[2], "CRC") == 0         ? PP_ERR_CRC
               : strcmp(c->field[2], "MALFORMED") == 0 ? PP_ERR_MALFORMED
                                                       : PP_ERR_TRUNCATED;
    pp_hdlc_frame_t f;
    int rc = pp_hdlc_frame_decode(buf, (size_t)n, &f);
    if (rc != want) {
        fail_msg("%s:%u %s: got %d want %d", c->file, c->line, c->field[0], rc, want);
    }
}

static void bad_frames_refused(void **state)
{
    (void)state;
    assert_true(PP_VEC_EACH("hdlc/bad_frames.txt", bad_one, NULL) >= 8);
}

static void control_fields(void **state)
{
    (void)state;
    /* bit patterns of 62056-46 (P/F = bit 4, N(R) bits 5-7, N(S) bits 1-3) */
    static const struct { uint8_t c; pp_hdlc_type_t t; } table[] = {
        {0x93, PP_HDLC_SNRM}, {0x83, PP_HDLC_SNRM}, {0x53, PP_HDLC_DISC}, {0x73, PP_HDLC_UA},
        {0x1F, PP_HDLC_DM},   {0x0F, PP_HDLC_DM},   {0x97, PP_HDLC_FRMR}, {0x13, PP_HDLC_UI},
        {0x03, PP_HDLC_UI},   {0x11, PP_HDLC_RR},   {0xF1, PP_HDLC_RR},   {0x15, PP_HDLC_RNR},
        {0x10, PP_HDLC_I},    {0xFE, PP_HDLC_I},    {0x09, PP_HDLC_UNDEFINED} /* REJ */,
        {0x0D, PP_HDLC_UNDEFINED} /* SREJ */, {0x2F, PP_HDLC_UNDEFINED} /* SABM */,
        {0xAF, PP_HDLC_UNDEFINED} /* XID */,
    };
    for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++) {
        assert_int_equal(pp_hdlc_control_type(table[i].c), table[i].t);
    }
    /* I frame N(S)=1 N(R)=1 P=1 is 0x32 (the GET after an AARQ/AARE) */
    assert_int_equal(pp_hdlc_control_i(1, 1, true), 0x32);
    assert_int_equal(pp_hdlc_control_ns(0x32), 1);
    assert_int_equal(pp_hdlc_control_nr(0x32), 1);
    /* AARE answer: N(S)=0, N(R)=1, F=1 -> 0x30 */
    assert_int_equal(pp_hdlc_control_i(0, 1, true), 0x30);
    /* RR N(R)=2 P=0 -> 0x41, RR N(R)=7 F=1 -> 0xF1, RNR N(R)=3 F=1 -> 0x75 */
    assert_int_equal(pp_hdlc_control_s(PP_HDLC_RR, 2, false), 0x41);
    assert_int_equal(pp_hdlc_control_s(PP_HDLC_RR, 7, true), 0xF1);
    assert_int_equal(pp_hdlc_control_s(PP_HDLC_RNR, 3, true), 0x75);
    assert_int_equal(pp_hdlc_control_s(PP_HDLC_UA, 3, true), 0xFF);
    assert_int_equal(pp_hdlc_control_u(PP_HDLC_UA, true), 0x73);
    assert_int_equal(pp_hdlc_control_u(PP_HDLC_DM, true), 0x1F);
    assert_int_equal(pp_hdlc_control_u(PP_HDLC_FRMR, true), 0x97);
    assert_int_equal(pp_hdlc_control_u(PP_HDLC_I, true), 0xFF);
    assert_true(pp_hdlc_control_pf(0x93));
    assert_false(pp_hdlc_control_pf(0x83));
}

static void address_limits(void **state)
{
    (void)state;
    uint8_t out[64];
    pp_hdlc_frame_t f = {.dst = {.upper = 0x80, .len = 1}, .src = {.upper = 16, .len = 1},
                         .control = 0x93};
    assert_int_equal(pp_hdlc_frame_encode(&f, out, sizeof out), PP_ERR_ARG); /* 8 bits in 1 byte */
    f.dst = (pp_hdlc_addr_t){.upper = 1, .lower = 0x80, .len = 2};
    assert_int_equal(pp_hdlc_frame_encode(&f, out, sizeof out), PP_ERR_ARG);
    f.dst = (pp_hdlc_addr_t){.upper = 1, .lower = 0x4000, .len = 4};
    assert_int_equal(pp_hdlc_frame_encode(&f, out, sizeof out), PP_ERR_ARG);
    f.dst = (pp_hdlc_addr_t){.upper = 1, .lower = 0x3FFD, .len = 3};
    assert_int_equal(pp_hdlc_frame_encode(&f, out, sizeof out), PP_ERR_ARG);
    /* 4-byte form by hand: upper 1 -> 00 02, lower 0x1234 -> (0x24<<1) (0x34<<1|1) = 48 69 */
    f.dst = (pp_hdlc_addr_t){.upper = 1, .lower = 0x1234, .len = 4};
    int n = pp_hdlc_frame_encode(&f, out, sizeof out);
    assert_int_equal(n, 12);
    static const uint8_t addr[] = {0x00, 0x02, 0x48, 0x69, 0x21};
    assert_memory_equal(out + 3, addr, sizeof addr);
    pp_hdlc_frame_t g;
    assert_int_equal(pp_hdlc_frame_decode(out, (size_t)n, &g), PP_OK);
    assert_int_equal(g.dst.lower, 0x1234);
    /* info longer than an 11-bit frame can carry */
    static uint8_t big[2100];
    f.info = big;
    f.info_len = 2040;
    assert_int_equal(pp_hdlc_frame_encode(&f, big, sizeof big), PP_ERR_ARG);
}

static void parameters(void **state)
{
    (void)state;
    pp_hdlc_params_t p;
    /* the SNRM of snrm_params proposes 128/128 in 2 bytes, windows 1 in 4 */
    static const uint8_t snrm[] = {0x81, 0x80, 0x14, 0x05, 0x02, 0x00, 0x80, 0x06, 0x02, 0x00,
                                   0x80, 0x07, 0x04, 0x00, 0x00, 0x00, 0x01, 0x08, 0x04, 0x00,
                                   0x00, 0x00, 0x01};
    assert_int_equal(pp_hdlc_params_decode(snrm, sizeof snrm, &p), PP_OK);
    assert_int_equal(p.max_info_tx, 128);
    assert_int_equal(p.max_info_rx, 128);
    assert_int_equal(p.window_tx, 1);
    assert_int_equal(p.window_rx, 1);
    /* the published UA info field is what we encode for 128/128/1/1 */
    static const uint8_t ua[] = {0x81, 0x80, 0x12, 0x05, 0x01, 0x80, 0x06, 0x01, 0x80, 0x07, 0x04,
                                 0x00, 0x00, 0x00, 0x01, 0x08, 0x04, 0x00, 0x00, 0x00, 0x01};
    uint8_t out[32];
    assert_int_equal(pp_hdlc_params_encode(&p, out, sizeof out), (int)sizeof ua);
    assert_memory_equal(out, ua, sizeof ua);
    assert_int_equal(pp_hdlc_params_encode(&p, out, sizeof ua - 1), PP_ERR_NOSPACE);
    /* no information field: defaults */
    assert_int_equal(pp_hdlc_params_decode(NULL, 0, &p), PP_OK);
    assert_int_equal(p.max_info_rx, 128);
    /* partial list: tx 0x0400 = 1024, rx 0x40 = 64, an unknown parameter 0x09 skipped */
    static const uint8_t part[] = {0x81, 0x80, 0x0A, 0x05, 0x02, 0x04, 0x00, 0x06, 0x01, 0x40,
                                   0x09, 0x01, 0x07};
    assert_int_equal(pp_hdlc_params_decode(part, sizeof part, &p), PP_OK);
    assert_int_equal(p.max_info_tx, 1024);
    assert_int_equal(p.max_info_rx, 64);
    assert_int_equal(p.window_tx, 1);
    /* malformed: wrong format id, wrong group length, value of 0 and 5 bytes, cut off */
    static const uint8_t bad1[] = {0x82, 0x80, 0x03, 0x05, 0x01, 0x80};
    static const uint8_t bad2[] = {0x81, 0x80, 0x04, 0x05, 0x01, 0x80};
    static const uint8_t bad3[] = {0x81, 0x80, 0x02, 0x05, 0x00};
    static const uint8_t bad4[] = {0x81, 0x80, 0x07, 0x05, 0x05, 0, 0, 0, 0, 0x80};
    static const uint8_t bad5[] = {0x81, 0x80, 0x03, 0x05, 0x02, 0x80};
    static const uint8_t bad6[] = {0x81, 0x80};
    assert_int_equal(pp_hdlc_params_decode(bad1, sizeof bad1, &p), PP_ERR_MALFORMED);
    assert_int_equal(pp_hdlc_params_decode(bad2, sizeof bad2, &p), PP_ERR_MALFORMED);
    assert_int_equal(pp_hdlc_params_decode(bad3, sizeof bad3, &p), PP_ERR_MALFORMED);
    assert_int_equal(pp_hdlc_params_decode(bad4, sizeof bad4, &p), PP_ERR_MALFORMED);
    assert_int_equal(pp_hdlc_params_decode(bad5, sizeof bad5, &p), PP_ERR_MALFORMED);
    assert_int_equal(pp_hdlc_params_decode(bad6, sizeof bad6, &p), PP_ERR_MALFORMED);
}

static void frmr_field(void **state)
{
    (void)state;
    /* rejected I frame 0x32, V(S)=2, V(R)=3, reason Z:
     * octet 2 = 0 | V(S)<<1 | C/R<<4 | V(R)<<5 = 0x04 | 0x60 = 0x64; octet 3 = Z = 0x08 */
    pp_hdlc_frmr_t r = {.rejected_control = 0x32, .vs = 2, .vr = 3, .response = false,
                        .reasons = PP_HDLC_FRMR_Z};
    uint8_t out[3];
    pp_hdlc_frmr_encode(&r, out);
    static const uint8_t want[] = {0x32, 0x64, 0x08};
    assert_memory_equal(out, want, 3);
    pp_hdlc_frmr_t d;
    assert_int_equal(pp_hdlc_frmr_decode(out, 3, &d), PP_OK);
    assert_int_equal(d.vs, 2);
    assert_int_equal(d.vr, 3);
    assert_int_equal(d.reasons, PP_HDLC_FRMR_Z);
    assert_int_equal(pp_hdlc_frmr_decode(out, 2, &d), PP_ERR_MALFORMED);
}

/* Feeds stream split into pieces at the given cut points; collects frames. */
typedef struct collected {
    uint8_t data[4096];
    size_t len;
    unsigned frames;
    unsigned bad_fcs;
} collected_t;

static void feed_split(pp_hdlc_framer_t *fr, const uint8_t *s, size_t n, size_t cut1, size_t cut2,
                       collected_t *out)
{
    size_t cuts[] = {0, cut1, cut2, n};
    for (unsigned k = 0; k < 3; k++) {
        const uint8_t *p = s + cuts[k];
        size_t left = cuts[k + 1] - cuts[k];
        while (left > 0) {
            pp_hdlc_rx_t rx;
            bool got;
            size_t used = pp_hdlc_framer_feed(fr, p, left, 1000, &rx, &got);
            assert_true(used > 0 && used <= left);
            p += used;
            left -= used;
            if (got) {
                assert_false(rx.oversize);
                out->frames++;
                out->bad_fcs += !rx.fcs_ok;
                assert_true(out->len + rx.len <= sizeof out->data);
                memcpy(out->data + out->len, rx.frame, rx.len);
                out->len += rx.len;
            }
        }
    }
}

static void framer_each_vector_split_everywhere(void **state)
{
    (void)state;
    vecs_t *vs = load_vectors();
    uint8_t buf[300];
    for (unsigned i = 0; i < vs->n; i++) {
        const vec_t *v = &vs->v[i];
        size_t n = (size_t)v->len;
        for (size_t a = 0; a <= n; a++) {
            for (size_t b = a; b <= n; b++) {
                pp_hdlc_framer_t fr;
                pp_hdlc_framer_init(&fr, buf, sizeof buf, 0);
                collected_t c = {0};
                feed_split(&fr, v->frame, n, a, b, &c);
                assert_int_equal(c.frames, 1);
                assert_int_equal(c.bad_fcs, 0);
                assert_int_equal(c.len, n);
                assert_memory_equal(c.data, v->frame, n);
            }
        }
    }
    free(vs);
}

/* All vectors in one stream: shared flags between some, idle flags and line
 * garbage (including a lone format-like byte) between others. */
static void framer_stream_with_shared_flags_and_garbage(void **state)
{
    (void)state;
    vecs_t *vs = load_vectors();
    static uint8_t stream[4096];
    static collected_t want, c;
    size_t n = 0;
    memset(&want, 0, sizeof want);
    static const uint8_t garbage[] = {0x00, 0xFF, 0x13, 0xA0, 0x55};
    for (unsigned i = 0; i < vs->n; i++) {
        const vec_t *v = &vs->v[i];
        bool share = (i % 3) == 1 && n > 0; /* previous closing flag opens this one */
        size_t from = share ? 1 : 0;
        if ((i % 3) == 2) {
            memcpy(stream + n, garbage, sizeof garbage);
            n += sizeof garbage;
            stream[n++] = PP_HDLC_FLAG; /* idle flags */
        }
        memcpy(stream + n, v->frame + from, (size_t)v->len - from);
        n += (size_t)v->len - from;
        memcpy(want.data + want.len, v->frame, (size_t)v->len);
        want.len += (size_t)v->len;
    }
    uint8_t buf[300];
    for (size_t a = 0; a <= n; a += 7) {
        for (size_t b = a; b <= n; b += 13) {
            pp_hdlc_framer_t fr;
            pp_hdlc_framer_init(&fr, buf, sizeof buf, 0);
            memset(&c, 0, sizeof c);
            feed_split(&fr, stream, n, a, b, &c);
            assert_int_equal(c.frames, vs->n);
            assert_int_equal(c.bad_fcs, 0);
            assert_int_equal(c.len, want.len);
            assert_memory_equal(c.data, want.data, want.len);
        }
    }
    free(vs);
}

static void framer_oversize_and_timeout(void **state)
{
    (void)state;
    vecs_t *vs = load_vectors();
    const vec_t *aarq = NULL;
    for (unsigned i = 0; i < vs->n; i++) {
        if (strcmp(vs->v[i].name, "aarq") == 0) {
            aarq = &vs->v[i];
        }
    }
    assert_non_null(aarq);
    /* a 40-byte buffer: the 70-byte AARQ frame is followed to its end and
     * reported oversize with a verified FCS and a decodable header */
    uint8_t small[40];
    pp_hdlc_framer_t fr;
    pp_hdlc_framer_init(&fr, small, sizeof small, 0);
    pp_hdlc_rx_t rx;
    bool got;
    size_t used = pp_hdlc_framer_feed(&fr, aarq->frame, (size_t)aarq->len, 0, &rx, &got);
    assert_int_equal(used, (size_t)aarq->len);
    assert_true(got);
    assert_true(rx.oversize);
    assert_true(rx.fcs_ok);
    assert_int_equal(rx.wire_len, (size_t)aarq->len);
    pp_hdlc_frame_t f;
    assert_int_equal(pp_hdlc_header_decode(rx.frame, rx.len, &f), PP_OK);
    assert_int_equal(f.control, 0x10);
    assert_int_equal(f.info_len, (size_t)aarq->info_len);

    /* inter-octet timeout 25 ms: a 30 ms pause inside a frame drops it; the
     * next complete frame still comes through */
    uint8_t buf[300];
    pp_hdlc_framer_init(&fr, buf, sizeof buf, 25);
    used = pp_hdlc_framer_feed(&fr, aarq->frame, 20, 100, &rx, &got);
    assert_int_equal(used, 20);
    assert_false(got);
    size_t rest = (size_t)aarq->len - 20;
    const uint8_t *p = aarq->frame + 20;
    while (rest > 0) {
        used = pp_hdlc_framer_feed(&fr, p, rest, 130, &rx, &got);
        assert_false(got);
        p += used;
        rest -= used;
    }
    assert_true(fr.dropped >= 1);
    used = pp_hdlc_framer_feed(&fr, aarq->frame, (size_t)aarq->len, 131, &rx, &got);
    assert_true(got);
    assert_true(rx.fcs_ok);
    assert_int_equal(rx.len, (size_t)aarq->len);
    /* a 20 ms pause is within the limit */
    pp_hdlc_framer_init(&fr, buf, sizeof buf, 25);
    (void)pp_hdlc_framer_feed(&fr, aarq->frame, 20, 100, &rx, &got);
    used = pp_hdlc_framer_feed(&fr, aarq->frame + 20, (size_t)aarq->len - 20, 120, &rx, &got);
    assert_true(got);
    assert_true(rx.fcs_ok);
    free(vs);
}

static void framer_reports_bad_fcs(void **state)
{
    (void)state;
    static const uint8_t bad[] = {0x7E, 0xA0, 0x07, 0x03, 0x21, 0x93, 0x01, 0x0F, 0x7E};
    uint8_t buf[64];
    pp_hdlc_framer_t fr;
    pp_hdlc_framer_init(&fr, buf, sizeof buf, 0);
    pp_hdlc_rx_t rx;
    bool got;
    assert_int_equal(pp_hdlc_framer_feed(&fr, bad, sizeof bad, 0, &rx, &got), sizeof bad);
    assert_true(got);
    assert_false(rx.fcs_ok);
    /* length field of 5 (< 7): dropped, hunting for the next flag */
    static const uint8_t shortlen[] = {0x7E, 0xA0, 0x05, 0x03, 0x21, 0x93, 0x7E};
    size_t off = 0;
    while (off < sizeof shortlen) {
        off += pp_hdlc_framer_feed(&fr, shortlen + off, sizeof shortlen - off, 0, &rx, &got);
        assert_false(got);
    }
    assert_true(fr.dropped >= 1);
}

/* Trace lines: the widely published SNRM of client 16 to server 1
 * (7E A0 07 03 21 93 0F 01 7E; 0x21 = 16 << 1 | 1, 0x03 = 1 << 1 | 1,
 * control 0x93 = SNRM with P) and an I frame built here with
 * N(S) = 2, N(R) = 3, P, 4 info bytes; garbage never crashes. */
static void describe_for_traces(void **state)
{
    (void)state;
    char text[160];
    static const uint8_t snrm[] = {0x7E, 0xA0, 0x07, 0x03, 0x21, 0x93, 0x0F, 0x01, 0x7E};
    pp_hdlc_frame_describe(snrm, sizeof snrm, text, sizeof text);
    assert_string_equal(text, "SNRM P/F 16->1 | 7E A0 07 03 21 93 0F 01 7E");
    uint8_t frame[64];
    const uint8_t info[4] = {0xE6, 0xE6, 0x00, 0x60};
    pp_hdlc_frame_t f = {.dst = {.upper = 1, .lower = 5694, .len = 4}, .src = {.upper = 16, .len = 1},
                         .control = pp_hdlc_control_i(2, 3, true), .info = info, .info_len = 4};
    int n = pp_hdlc_frame_encode(&f, frame, sizeof frame);
    assert_true(n > 0);
    int len = pp_hdlc_frame_describe(frame, (size_t)n, text, sizeof text);
    assert_int_equal(len, (int)strlen(text));
    assert_non_null(strstr(text, "I N(S)=2 N(R)=3 P/F 16->1/5694 info 4 B | 7E A0"));
    pp_hdlc_frame_describe(snrm, 5, text, sizeof text); /* cut short */
    assert_string_equal(text, "malformed frame | 7E A0 07 03 21");
    pp_hdlc_frame_describe(snrm, sizeof snrm, text, 12); /* truncated, terminated */
    assert_int_equal(strlen(text), 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(published_frames_decode),
        cmocka_unit_test(published_frames_encode),
        cmocka_unit_test(bad_frames_refused),
        cmocka_unit_test(control_fields),
        cmocka_unit_test(address_limits),
        cmocka_unit_test(parameters),
        cmocka_unit_test(frmr_field),
        cmocka_unit_test(framer_each_vector_split_everywhere),
        cmocka_unit_test(framer_stream_with_shared_flags_and_garbage),
        cmocka_unit_test(framer_oversize_and_timeout),
        cmocka_unit_test(framer_reports_bad_fcs),
        cmocka_unit_test(describe_for_traces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
