/* Internal pieces of metrology shared between its source files (legal part). */
#ifndef PP_LEGAL_METROLOGY_PRIV_H
#define PP_LEGAL_METROLOGY_PRIV_H

#include "polyphase/metrology.h"

/* Fills the twiddle table (N/2 cos, -sin pairs) for the THD transform. */
void pp_metrology_thd_init(float *twiddle);
/* THD of U and I in percent from one resampled 10-cycle window holding u in
 * the real and i in the imaginary parts; destroys buf. */
void pp_metrology_thd_compute(float *buf, const float *twiddle, float *thd_u, float *thd_i);

#endif
