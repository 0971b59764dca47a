/* WAV reader: files built byte by byte here (RIFF layout from the Microsoft
 * WAVE specification), decoded values checked by hand, every malformed file
 * refused with its specific message, and an end-to-end run through metrology
 * of a float file whose samples are computed here with sin(). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wav.h"

typedef struct bytes {
    uint8_t d[1 << 20];
    size_t n;
} bytes_t;

static void put(bytes_t *b, const void *p, size_t n)
{
    memcpy(b->d + b->n, p, n);
    b->n += n;
}

static void le(bytes_t *b, uint32_t v, unsigned n)
{
    for (unsigned j = 0; j < n; j++) {
        b->d[b->n++] = (uint8_t)(v >> (8 * j));
    }
}

/* header with fmt (format tag, channels, rate, bits) and a data chunk of
 * data_len bytes announced; the caller appends the samples. */
static void header(bytes_t *b, unsigned fmt, unsigned ch, uint32_t rate, unsigned bits, uint32_t data_len)
{
    b->n = 0;
    put(b, "RIFF", 4);
    le(b, 36 + data_len, 4);
    put(b, "WAVE", 4);
    put(b, "LIST", 4); /* an unrelated chunk first, to be skipped */
    le(b, 4, 4);
    put(b, "INFO", 4);
    put(b, "fmt ", 4);
    le(b, 16, 4);
    le(b, fmt, 2);
    le(b, ch, 2);
    le(b, rate, 4);
    le(b, rate * ch * bits / 8, 4);
    le(b, ch * bits / 8, 2);
    le(b, bits, 2);
    put(b, "data", 4);
    le(b, data_len, 4);
}

