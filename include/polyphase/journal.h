/* Power-safe permanent memory for small records (registers, counters,
 * settings): a journal over the NVM port. Every write is atomic — after a
 * power cut at any byte of any NVM write, pp_journal_open() recovers either the
 * old or the new value of each record, never a torn one, and never loses a
 * committed value. Transactions (begin/stage/commit) make several records
 * change together.
 *
 * Keys are 16-bit ids from polyphase/nvm_keys.h; a record holds up to
 * PP_JOURNAL_MAX_RECORD bytes. The journal context is caller-owned. */
#ifndef POLYPHASE_JOURNAL_H
#define POLYPHASE_JOURNAL_H

#include <stdint.h>

#include "polyphase/port.h"

#define PP_JOURNAL_MAX_RECORD 256u  /* payload bytes */
#define PP_JOURNAL_MAX_KEYS 512u    /* distinct live keys */
#define PP_JOURNAL_MAX_STAGED 16u   /* records in one transaction */

typedef struct pp_journal_stats {
    uint64_t records_written;
    uint64_t bytes_written;   /* all NVM bytes incl. headers and compaction */
    uint64_t compactions;
} pp_journal_stats_t;

typedef struct pp_journal_index_entry {
    uint16_t key;
    uint16_t len;
    uint32_t addr; /* NVM address of the live record's payload */
} pp_journal_index_entry_t;

/* Private state; read it only through the functions below. The region is a
 * ring of equal segments (a multiple of the page and erase unit); records are
 * appended at the head, the oldest segment (tail) is compacted into the head
 * when free segments run low. See docs/permanent-memory.md. */
typedef struct pp_journal {
    const pp_port_t *port;
    uint32_t base, size;     /* region */
    uint32_t seg_size;       /* bytes per segment */
    uint16_t nseg;           /* segments in the ring */
    uint16_t head_seg;       /* segment receiving records */
    uint16_t tail_seg;       /* oldest segment still in use */
    uint32_t head;           /* next write offset inside the head segment */
    uint32_t seq;            /* next record sequence number */
    uint8_t active;          /* 1 once a head segment exists */
    uint8_t opened;          /* pp_journal_open succeeded */
    uint16_t live;           /* entries in index */
    uint32_t live_bytes;     /* NVM bytes of the live records incl. headers */
    uint32_t live_budget;    /* most live bytes that compaction can always place */
    pp_journal_index_entry_t index[PP_JOURNAL_MAX_KEYS]; /* sorted by key */
    uint16_t staged;         /* records in the open transaction */
    uint16_t staged_keys[PP_JOURNAL_MAX_STAGED];
    uint16_t staged_len[PP_JOURNAL_MAX_STAGED];
    uint16_t staged_off[PP_JOURNAL_MAX_STAGED]; /* into stage_buf */
    uint16_t stage_used;
    uint8_t in_txn;
    uint8_t stage_buf[PP_JOURNAL_MAX_STAGED * PP_JOURNAL_MAX_RECORD];
    pp_journal_stats_t stats;
} pp_journal_t;

/* Opens the region [base, base+size) and recovers the latest committed state.
 * An erased (blank) region, or one holding no journal at all, opens empty.
 * base must be aligned to the page and erase unit; the region must hold at
 * least four segments (see pp_journal_segment_size). PP_ERR_ARG for a bad
 * port or geometry, PP_ERR_CORRUPT when the region holds a journal made for
 * another geometry, PP_ERR_NVM/PP_ERR_PORT when the device fails. */
pp_err_t pp_journal_open(pp_journal_t *j, const pp_port_t *port, uint32_t base, uint32_t size);

/* Reads the latest committed value of key into dst (len must equal the stored
 * length, else PP_ERR_RANGE). PP_ERR_NOT_FOUND when the key was never written. */
pp_err_t pp_journal_read(pp_journal_t *j, uint16_t key, void *dst, uint16_t len);

/* Writes one record atomically (a one-record transaction). */
pp_err_t pp_journal_write(pp_journal_t *j, uint16_t key, const void *src, uint16_t len);

/* Multi-record atomic update: begin, stage up to PP_JOURNAL_MAX_STAGED
 * records, commit. Until commit, reads return the old values; a power cut
 * before the commit record is complete leaves all of them old. */
pp_err_t pp_journal_begin(pp_journal_t *j);
pp_err_t pp_journal_stage(pp_journal_t *j, uint16_t key, const void *src, uint16_t len);
pp_err_t pp_journal_commit(pp_journal_t *j);
/* Drops the open transaction; nothing of it reaches NVM. */
pp_err_t pp_journal_abort(pp_journal_t *j);

const pp_journal_stats_t *pp_journal_stats(const pp_journal_t *j);

/* Segment size the journal uses for a geometry (0 when unusable), so an
 * integrator can size the region: it needs at least 4 segments. */
uint32_t pp_journal_segment_size(const pp_nvm_geometry_t *geo);

/* NVM bytes a record of len payload bytes occupies (header + payload + CRC). */
uint32_t pp_journal_record_bytes(uint16_t len);

#endif
