/* Power-cut harness for the journal.
 *
 * A scripted workload (single writes, monotonic counters, multi-record
 * transactions over 42 keys; enough to compact the region many times) runs
 * once while every NVM write and erase is traced. The sweep then rebuilds the
 * device image as it was before each traced operation, applies that operation
 * only partly (every byte prefix of a write — a torn page write — or half of
 * an erase), reopens the journal on that image and checks it against a model:
 * every key holds the value committed before the cut, or for the operation in
 * progress the old or the new one; no value is torn; counters never go back;
 * a transaction is all or nothing. Every so many cut points the workload then
 * continues on the recovered image and power is cut a second time (double
 * fault), then once more recovered and finished.
 *
 * Cold keys, written once at the start and never again, make compaction
 * carry records through every segment of the ring.
 *
 * Values encode their version (a global, increasing write number) in their
 * first 4 bytes and a hash of (key, version) in the rest, so a read identifies
 * exactly which write it came from, or that it is torn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fake_port.h"
#include "polyphase/journal.h"
#include "polyphase/nvm_keys.h"

#define NKEYS 48u       /* 40 plain keys, 2 counters, 6 cold keys */
#define COUNTER0 40u
#define COLD0 42u       /* written once at the start (like identity data) */
#define MAX_TXN 6u
#define KEY(k) ((uint16_t)(PP_KEY_TEST_BASE + (k)))

typedef struct op {
    uint8_t n, txn;
    uint16_t key[MAX_TXN]; /* indices 0..NKEYS-1, distinct */
    uint32_t ver[MAX_TXN];
} op_t;

enum { EV_WRITE, EV_ERASE };
typedef struct event {
    uint8_t kind;
    uint32_t addr, len, data, op;
} event_t;

typedef struct dev {
    pp_fake_port_t f;
    pp_port_t port;
    int flash;
    int tracing;
    uint32_t cur_op;
    event_t *ev;
    size_t nev, cap_ev;
    uint8_t *data;
    size_t ndata, cap_data;
} nvmdev_t;

typedef struct cfg {
    const char *name;
    uint32_t page, erase, base, size;
    unsigned nops;
    int full_bytes;     /* every byte boundary, else {0, len/2, len-1} */
    unsigned dbl_every; /* double-fault run every n-th cut point */
} cfg_t;

static pp_journal_t jr;
static char where[160];

/* ---- device: fake port + flash rules + tracing ---- */

static pp_err_t dev_read(void *ctx, uint32_t addr, uint8_t *dst, uint32_t len)
{
    nvmdev_t *d = ctx;
    return d->f.port.nvm_read(&d->f, addr, dst, len);
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) {
        return p;
    }
    *cap = need * 2;
    p = realloc(p, *cap * elem);
    assert_non_null(p);
    return p;
}

static pp_err_t dev_write(void *ctx, uint32_t addr, const uint8_t *src, uint32_t len)
{
    nvmdev_t *d = ctx;
    if (d->flash && d->f.powered) {
        for (uint32_t i = 0; i < len; i++) {
            if (d->f.nvm[addr + i] != 0xFF) {
                fail_msg("%s: flash programmed twice at %u", where, addr + i);
            }
        }
    }
    if (d->tracing) {
        d->ev = grow(d->ev, &d->cap_ev, d->nev + 1, sizeof *d->ev);
        d->data = grow(d->data, &d->cap_data, d->ndata + len, 1);
        memcpy(d->data + d->ndata, src, len);
        d->ev[d->nev++] = (event_t){EV_WRITE, addr, len, (uint32_t)d->ndata, d->cur_op};
        d->ndata += len;
    }
    return d->f.port.nvm_write(&d->f, addr, src, len);
}

static pp_err_t dev_erase(void *ctx, uint32_t addr, uint32_t len)
{
    nvmdev_t *d = ctx;
    if (!d->f.powered) {
        return PP_ERR_NVM;
    }
    assert_int_equal(addr % d->port.nvm.erase_size, 0);
    assert_int_equal(len % d->port.nvm.erase_size, 0);
    if (d->tracing) {
        d->ev = grow(d->ev, &d->cap_ev, d->nev + 1, sizeof *d->ev);
        d->ev[d->nev++] = (event_t){EV_ERASE, addr, len, 0, d->cur_op};
    }
    memset(d->f.nvm + addr, 0xFF, len);
    return PP_OK;
}

