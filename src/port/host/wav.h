/* Multichannel WAV reader (host) for `polyphase simulate --samples`.
 * Channels in order U1 U2 U3 I1 I2 I3 [In] (6 or 7). Float32 files hold volts
 * and amperes; integer PCM (16, 24 or 32 bit) holds codes scaled by the
 * --u-scale / --i-scale factors (V or A per code). Bad files are refused with
 * a message saying what is wrong. */
#ifndef PP_HOST_WAV_H
#define PP_HOST_WAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "polyphase/metrology.h"

typedef struct pp_wav {
    FILE *fp;
    uint32_t rate;
    unsigned channels;       /* 6 or 7 */
    unsigned bits;           /* 16, 24 or 32 */
    bool is_float;
    uint64_t frames;         /* sample sets in the data chunk */
    uint64_t read;           /* sample sets read so far */
    double u_scale, i_scale; /* V, A per code of the blocks produced */
    unsigned shift;          /* 32-bit PCM is reduced to 24 bits */
} pp_wav_t;

/* Opens and checks the file. u_scale/i_scale are required (> 0) for PCM and
 * ignored for float. Returns 0, or -1 with a message in err. */
int pp_wav_open(pp_wav_t *w, const char *path, double u_scale, double i_scale,
                char *err, size_t errlen);
/* Reads up to max sample sets as ADC codes; returns the count (0 at the end),
 * or -1 with a message (truncated file, sample beyond the 24-bit range). */
long pp_wav_read(pp_wav_t *w, pp_adc_block_t *dst, size_t max, char *err, size_t errlen);
/* Metrology configuration matching the blocks pp_wav_read produces. */
void pp_wav_metrology_config(const pp_wav_t *w, pp_metrology_config_t *cfg);
void pp_wav_close(pp_wav_t *w);

#endif
