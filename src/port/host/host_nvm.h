/* NVM image file for the virtual meter: one file per meter, holding a text
 * header (4 KiB) that names the image and its geometry, then the NVM bytes.
 *
 * File format (compatible with the images host_port.c creates):
 *   "POLYPHASE-NVM-1\n" "size=<bytes>\n" "page=<bytes>\n" "erase=<bytes>\n"
 *   then optional "erased=<0..255>\n" (when not 255) and "meter=<id>\n",
 *   zero-padded to 4096 bytes; the NVM bytes follow at offset 4096.
 *
 * Flush policy: the file is mapped MAP_SHARED, so every write lands in the
 * kernel page cache before pp_host_nvm_write returns. Killing the process
 * (SIGKILL, crash, abort) loses nothing written; the journal then recovers
 * exactly as after a power cut between two NVM writes. A host OS crash or
 * power loss can lose writes the kernel had not yet flushed; open with
 * sync = true to msync(MS_SYNC) every write (much slower) when that matters.
 *
 * A file is refused with a message naming the problem when it is not an
 * image, has another geometry or size, belongs to another meter, or is in use
 * by another process (an exclusive flock is held while open). */
#ifndef PP_HOST_NVM_H
#define PP_HOST_NVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/port.h"

#define PP_HOST_NVM_HEADER_LEN 4096u
#define PP_HOST_NVM_MAGIC "POLYPHASE-NVM-1\n"
#define PP_HOST_NVM_ID_MAX 63u

typedef struct pp_host_nvm {
    int fd;                 /* -1 when closed */
    uint8_t *map;           /* header + NVM bytes, shared mapping */
    size_t map_len;
    uint8_t *data;          /* map + PP_HOST_NVM_HEADER_LEN */
    pp_nvm_geometry_t geo;
    bool sync;              /* msync every write */
    uint64_t writes, bytes_written, erases;
} pp_host_nvm_t;

/* The virtual meter's default device: 2 MiB EEPROM, 256-byte pages,
 * 100,000 write cycles (PP_NVM_TOTAL_SIZE). */
pp_nvm_geometry_t pp_host_nvm_default_geometry(void);

/* Opens path, or creates it erased with geometry geo (created atomically:
 * written beside and renamed, so a crash never leaves half an image).
 * meter_id: NULL to accept any image; else a created image records it and an
 * existing one must carry the same id. On failure returns a negative
 * pp_err_t and writes a one-line reason to msg:
 *   PP_ERR_PORT      the file cannot be opened, created, locked or mapped
 *   PP_ERR_MALFORMED not a Polyphase NVM image
 *   PP_ERR_RANGE     image of another geometry or size
 *   PP_ERR_DENIED    image of another meter
 *   PP_ERR_BUSY      image in use by another process
 *   PP_ERR_ARG       geo is not a usable geometry */
pp_err_t pp_host_nvm_open(pp_host_nvm_t *n, const char *path, const pp_nvm_geometry_t *geo,
                          const char *meter_id, bool sync, char *msg, size_t msg_len);
/* Flushes to disk (msync) and closes; safe on a closed or failed handle. */
void pp_host_nvm_close(pp_host_nvm_t *n);
/* msync(MS_SYNC) of the whole image, e.g. at an orderly shutdown. */
pp_err_t pp_host_nvm_flush(pp_host_nvm_t *n);

/* Port functions; ctx is the pp_host_nvm_t. Out-of-range access and a write
 * crossing a page return PP_ERR_NVM (as a device would fail); erase on an
 * EEPROM geometry returns PP_ERR_UNSUPPORTED and an unaligned erase PP_ERR_NVM.
 * A port whose ctx is another struct wraps them. */
pp_err_t pp_host_nvm_read(void *ctx, uint32_t addr, uint8_t *dst, uint32_t len);
/* The mapped file's octets [addr, addr + len) in place (port nvm_map). */
const uint8_t *pp_host_nvm_map(void *ctx, uint32_t addr, uint32_t len);
pp_err_t pp_host_nvm_write(void *ctx, uint32_t addr, const uint8_t *src, uint32_t len);
pp_err_t pp_host_nvm_erase(void *ctx, uint32_t addr, uint32_t len);

#endif