static void dev_init(nvmdev_t *d, const cfg_t *c)
{
    memset(d, 0, sizeof *d);
    pp_fake_port_init(&d->f, c->base + c->size, c->page);
    d->port = d->f.port;
    d->port.ctx = d;
    d->port.nvm_read = dev_read;
    d->port.nvm_write = dev_write;
    if (c->erase != 0) {
        d->flash = 1;
        d->port.nvm.erase_size = c->erase;
        d->port.nvm_erase = dev_erase;
    }
}

static void dev_free(nvmdev_t *d)
{
    pp_fake_port_free(&d->f);
    free(d->ev);
    free(d->data);
}

/* ---- workload and model ---- */

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static uint16_t key_len(unsigned k)
{
    if (k >= COLD0) {
        return (uint16_t)(8 + (k - COLD0) * 48u); /* 8..248 */
    }
    if (k >= COUNTER0) {
        return 4;
    }
    if (k == 5) {
        return 200; /* spans many small pages */
    }
    return (uint16_t)(4 + (k * 37u) % 60u);
}

static void gen_value(unsigned k, uint32_t ver, uint8_t *v)
{
    uint16_t len = key_len(k);
    for (int i = 0; i < 4; i++) {
        v[i] = (uint8_t)(ver >> (8 * i));
    }
    uint32_t h = ver * 2654435761u ^ k * 40503u;
    for (uint16_t i = 4; i < len; i++) {
        h = h * 1103515245u + 12345u;
        v[i] = (uint8_t)(h >> 16);
    }
}

static op_t *make_workload(unsigned nops, uint64_t seed)
{
    op_t *ops = calloc(nops, sizeof *ops);
    assert_non_null(ops);
    uint32_t ver = 1;
    for (unsigned i = 0; i < nops; i++) {
        op_t *o = &ops[i];
        unsigned r = (unsigned)(rng_next(&seed) % 100);
        if (i < NKEYS - COLD0) {
            o->n = 1;
            o->key[0] = (uint16_t)(COLD0 + i);
        } else if (r < 25) { /* transaction of 2..MAX_TXN distinct keys */
            o->txn = 1;
            o->n = (uint8_t)(2 + rng_next(&seed) % (MAX_TXN - 1));
            for (unsigned m = 0; m < o->n; m++) {
                uint16_t k;
                int dup;
                do {
                    k = (uint16_t)(rng_next(&seed) % COLD0);
                    dup = 0;
                    for (unsigned q = 0; q < m; q++) {
                        dup |= o->key[q] == k;
                    }
                } while (dup);
                o->key[m] = k;
            }
        } else {
            o->n = 1;
            o->key[0] = (uint16_t)(r < 40 ? COUNTER0 + r % 2 : rng_next(&seed) % COUNTER0);
        }
        for (unsigned m = 0; m < o->n; m++) {
            o->ver[m] = ver++;
        }
    }
    return ops;
}

static pp_err_t run_op(pp_journal_t *j, const op_t *o)
{
    uint8_t v[PP_JOURNAL_MAX_RECORD];
    if (!o->txn) {
        gen_value(o->key[0], o->ver[0], v);
        return pp_journal_write(j, KEY(o->key[0]), v, key_len(o->key[0]));
    }
    PP_TRY(pp_journal_begin(j));
    for (unsigned m = 0; m < o->n; m++) {
        gen_value(o->key[m], o->ver[m], v);
        PP_TRY(pp_journal_stage(j, KEY(o->key[m]), v, key_len(o->key[m])));
    }
    return pp_journal_commit(j);
}

static void apply_op(uint32_t *model, const op_t *o)
{
    for (unsigned m = 0; m < o->n; m++) {
        model[o->key[m]] = o->ver[m];
    }
}

/* Checks the journal against model (+ op in progress); returns 1 when the op
 * in progress took effect, 0 when not. */
