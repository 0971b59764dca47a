/* Multichannel WAV reader (see wav.h). RIFF little-endian chunks: "fmt "
 * (format 1 PCM, 3 IEEE float or 0xFFFE extensible with either sub-format)
 * and "data"; other chunks are skipped. */
#include "wav.h"

#include <math.h>
#include <string.h>

/* Float files are converted to 24-bit codes over the meter's ranges. */
#define FLOAT_U_SCALE (500.0 / 8388607.0)  /* +-500 V peak */
#define FLOAT_I_SCALE (250.0 / 8388607.0)  /* +-250 A peak */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static int refuse(pp_wav_t *w, char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    if (w->fp != NULL) {
        fclose(w->fp);
        w->fp = NULL;
    }
    return -1;
}

static int parse_fmt(pp_wav_t *w, const uint8_t *b, uint32_t len, char *err, size_t errlen)
{
    if (len < 16) {
        return refuse(w, err, errlen, "fmt chunk shorter than 16 bytes");
    }
    unsigned fmt = le16(b), bits = le16(b + 14);
    w->channels = le16(b + 2);
    w->rate = le32(b + 4);
    if (fmt == 0xFFFE) {
        if (len < 40) {
            return refuse(w, err, errlen, "extensible fmt chunk shorter than 40 bytes");
        }
        fmt = le16(b + 24); /* first two bytes of the sub-format GUID */
    }
    if (fmt != 1 && fmt != 3) {
        return refuse(w, err, errlen, "unsupported sample format (need PCM or IEEE float)");
    }
    w->is_float = fmt == 3;
    w->bits = bits;
    if (w->is_float && bits != 32) {
        return refuse(w, err, errlen, "float samples must be 32-bit");
    }
    if (!w->is_float && bits != 16 && bits != 24 && bits != 32) {
        return refuse(w, err, errlen, "PCM samples must be 16, 24 or 32 bits");
    }
    if (w->channels != 6 && w->channels != 7) {
        return refuse(w, err, errlen, "need 6 or 7 channels (U1 U2 U3 I1 I2 I3 [In])");
    }
    if (w->rate < PP_METROLOGY_RATE_MIN || w->rate > PP_METROLOGY_RATE_MAX) {
        return refuse(w, err, errlen, "sample rate outside 4000..8000 Hz");
    }
    if (le16(b + 12) != w->channels * bits / 8) {
        return refuse(w, err, errlen, "block align does not match channels and bits");
    }
    return 0;
}

int pp_wav_open(pp_wav_t *w, const char *path, double u_scale, double i_scale,
                char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    w->fp = fopen(path, "rb");
    if (w->fp == NULL) {
        return refuse(w, err, errlen, "cannot open the file");
    }
    uint8_t hdr[12], ck[8], fmt[64];
    if (fread(hdr, 1, 12, w->fp) != 12 || memcmp(hdr, "RIFF", 4) != 0) {
        return refuse(w, err, errlen, "not a RIFF file");
    }
    if (memcmp(hdr + 8, "WAVE", 4) != 0) {
        return refuse(w, err, errlen, "RIFF file is not WAVE");
    }
    bool have_fmt = false;
    for (;;) {
        if (fread(ck, 1, 8, w->fp) != 8) {
            return refuse(w, err, errlen, have_fmt ? "no data chunk" : "no fmt chunk");
        }
        uint32_t len = le32(ck + 4);
        if (memcmp(ck, "fmt ", 4) == 0) {
            if (len > sizeof fmt || fread(fmt, 1, len, w->fp) != len) {
                return refuse(w, err, errlen, "fmt chunk truncated or too long");
            }
            if (parse_fmt(w, fmt, len, err, errlen) != 0) {
                return -1;
            }
            have_fmt = true;
            if (len & 1) {
                fseek(w->fp, 1, SEEK_CUR);
            }
        } else if (memcmp(ck, "data", 4) == 0) {
            if (!have_fmt) {
                return refuse(w, err, errlen, "data chunk before fmt chunk");
            }
            w->frames = len / (w->channels * w->bits / 8);
            break;
        } else if (fseek(w->fp, (long)len + (len & 1), SEEK_CUR) != 0) {
            return refuse(w, err, errlen, "chunk runs past the end of the file");
        }
    }
    if (w->frames == 0) {
        return refuse(w, err, errlen, "data chunk holds no samples");
    }
    if (w->is_float) {
        w->u_scale = FLOAT_U_SCALE;
        w->i_scale = FLOAT_I_SCALE;
    } else {
        if (!(u_scale > 0) || !(i_scale > 0) || !isfinite(u_scale) || !isfinite(i_scale)) {
            return refuse(w, err, errlen, "integer PCM needs --u-scale and --i-scale (V and A per code, > 0)");
        }
        w->shift = w->bits == 32 ? 8 : 0;
        w->u_scale = u_scale * (1u << w->shift);
        w->i_scale = i_scale * (1u << w->shift);
    }
    return 0;
}

static int32_t sample(const pp_wav_t *w, const uint8_t *p, unsigned ch, bool *range)
{
    if (w->is_float) {
        uint32_t b = le32(p);
        float x;
        memcpy(&x, &b, sizeof x);
        double code = nearbyint((double)x / (ch < 3 ? w->u_scale : w->i_scale));
        if (!(fabs(code) <= PP_METROLOGY_CODE_MAX)) {
            *range = false;
            return 0;
        }
        return (int32_t)code;
    }
    if (w->bits == 16) {
        return (int16_t)le16(p);
    }
    if (w->bits == 24) {
        int32_t v = (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16);
        return v & 0x800000 ? v - 0x1000000 : v;
    }
    return (int32_t)le32(p) >> 8; /* arithmetic shift of a two's complement value */
}

long pp_wav_read(pp_wav_t *w, pp_adc_block_t *dst, size_t max, char *err, size_t errlen)
{
    uint8_t buf[7 * 4 * 256];
    size_t fsz = w->channels * w->bits / 8, done = 0;
    while (done < max && w->read < w->frames) {
        size_t want = max - done;
        if (want > sizeof buf / fsz) {
            want = sizeof buf / fsz;
        }
        if (want > w->frames - w->read) {
            want = (size_t)(w->frames - w->read);
        }
        if (fread(buf, fsz, want, w->fp) != want) {
            snprintf(err, errlen, "data chunk truncated after %llu sample sets",
                     (unsigned long long)w->read);
            return -1;
        }
        for (size_t j = 0; j < want; j++) {
            bool ok = true;
            pp_adc_block_t *b = &dst[done + j];
            for (unsigned c = 0; c < PP_ADC_CHANNELS; c++) {
                b->code[c] = c < w->channels ? sample(w, buf + j * fsz + c * w->bits / 8, c, &ok) : 0;
            }
            if (!ok) {
                snprintf(err, errlen, "sample set %llu beyond +-500 V / +-250 A (or not finite)",
                         (unsigned long long)(w->read + j));
                return -1;
            }
        }
        done += want;
        w->read += want;
    }
    return (long)done;
}

void pp_wav_metrology_config(const pp_wav_t *w, pp_metrology_config_t *cfg)
{
    pp_metrology_config_default(cfg, w->rate);
    for (unsigned k = 0; k < PP_PHASES; k++) {
        cfg->scale[k] = (float)w->u_scale;
        cfg->scale[3 + k] = (float)w->i_scale;
    }
    cfg->scale[6] = (float)w->i_scale;
    cfg->has_neutral = w->channels == 7;
}

void pp_wav_close(pp_wav_t *w)
{
    if (w->fp != NULL) {
        fclose(w->fp);
        w->fp = NULL;
    }
}
