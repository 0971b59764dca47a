/* The port's CRC-32 hook on the host (pp_port_t.crc32_update): carry-less
 * multiply (x86-64 PCLMULQDQ) when the CPU has it, else none (the core then
 * uses its table code). The choice is made once, by pp_host_crc32_select(),
 * when a port is set up; the functions never test the CPU per call. */
#ifndef PP_HOST_CRC32_H
#define PP_HOST_CRC32_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t (*pp_host_crc32_fn)(void *ctx, uint32_t crc, const void *data, size_t len);

/* The fastest CRC-32 update this CPU runs, or NULL (table code). Setting
 * PP_HOST_CRC32=table in the environment forces NULL, for comparisons. */
pp_host_crc32_fn pp_host_crc32_select(void);

/* PCLMULQDQ version, same semantics as pp_crc32_update() (ctx unused).
 * Only call it when pp_host_crc32_clmul_available() says so. Inputs shorter
 * than 16 bytes go to pp_crc32_update(). */
uint32_t pp_host_crc32_clmul(void *ctx, uint32_t crc, const void *data, size_t len);
int pp_host_crc32_clmul_available(void);

#endif
