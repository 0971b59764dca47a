/* How the permanent memory is divided. One fixed map for every configuration,
 * so capacities (and the data sheet's logging depths) never depend on options.
 * Regions are page-aligned for any page size up to 4 KiB. */
#ifndef POLYPHASE_NVM_LAYOUT_H
#define POLYPHASE_NVM_LAYOUT_H

#define PP_NVM_JOURNAL_BASE       0x000000u /* registers, counters, settings */
#define PP_NVM_JOURNAL_SIZE       0x020000u /* 128 KiB */
#define PP_NVM_LOAD_PROFILE_BASE  0x020000u
#define PP_NVM_LOAD_PROFILE_SIZE  0x090000u /* 576 KiB: 554,400 B of entries + headers */
#define PP_NVM_ANALYSIS_BASE      0x0B0000u
#define PP_NVM_ANALYSIS_SIZE      0x048000u /* 288 KiB */
#define PP_NVM_EVENTS_BASE        0x0F8000u
#define PP_NVM_EVENTS_SIZE        0x020000u /* 128 KiB for all event logs */
#define PP_NVM_BILLING_BASE       0x118000u
#define PP_NVM_BILLING_SIZE       0x008000u /* 32 KiB debiting logger */
#define PP_NVM_FIRMWARE_BASE      0x120000u
#define PP_NVM_FIRMWARE_SIZE      0x0E0000u /* 896 KiB image staging */
#define PP_NVM_TOTAL_SIZE         0x200000u /* 2 MiB device */

#if PP_NVM_FIRMWARE_BASE + PP_NVM_FIRMWARE_SIZE > PP_NVM_TOTAL_SIZE
#error "NVM regions exceed the device"
#endif

#endif
