/* Journal record keys, one range per module; a key's meaning never changes
 * once released (existing NVM images depend on it). */
#ifndef POLYPHASE_NVM_KEYS_H
#define POLYPHASE_NVM_KEYS_H

enum {
    PP_KEY_IDENTITY_BASE = 0x0100,   /* meter number, codes, manufacturer flag */
    PP_KEY_CLOCK_BASE = 0x0200,      /* clock settings, last known time */
    PP_KEY_LEGAL_BASE = 0x0300,      /* legal energy registers, calibration */
    PP_KEY_TARIFF_BASE = 0x0400,     /* tariff registers, calendar */
    PP_KEY_DEMAND_BASE = 0x0500,     /* demand state and maxima */
    PP_KEY_BILLING_BASE = 0x0600,    /* debiting period state */
    PP_KEY_PROFILE_BASE = 0x0700,    /* logger heads and settings */
    PP_KEY_EVENTS_BASE = 0x0800,     /* event counters */
    PP_KEY_SECURITY_BASE = 0x0900,   /* keys, invocation counters, passwords */
    PP_KEY_DISPLAY_BASE = 0x0A00,    /* display lists */
    PP_KEY_BREAKER_BASE = 0x0B00,    /* breaker, prepayment */
    PP_KEY_COMM_BASE = 0x0C00,       /* port settings, readout lists */
    PP_KEY_FIRMWARE_BASE = 0x0D00,   /* image transfer state */
    PP_KEY_TEST_BASE = 0x7F00        /* unit tests only */
};

#endif
