/* Cyclic redundancy checks used across the meter.
 *
 * CRC-16/X-25 (a.k.a. CRC-16/IBM-SDLC, the HDLC FCS of ISO/IEC 13239 used by
 * IEC 62056-46 and the FCS/HCS of DLMS HDLC frames): polynomial 0x1021
 * reflected, init 0xFFFF, final xor 0xFFFF. Check value "123456789" -> 0x906E.
 * On the wire the FCS is sent least significant byte first.
 *
 * CRC-32/ISO-HDLC (the zlib/Ethernet CRC): polynomial 0x04C11DB7 reflected,
 * init 0xFFFFFFFF, final xor 0xFFFFFFFF. Check "123456789" -> 0xCBF43926.
 *
 * Pure functions, no state outside the arguments. Incremental use:
 *   uint16_t c = pp_crc16_x25_init();
 *   c = pp_crc16_x25_update(c, part1, n1);
 *   c = pp_crc16_x25_update(c, part2, n2);
 *   uint16_t fcs = pp_crc16_x25_final(c);
 * gives the same value as pp_crc16_x25() over part1||part2. */
#ifndef POLYPHASE_CRC_H
#define POLYPHASE_CRC_H

#include <stddef.h>
#include <stdint.h>

/* Register value (before the final xor) after running the update over a
 * whole frame including its correct FCS (LSB first): a receiver can check a
 * frame with one pass and compare against this constant. */
#define PP_CRC16_X25_RESIDUE 0xF0B8u
/* Same for CRC-32/ISO-HDLC with the CRC appended LSB first. */
#define PP_CRC32_RESIDUE 0xDEBB20E3u

uint16_t pp_crc16_x25_init(void);
uint16_t pp_crc16_x25_update(uint16_t crc, const void *data, size_t len);
uint16_t pp_crc16_x25_final(uint16_t crc);
/* One-shot: init, update over data, final. data may be NULL when len is 0. */
uint16_t pp_crc16_x25(const void *data, size_t len);

uint32_t pp_crc32_init(void);
uint32_t pp_crc32_update(uint32_t crc, const void *data, size_t len);
uint32_t pp_crc32_final(uint32_t crc);
uint32_t pp_crc32(const void *data, size_t len);

#endif
