/* IEC 62056-47 TCP-UDP wrapper: header codec and framer against wrapper
 * frames from public client code (tests/unit/vectors/hdlc/wrapper.txt),
 * each stream re-fed split at every pair of byte positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/wrapper.h"
#include "vectors.h"

typedef struct wvec {
    uint8_t bytes[128];
    int len;
    uint16_t src, dst;
    uint8_t apdu[128];
    int apdu_len;
} wvec_t;

typedef struct wvecs {
    wvec_t v[8];
    unsigned n;
} wvecs_t;

static void load_one(const pp_vec_case_t *c, void *arg)
{
    wvecs_t *vs = arg;
    assert_true(vs->n < 8 && c->nfields == 5);
    wvec_t *v = &vs->v[vs->n++];
    v->len = pp_vec_hex(c->field[1], v->bytes, sizeof v->bytes);
    v->src = (uint16_t)strtoul(c->field[2], NULL, 16);
    v->dst = (uint16_t)strtoul(c->field[3], NULL, 16);
    v->apdu_len = pp_vec_hex(c->field[4], v->apdu, sizeof v->apdu);
    assert_true(v->len > 8 && v->apdu_len > 0);
}

static wvecs_t load(void)
{
    wvecs_t vs;
    memset(&vs, 0, sizeof vs);
    assert_int_equal(PP_VEC_EACH("hdlc/wrapper.txt", load_one, &vs), 2);
    return vs;
}

typedef struct got {
    unsigned n;
    uint16_t src[8], dst[8];
    uint8_t data[8][128];
    size_t len[8];
} got_t;

static int feed_all(pp_wrapper_framer_t *fr, const uint8_t *p, size_t n, got_t *g)
{
    while (n > 0) {
        pp_wrapper_apdu_t a;
        bool ready;
        int used = pp_wrapper_framer_feed(fr, p, n, &a, &ready);
        if (used < 0) {
            return used;
        }
        assert_true(used > 0 && (size_t)used <= n);
        if (ready) {
            assert_true(g->n < 8 && a.len <= 128);
            g->src[g->n] = a.src;
            g->dst[g->n] = a.dst;
            memcpy(g->data[g->n], a.data, a.len);
            g->len[g->n++] = a.len;
        }
        p += used;
        n -= (size_t)used;
    }
    return 0;
}

static void framer_split_everywhere(void **state)
{
    (void)state;
    wvecs_t vs = load();
    uint8_t stream[256];
    size_t n = 0;
    for (unsigned i = 0; i < vs.n; i++) {
        memcpy(stream + n, vs.v[i].bytes, (size_t)vs.v[i].len);
        n += (size_t)vs.v[i].len;
    }
    uint8_t buf[64];
    for (size_t a = 0; a <= n; a++) {
        for (size_t b = a; b <= n; b++) {
            pp_wrapper_framer_t fr;
            pp_wrapper_framer_init(&fr, buf, sizeof buf);
            got_t g = {0};
            assert_int_equal(feed_all(&fr, stream, a, &g), 0);
            assert_int_equal(feed_all(&fr, stream + a, b - a, &g), 0);
            assert_int_equal(feed_all(&fr, stream + b, n - b, &g), 0);
            assert_int_equal(g.n, vs.n);
            for (unsigned i = 0; i < vs.n; i++) {
                assert_int_equal(g.src[i], vs.v[i].src);
                assert_int_equal(g.dst[i], vs.v[i].dst);
                assert_int_equal(g.len[i], (size_t)vs.v[i].apdu_len);
                assert_memory_equal(g.data[i], vs.v[i].apdu, g.len[i]);
            }
            assert_true(pp_wrapper_framer_idle(&fr));
        }
    }
}

static void encode_gives_published_bytes(void **state)
{
    (void)state;
    wvecs_t vs = load();
    for (unsigned i = 0; i < vs.n; i++) {
        const wvec_t *v = &vs.v[i];
        uint8_t out[128];
        int n = pp_wrapper_encode(v->src, v->dst, v->apdu, (size_t)v->apdu_len, out, sizeof out);
        assert_int_equal(n, v->len);
        assert_memory_equal(out, v->bytes, (size_t)n);
        /* in place: APDU already behind the header */
        memset(out, 0, sizeof out);
        memcpy(out + 8, v->apdu, (size_t)v->apdu_len);
        n = pp_wrapper_encode(v->src, v->dst, out + 8, (size_t)v->apdu_len, out, sizeof out);
        assert_memory_equal(out, v->bytes, (size_t)n);
        assert_int_equal(pp_wrapper_encode(v->src, v->dst, v->apdu, (size_t)v->apdu_len, out,
                                           (size_t)v->len - 1),
                         PP_ERR_NOSPACE);
        pp_wrapper_header_t h;
        assert_int_equal(pp_wrapper_header_decode(v->bytes, 8, &h), PP_OK);
        assert_int_equal(h.version, 1);
        assert_int_equal(h.len, v->apdu_len);
        assert_int_equal(pp_wrapper_header_decode(v->bytes, 7, &h), PP_ERR_TRUNCATED);
    }
    static uint8_t big[70000];
    assert_int_equal(pp_wrapper_encode(1, 16, big, 65536, big, sizeof big), PP_ERR_RANGE);
}