static int check_state(pp_journal_t *j, const uint32_t *model, const op_t *inprog)
{
    int outcome = -1;
    for (unsigned k = 0; k < NKEYS; k++) {
        uint8_t v[PP_JOURNAL_MAX_RECORD], want[PP_JOURNAL_MAX_RECORD];
        uint32_t got = 0, newv = 0;
        for (unsigned m = 0; inprog && m < inprog->n; m++) {
            if (inprog->key[m] == k) {
                newv = inprog->ver[m];
            }
        }
        pp_err_t rc = pp_journal_read(j, KEY(k), v, key_len(k));
        if (rc == PP_OK) {
            got = (uint32_t)v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16 |
                  (uint32_t)v[3] << 24;
            gen_value(k, got, want);
            if (memcmp(v, want, key_len(k)) != 0) {
                fail_msg("%s: key %u torn (version field %u)", where, k, got);
            }
        } else if (rc != PP_ERR_NOT_FOUND) {
            fail_msg("%s: key %u read error %d", where, k, rc);
        }
        int is_new = -1; /* fail_msg does not return */
        if (got == model[k]) {
            is_new = 0;
        } else if (newv != 0 && got == newv) {
            is_new = 1;
        } else {
            fail_msg("%s: key %u has version %u, committed %u, in progress %u", where, k, got,
                     model[k], newv);
        }
        if (newv != 0) {
            if (outcome >= 0 && outcome != is_new) {
                fail_msg("%s: transaction applied only in part (key %u)", where, k);
            }
            outcome = is_new;
        }
    }
    return outcome == 1;
}

/* ---- double fault: continue on the recovered image, cut again ---- */

static void double_fault(nvmdev_t *s, const uint32_t *model_in, const op_t *ops, unsigned from,
                         unsigned nops, uint64_t *seed, const cfg_t *c)
{
    uint32_t model[NKEYS];
    memcpy(model, model_in, sizeof model);
    const uint64_t cut = s->f.nvm_writes + 1 + rng_next(seed) % 400;
    pp_fake_cut_power_at(&s->f, (int64_t)cut, (uint32_t)(rng_next(seed) % c->page));
    unsigned i = from;
    const op_t *inprog = NULL;
    for (; i < nops && i < from + 200; i++) {
        if (run_op(&jr, &ops[i]) != PP_OK) {
            inprog = &ops[i];
            i++;
            break;
        }
        apply_op(model, &ops[i]);
    }
    pp_fake_power_on(&s->f);
    if (pp_journal_open(&jr, &s->port, c->base, c->size) != PP_OK) {
        fail_msg("%s: reopen after second cut failed", where);
    }
    if (inprog != NULL && check_state(&jr, model, inprog)) {
        apply_op(model, inprog);
    } else if (inprog == NULL) {
        check_state(&jr, model, NULL);
    }
    for (unsigned n = 0; i < nops && n < 50; i++, n++) { /* and it keeps working */
        pp_err_t rc = run_op(&jr, &ops[i]);
        if (rc != PP_OK) {
            fail_msg("%s: op %u after the second recovery failed: %d", where, i, rc);
        }
        apply_op(model, &ops[i]);
    }
    assert_int_equal(pp_journal_open(&jr, &s->port, c->base, c->size), PP_OK);
    check_state(&jr, model, NULL);
}

/* ---- the sweep ---- */

static unsigned cut_points(const event_t *e, const cfg_t *c, uint32_t *pts)
{
    if (e->kind == EV_ERASE) {
        pts[0] = 0; /* untouched */
        pts[1] = 1; /* first half erased */
        pts[2] = 2; /* second half erased */
        return 3;
    }
    if (c->full_bytes) {
        for (uint32_t b = 0; b < e->len; b++) {
            pts[b] = b;
        }
        return e->len;
    }
    unsigned n = 0;
    pts[n++] = 0;
    if (e->len / 2 > 0) {
        pts[n++] = e->len / 2;
    }
    if (e->len - 1 > e->len / 2) {
        pts[n++] = e->len - 1;
    }
    return n;
}

static void apply_event(uint8_t *img, const nvmdev_t *t, const event_t *e, uint32_t part)
{
    if (e->kind == EV_WRITE) {
        memcpy(img + e->addr, t->data + e->data, part);
    } else if (part == 1) {
        memset(img + e->addr, 0xFF, e->len / 2);
    } else if (part == 2) {
        memset(img + e->addr + e->len / 2, 0xFF, e->len - e->len / 2);
    } else if (part == 3) {
        memset(img + e->addr, 0xFF, e->len);
    }
}

