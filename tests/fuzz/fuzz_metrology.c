/* Fuzz target for metrology: any 24-bit sample stream (the port contract)
 * with any valid configuration must give frames without NaN or infinity and
 * never crash. Input: 4 bytes of configuration, then samples as 3-byte
 * little-endian signed codes, 7 per set, cycled to fill 2.5 seconds. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "polyphase/metrology.h"

static void check_frame(const pp_frame_t *f)
{
    for (unsigned k = 0; k < PP_PHASES; k++) {
        const pp_phase_frame_t *p = &f->phase[k];
        const float v[12] = {p->u_rms_v, p->i_rms_a, p->p_w, p->q_var, p->s_va, p->pf,
                             p->thd_u_pct, p->thd_i_pct, p->angle_u_deg, p->angle_ui_deg,
                             p->u_rms_min_v, p->u_rms_max_v};
        for (unsigned j = 0; j < 12; j++) {
            if (!isfinite(v[j])) {
                abort();
            }
        }
    }
    if (!isfinite(f->f_hz) || !isfinite(f->f_fast_hz) || !isfinite(f->i_neutral_a) ||
        !isfinite(f->p_w) || !isfinite(f->pf)) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4 + 21) {
        return 0;
    }
    pp_metrology_config_t cfg;
    pp_metrology_config_default(&cfg, 4000u + (data[0] % 5u) * 1000u);
    cfg.has_neutral = data[1] & 1;
    for (unsigned c = 0; c < PP_ADC_CHANNELS; c++) {
        cfg.scale[c] = (c < 3 ? 6e-5f : 3e-5f) * (1.0f + (float)(data[2] % 16u));
    }
    cfg.cal[0].phase_deg = (float)((int)(data[3] % 21u) - 10);
    pp_metrology_t *m = malloc(sizeof *m);
    if (m == NULL || pp_metrology_init(m, &cfg) != PP_OK) {
        abort();
    }
    const uint8_t *s = data + 4;
    size_t sets = (size_t)(size - 4) / 21, total = cfg.sample_rate_hz * 5u / 2u;
    pp_adc_block_t blk[97];
    pp_frame_t f[2];
    size_t pos = 0;
    while (total > 0) {
        size_t n = total < 97 ? total : 97;
        for (size_t j = 0; j < n; j++, pos++) {
            const uint8_t *p = s + (pos % sets) * 21;
            for (unsigned c = 0; c < PP_ADC_CHANNELS; c++) {
                int32_t v = (int32_t)((uint32_t)p[3 * c] | (uint32_t)p[3 * c + 1] << 8 |
                                      (uint32_t)p[3 * c + 2] << 16);
                blk[j].code[c] = (v & 0x800000) ? v - 0x1000000 : v;
                if (blk[j].code[c] < -PP_METROLOGY_CODE_MAX) {
                    blk[j].code[c] = -PP_METROLOGY_CODE_MAX;
                }
            }
        }
        int rc = pp_metrology_feed(m, blk, n, f, 2);
        if (rc < 0) {
            abort();
        }
        for (int j = 0; j < rc; j++) {
            check_frame(&f[j]);
        }
        total -= n;
    }
    free(m);
    return 0;
}