static const char *save(const bytes_t *b)
{
    static char path[] = "/tmp/pp_test_wav_XXXXXX";
    strcpy(path, "/tmp/pp_test_wav_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "wb");
    fwrite(b->d, 1, b->n, fp);
    fclose(fp);
    return path;
}

static void putf(bytes_t *b, float x)
{
    uint32_t v;
    memcpy(&v, &x, 4);
    le(b, v, 4);
}

/* float: 100 V -> 100 / (500 / 8388607) = 1677721.4 -> 1677721;
 * 2.5 A -> 2.5 / (250 / 8388607) = 83886.07 -> 83886; In channel present. */
static void float_seven_channels(void **state)
{
    (void)state;
    static bytes_t b;
    header(&b, 3, 7, 8000, 32, 2 * 7 * 4);
    for (int s = 0; s < 2; s++) {
        float v[7] = {100.0f, -100.0f, 0, 2.5f, -2.5f, 0, 1.0f};
        for (int c = 0; c < 7; c++) {
            putf(&b, v[c]);
        }
    }
    const char *path = save(&b);
    pp_wav_t w;
    char err[160];
    assert_int_equal(pp_wav_open(&w, path, 0, 0, err, sizeof err), 0);
    assert_int_equal(w.frames, 2);
    pp_adc_block_t blk[4];
    assert_int_equal(pp_wav_read(&w, blk, 4, err, sizeof err), 2);
    assert_int_equal(blk[1].code[0], 1677721);
    assert_int_equal(blk[1].code[1], -1677721);
    assert_int_equal(blk[1].code[3], 83886);
    assert_int_equal(blk[1].code[4], -83886);
    assert_int_equal(blk[1].code[6], 33554); /* 1 A */
    assert_int_equal(pp_wav_read(&w, blk, 4, err, sizeof err), 0);
    pp_metrology_config_t cfg;
    pp_wav_metrology_config(&w, &cfg);
    assert_true(cfg.has_neutral);
    pp_wav_close(&w);
    remove(path);
}

/* PCM 16, 24, 32 bit: 1000 -> 1000; 24-bit FF FF FF -> -1; 32-bit 0x00000100
 * -> 1 after dropping 8 bits (scale x 256). */
static void pcm_widths(void **state)
{
    (void)state;
    static bytes_t b;
    char err[160];
    pp_wav_t w;
    pp_adc_block_t blk[1];
    header(&b, 1, 6, 4000, 16, 12);
    for (int c = 0; c < 6; c++) {
        le(&b, c == 0 ? 1000u : (uint32_t)(uint16_t)-2, 2);
    }
    const char *path = save(&b);
    assert_int_equal(pp_wav_open(&w, path, 0.01, 0.001, err, sizeof err), 0);
    assert_int_equal(pp_wav_read(&w, blk, 1, err, sizeof err), 1);
    assert_int_equal(blk[0].code[0], 1000);
    assert_int_equal(blk[0].code[5], -2);
    assert_float_equal(w.u_scale, 0.01, 1e-12);
    pp_wav_close(&w);
    header(&b, 1, 6, 4000, 24, 18);
    for (int c = 0; c < 6; c++) {
        le(&b, c == 0 ? 0xFFFFFFu : 0x000100u, 3);
    }
    path = save(&b);
    assert_int_equal(pp_wav_open(&w, path, 0.01, 0.001, err, sizeof err), 0);
    assert_int_equal(pp_wav_read(&w, blk, 1, err, sizeof err), 1);
    assert_int_equal(blk[0].code[0], -1);
    assert_int_equal(blk[0].code[1], 256);
    pp_wav_close(&w);
    header(&b, 1, 6, 4000, 32, 24);
    for (int c = 0; c < 6; c++) {
        le(&b, c == 0 ? 0x100u : 0xFFFFFF00u, 4);
    }
    path = save(&b);
    assert_int_equal(pp_wav_open(&w, path, 0.5, 0.25, err, sizeof err), 0);
    assert_int_equal(pp_wav_read(&w, blk, 1, err, sizeof err), 1);
    assert_int_equal(blk[0].code[0], 1);
    assert_int_equal(blk[0].code[2], -1);
    assert_float_equal(w.u_scale, 128.0, 1e-12);
    pp_wav_close(&w);
    remove(path);
}

static void expect_refused(bytes_t *b, double us, double is, const char *msg)
{
    const char *path = save(b);
    pp_wav_t w;
    char err[160] = "";
    int rc = pp_wav_open(&w, path, us, is, err, sizeof err);
    if (rc == 0) {
        pp_adc_block_t blk[64];
        rc = (int)pp_wav_read(&w, blk, 64, err, sizeof err);
        pp_wav_close(&w);
    }
    remove(path);
    assert_int_equal(rc, -1);
    if (strstr(err, msg) == NULL) {
        fail_msg("expected '%s', got '%s'", msg, err);
    }
}

static void bad_files_refused(void **state)
{
    (void)state;
    static bytes_t b;
    header(&b, 3, 6, 8000, 32, 24);
    memcpy(b.d, "RIFX", 4);
    expect_refused(&b, 0, 0, "not a RIFF file");
    header(&b, 3, 6, 8000, 32, 24);
    memcpy(b.d + 8, "AVI ", 4);
    expect_refused(&b, 0, 0, "not WAVE");
    header(&b, 3, 5, 8000, 32, 20);
    expect_refused(&b, 0, 0, "need 6 or 7 channels");
    header(&b, 3, 6, 44100, 32, 24);
    expect_refused(&b, 0, 0, "sample rate outside 4000..8000");
    header(&b, 3, 6, 8000, 64, 48);
    expect_refused(&b, 0, 0, "float samples must be 32-bit");
    header(&b, 1, 6, 8000, 8, 6);
    expect_refused(&b, 1, 1, "PCM samples must be 16, 24 or 32 bits");
    header(&b, 2, 6, 8000, 16, 12);
    expect_refused(&b, 1, 1, "unsupported sample format");
    header(&b, 1, 6, 8000, 16, 12);
    expect_refused(&b, 0, 0, "needs --u-scale and --i-scale");
    header(&b, 3, 6, 8000, 32, 240); /* 10 sets announced, none present */
    putf(&b, 1.0f);
    expect_refused(&b, 0, 0, "data chunk truncated after 0 sample sets");
    header(&b, 3, 6, 8000, 32, 24);
    b.n -= 8; /* cut the data chunk header */
    expect_refused(&b, 0, 0, "no data chunk");
    header(&b, 3, 6, 8000, 32, 24);
    for (int c = 0; c < 6; c++) {
        putf(&b, c == 2 ? 1e6f : 0.0f);
    }
    expect_refused(&b, 0, 0, "sample set 0 beyond");
    header(&b, 3, 6, 8000, 32, 24);
    for (int c = 0; c < 6; c++) {
        putf(&b, c == 4 ? NAN : 0.0f);
    }
    expect_refused(&b, 0, 0, "not finite");
    b.n = 0;
    put(&b, "RIFF\x04\0\0\0WAVEdata\x10\0\0\0", 20);
    expect_refused(&b, 0, 0, "data chunk before fmt chunk");
    b.n = 0;
    expect_refused(&b, 0, 0, "not a RIFF file");
    pp_wav_t w;
    char err[160];
    assert_int_equal(pp_wav_open(&w, "/nonexistent/x.wav", 0, 0, err, sizeof err), -1);
    assert_string_equal(err, "cannot open the file");
}

/* End to end: 2 s of 230 V / 10 A at PF 1, 50 Hz, 8 kHz, computed here:
 * P = 2300 W per phase. */
static void float_file_through_metrology(void **state)
{
    (void)state;
    static bytes_t b;
    header(&b, 3, 6, 8000, 32, 2 * 8000 * 6 * 4);
    for (int n = 0; n < 16000; n++) {
        for (int c = 0; c < 6; c++) {
            double ph = 2 * M_PI * 50 * n / 8000.0 - (c % 3) * 2 * M_PI / 3;
            putf(&b, (float)(c < 3 ? 230 * M_SQRT2 * cos(ph) : 10 * M_SQRT2 * cos(ph)));
        }
    }
    const char *path = save(&b);
    pp_wav_t w;
    char err[160];
    assert_int_equal(pp_wav_open(&w, path, 0, 0, err, sizeof err), 0);
    pp_metrology_config_t cfg;
    pp_wav_metrology_config(&w, &cfg);
    pp_metrology_t *m = malloc(sizeof *m);
    assert_int_equal(pp_metrology_init(m, &cfg), PP_OK);
    pp_adc_block_t *blk = malloc(sizeof *blk * 8000);
    pp_frame_t f;
    for (int s = 0; s < 2; s++) {
        assert_int_equal(pp_wav_read(&w, blk, 8000, err, sizeof err), 8000);
        assert_int_equal(pp_metrology_feed(m, blk, 8000, &f, 1), 1);
    }
    for (int k = 0; k < 3; k++) {
        assert_float_equal(f.phase[k].p_w, 2300.0, 0.05);
        assert_float_equal(f.phase[k].u_rms_v, 230.0, 0.005);
    }
    pp_wav_close(&w);
    remove(path);
    free(blk);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(float_seven_channels),
        cmocka_unit_test(pcm_widths),
        cmocka_unit_test(bad_files_refused),
        cmocka_unit_test(float_file_through_metrology),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