static unsigned long run_sweep(const cfg_t *c)
{
    static nvmdev_t t, s; /* traced run, scratch for each cut */
    clock_t t0 = clock();
    op_t *ops = make_workload(c->nops, 0x5EED0000u + c->page + c->erase);
    dev_init(&t, c);
    t.tracing = 1;
    snprintf(where, sizeof where, "%s traced run", c->name);
    assert_int_equal(pp_journal_open(&jr, &t.port, c->base, c->size), PP_OK);
    uint32_t live[NKEYS] = {0};
    for (unsigned i = 0; i < c->nops; i++) {
        t.cur_op = i;
        assert_int_equal(run_op(&jr, &ops[i]), PP_OK);
        apply_op(live, &ops[i]);
        if (i % 16 == 0) { /* the running journal reads back right too */
            check_state(&jr, live, NULL);
        }
    }
    const uint64_t compactions = pp_journal_stats(&jr)->compactions;
    assert_true(compactions >= 4); /* several full turns of the tail */

    dev_init(&s, c);
    const uint32_t devsize = c->base + c->size;
    uint8_t *img = malloc(devsize);
    assert_non_null(img);
    memset(img, 0xFF, devsize);
    uint32_t model[NKEYS] = {0};
    unsigned applied = 0;
    unsigned long tested = 0, doubles = 0;
    uint64_t seed = 12345;
    uint32_t *pts = malloc(sizeof *pts * (c->page > 3 ? c->page : 3));
    for (size_t ei = 0; ei < t.nev; ei++) {
        const event_t *e = &t.ev[ei];
        while (applied < e->op) {
            apply_op(model, &ops[applied++]);
        }
        unsigned np = cut_points(e, c, pts);
        for (unsigned p = 0; p < np; p++) {
            snprintf(where, sizeof where, "%s: cut in NVM op %zu (op %u of workload) at %u",
                     c->name, ei, e->op, pts[p]);
            memcpy(s.f.nvm, img, devsize);
            apply_event(s.f.nvm, &t, e, pts[p]);
            pp_fake_power_on(&s.f);
            if (pp_journal_open(&jr, &s.port, c->base, c->size) != PP_OK) {
                fail_msg("%s: reopen failed", where);
            }
            int took = check_state(&jr, model, &ops[e->op]);
            tested++;
            if (c->dbl_every != 0 && tested % c->dbl_every == 0) {
                uint32_t m2[NKEYS];
                memcpy(m2, model, sizeof m2);
                if (took) {
                    apply_op(m2, &ops[e->op]);
                }
                double_fault(&s, m2, ops, e->op + 1, c->nops, &seed, c);
                doubles++;
            }
        }
        apply_event(img, &t, e, e->kind == EV_WRITE ? e->len : 3);
    }
    /* the completed run recovers everything */
    while (applied < c->nops) {
        apply_op(model, &ops[applied++]);
    }
    memcpy(s.f.nvm, img, devsize);
    pp_fake_power_on(&s.f);
    snprintf(where, sizeof where, "%s: final image", c->name);
    assert_int_equal(pp_journal_open(&jr, &s.port, c->base, c->size), PP_OK);
    check_state(&jr, model, NULL);
    printf("powercut %-28s %5u ops %6zu NVM ops %7lu cut points %5lu double faults "
           "%4llu compactions  %.1f s\n",
           c->name, c->nops, t.nev, tested, doubles, (unsigned long long)compactions,
           (double)(clock() - t0) / CLOCKS_PER_SEC);
    free(pts);
    free(img);
    free(ops);
    dev_free(&t);
    dev_free(&s);
    return tested;
}

static unsigned long total_tested;

static void eeprom_page16_every_byte(void **state)
{
    (void)state;
    cfg_t c = {"eeprom p16 every byte", 16, 0, 0, 40960, 800, 1, 61};
    total_tested += run_sweep(&c);
}

static void eeprom_page64_every_write_large(void **state)
{
    (void)state;
    cfg_t c = {"eeprom p64 every write", 64, 0, 65536, 65536, 4000, 0, 149};
    total_tested += run_sweep(&c);
}

static void flash_every_byte(void **state)
{
    (void)state;
    cfg_t c = {"flash p256 e4096 every byte", 256, 4096, 0, 40960, 800, 1, 61};
    total_tested += run_sweep(&c);
}

static void eeprom_page4096_every_write(void **state)
{
    (void)state;
    cfg_t c = {"eeprom p4096 every write", 4096, 0, 0, 65536, 4000, 0, 101};
    total_tested += run_sweep(&c);
}

static void flash_page16_every_write(void **state)
{
    (void)state;
    cfg_t c = {"flash p16 e8192 every write", 16, 8192, 0, 65536, 2500, 0, 97};
    total_tested += run_sweep(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eeprom_page16_every_byte),
        cmocka_unit_test(eeprom_page64_every_write_large),
        cmocka_unit_test(flash_every_byte),
        cmocka_unit_test(eeprom_page4096_every_write),
        cmocka_unit_test(flash_page16_every_write),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    printf("powercut: %lu cut points tested in total\n", total_tested);
    return rc;
}