static void bad_headers_poison_the_stream(void **state)
{
    (void)state;
    uint8_t buf[32];
    pp_wrapper_framer_t fr;
    got_t g = {0};
    /* version 2 */
    static const uint8_t v2[] = {0x00, 0x02, 0x00, 0x10, 0x00, 0x01, 0x00, 0x01, 0xC0};
    pp_wrapper_framer_init(&fr, buf, sizeof buf);
    assert_int_equal(feed_all(&fr, v2, sizeof v2, &g), PP_ERR_UNSUPPORTED);
    assert_false(pp_wrapper_framer_idle(&fr));
    /* sticky: a good frame afterwards is refused too */
    static const uint8_t ok[] = {0x00, 0x01, 0x00, 0x10, 0x00, 0x01, 0x00, 0x01, 0xC0};
    assert_int_equal(feed_all(&fr, ok, sizeof ok, &g), PP_ERR_UNSUPPORTED);
    pp_wrapper_framer_reset(&fr);
    assert_int_equal(feed_all(&fr, ok, sizeof ok, &g), 0);
    assert_int_equal(g.n, 1);
    /* length 33 > 32-byte maximum APDU */
    static const uint8_t big[] = {0x00, 0x01, 0x00, 0x10, 0x00, 0x01, 0x00, 0x21};
    pp_wrapper_framer_init(&fr, buf, sizeof buf);
    assert_int_equal(feed_all(&fr, big, sizeof big, &g), PP_ERR_RANGE);
    /* length 0 */
    static const uint8_t zero[] = {0x00, 0x01, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00};
    pp_wrapper_framer_init(&fr, buf, sizeof buf);
    assert_int_equal(feed_all(&fr, zero, sizeof zero, &g), PP_ERR_MALFORMED);
    /* exactly the maximum is fine; a partial frame is not idle */
    pp_wrapper_framer_init(&fr, buf, sizeof buf);
    static uint8_t max[8 + 32] = {0x00, 0x01, 0x00, 0x10, 0x00, 0x01, 0x00, 0x20};
    assert_int_equal(feed_all(&fr, max, 20, &g), 0);
    assert_false(pp_wrapper_framer_idle(&fr));
    assert_int_equal(feed_all(&fr, max + 20, sizeof max - 20, &g), 0);
    assert_true(pp_wrapper_framer_idle(&fr));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(framer_split_everywhere),
        cmocka_unit_test(encode_gives_published_bytes),
        cmocka_unit_test(bad_headers_poison_the_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
