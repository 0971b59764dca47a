#include "host_nvm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "polyphase/nvm_layout.h"

pp_nvm_geometry_t pp_host_nvm_default_geometry(void)
{
    return (pp_nvm_geometry_t){.size = PP_NVM_TOTAL_SIZE, .page_size = 256, .erase_size = 0,
                               .erased_value = 0xFF, .endurance_cycles = 100000};
}

static int geometry_ok(const pp_nvm_geometry_t *g)
{
    return g->size > 0 && g->page_size > 0 && g->size % g->page_size == 0 &&
           (g->erase_size == 0 ||
            (g->erase_size % g->page_size == 0 && g->size % g->erase_size == 0));
}

/* Text header; the default case matches host_port.c byte for byte. */
static void make_header(char *h, const pp_nvm_geometry_t *g, const char *meter_id)
{
    memset(h, 0, PP_HOST_NVM_HEADER_LEN);
    int n = snprintf(h, PP_HOST_NVM_HEADER_LEN, "%ssize=%u\npage=%u\nerase=%u\n",
                     PP_HOST_NVM_MAGIC, g->size, g->page_size, g->erase_size);
    if (g->erased_value != 0xFF) {
        n += snprintf(h + n, PP_HOST_NVM_HEADER_LEN - (size_t)n, "erased=%u\n", g->erased_value);
    }
    if (meter_id != NULL) {
        snprintf(h + n, PP_HOST_NVM_HEADER_LEN - (size_t)n, "meter=%s\n", meter_id);
    }
}

typedef struct header_info {
    unsigned long size, page, erase, erased;
    char meter[PP_HOST_NVM_ID_MAX + 1];
    int have_meter;
} header_info_t;

static int parse_header(const char *h, header_info_t *hi)
{
    memset(hi, 0, sizeof *hi);
    hi->erased = 0xFF;
    if (strncmp(h, PP_HOST_NVM_MAGIC, strlen(PP_HOST_NVM_MAGIC)) != 0 ||
        memchr(h, '\0', PP_HOST_NVM_HEADER_LEN) == NULL) {
        return -1;
    }
    int seen = 0;
    for (const char *p = h + strlen(PP_HOST_NVM_MAGIC); *p != '\0';) {
        const char *eol = strchr(p, '\n');
        if (eol == NULL) {
            return -1;
        }
        size_t len = (size_t)(eol - p);
        if (len > 6 && strncmp(p, "meter=", 6) == 0 && len - 6 <= PP_HOST_NVM_ID_MAX) {
            memcpy(hi->meter, p + 6, len - 6);
            hi->have_meter = 1;
        } else if (sscanf(p, "size=%lu", &hi->size) == 1) {
            seen |= 1;
        } else if (sscanf(p, "page=%lu", &hi->page) == 1) {
            seen |= 2;
        } else if (sscanf(p, "erase=%lu", &hi->erase) == 1) {
            seen |= 4;
        } else if (sscanf(p, "erased=%lu", &hi->erased) != 1) {
            return -1;
        }
        p = eol + 1;
    }
    return seen == 7 ? 0 : -1;
}

/* Writes a fresh erased image beside path and renames it into place. */
static pp_err_t create_image(const char *path, const pp_nvm_geometry_t *g, const char *meter_id,
                             char *msg, size_t msg_len)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.new.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        snprintf(msg, msg_len, "%s: path too long", path);
        return PP_ERR_PORT;
    }
    int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        snprintf(msg, msg_len, "%s: cannot create the NVM image: %s", path, strerror(errno));
        return PP_ERR_PORT;
    }
    static char h[PP_HOST_NVM_HEADER_LEN];
    make_header(h, g, meter_id);
    uint8_t block[4096];
    memset(block, g->erased_value, sizeof block);
    int ok = write(fd, h, sizeof h) == (ssize_t)sizeof h;
    for (uint32_t done = 0; ok && done < g->size; done += (uint32_t)sizeof block) {
        size_t n = g->size - done < sizeof block ? g->size - done : sizeof block;
        ok = write(fd, block, n) == (ssize_t)n;
    }
    ok = ok && fsync(fd) == 0;
    int saved = errno;
    close(fd);
    if (!ok || rename(tmp, path) != 0) {
        saved = ok ? errno : saved;
        unlink(tmp);
        snprintf(msg, msg_len, "%s: cannot write the NVM image: %s", path, strerror(saved));
        return PP_ERR_PORT;
    }
    return PP_OK;
}

static pp_err_t check_header(const pp_host_nvm_t *n, const char *path,
                             const pp_nvm_geometry_t *g, const char *meter_id, off_t file_size,
                             char *msg, size_t msg_len)
{
    header_info_t hi;
    if (file_size < (off_t)PP_HOST_NVM_HEADER_LEN || parse_header((const char *)n->map, &hi) < 0) {
        snprintf(msg, msg_len, "%s: not a Polyphase NVM image (no \"POLYPHASE-NVM-1\" header); "
                 "move it away or choose another file", path);
        return PP_ERR_MALFORMED;
    }
    if (hi.size != g->size || hi.page != g->page_size || hi.erase != g->erase_size ||
        hi.erased != g->erased_value) {
        snprintf(msg, msg_len, "%s: NVM image of another geometry (size %lu, page %lu, erase %lu, "
                 "erased 0x%02lX; this meter needs %u, %u, %u, 0x%02X)", path, hi.size, hi.page,
                 hi.erase, hi.erased, g->size, g->page_size, g->erase_size, g->erased_value);
        return PP_ERR_RANGE;
    }
    if (file_size != (off_t)(PP_HOST_NVM_HEADER_LEN + (size_t)g->size)) {
        snprintf(msg, msg_len, "%s: NVM image truncated or padded (%lld bytes, expected %zu)",
                 path, (long long)file_size, PP_HOST_NVM_HEADER_LEN + (size_t)g->size);
        return PP_ERR_RANGE;
    }
    if (meter_id != NULL && hi.have_meter && strcmp(hi.meter, meter_id) != 0) {
        snprintf(msg, msg_len, "%s: NVM image of meter %s, not of meter %s", path, hi.meter,
                 meter_id);
        return PP_ERR_DENIED;
    }
    return PP_OK;
}

pp_err_t pp_host_nvm_open(pp_host_nvm_t *n, const char *path, const pp_nvm_geometry_t *geo,
                          const char *meter_id, bool sync, char *msg, size_t msg_len)
{
    memset(n, 0, sizeof *n);
    n->fd = -1;
    if (path == NULL || geo == NULL || !geometry_ok(geo) ||
        (meter_id != NULL && (strlen(meter_id) > PP_HOST_NVM_ID_MAX || strchr(meter_id, '\n')))) {
        snprintf(msg, msg_len, "NVM image: invalid path, geometry or meter id");
        return PP_ERR_ARG;
    }
    if (access(path, F_OK) != 0) {
        PP_TRY(create_image(path, geo, meter_id, msg, msg_len));
    }
    int fd = open(path, O_RDWR);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(msg, msg_len, "%s: cannot open the NVM image: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return PP_ERR_PORT;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(msg, msg_len, "%s: NVM image in use by another process", path);
        close(fd);
        return PP_ERR_BUSY;
    }
    n->fd = fd;
    n->geo = *geo;
    n->sync = sync;
    n->map_len = st.st_size >= (off_t)PP_HOST_NVM_HEADER_LEN ? (size_t)st.st_size
                                                             : PP_HOST_NVM_HEADER_LEN;
    n->map = mmap(NULL, n->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (n->map == MAP_FAILED) {
        n->map = NULL;
        snprintf(msg, msg_len, "%s: cannot map the NVM image: %s", path, strerror(errno));
        pp_host_nvm_close(n);
        return PP_ERR_PORT;
    }
    pp_err_t rc = check_header(n, path, geo, meter_id, st.st_size, msg, msg_len);
    if (rc != PP_OK) {
        pp_host_nvm_close(n);
        return rc;
    }
    n->data = n->map + PP_HOST_NVM_HEADER_LEN;
    return PP_OK;
}

pp_err_t pp_host_nvm_flush(pp_host_nvm_t *n)
{
    if (n->map != NULL && msync(n->map, n->map_len, MS_SYNC) != 0) {
        return PP_ERR_PORT;
    }
    return PP_OK;
}

void pp_host_nvm_close(pp_host_nvm_t *n)
{
    if (n->map != NULL) {
        (void)pp_host_nvm_flush(n);
        munmap(n->map, n->map_len);
    }
    if (n->fd >= 0) {
        close(n->fd); /* releases the flock */
    }
    n->map = NULL;
    n->data = NULL;
    n->fd = -1;
}

static int in_range(const pp_host_nvm_t *n, uint32_t addr, uint32_t len)
{
    return n->data != NULL && addr <= n->geo.size && len <= n->geo.size - addr;
}

/* Makes [off, off+len) of the data durable when sync mode is on. */
static pp_err_t sync_range(pp_host_nvm_t *n, uint32_t off, uint32_t len)
{
    if (!n->sync) {
        return PP_OK;
    }
    const size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size_t start = (PP_HOST_NVM_HEADER_LEN + (size_t)off) / pg * pg;
    size_t end = PP_HOST_NVM_HEADER_LEN + (size_t)off + len;
    return msync(n->map + start, end - start, MS_SYNC) == 0 ? PP_OK : PP_ERR_NVM;
}

pp_err_t pp_host_nvm_read(void *ctx, uint32_t addr, uint8_t *dst, uint32_t len)
{
    pp_host_nvm_t *n = ctx;
    if (!in_range(n, addr, len)) {
        return PP_ERR_NVM;
    }
    memcpy(dst, n->data + addr, len);
    return PP_OK;
}

const uint8_t *pp_host_nvm_map(void *ctx, uint32_t addr, uint32_t len)
{
    pp_host_nvm_t *n = ctx;
    return in_range(n, addr, len) ? n->data + addr : NULL;
}

pp_err_t pp_host_nvm_write(void *ctx, uint32_t addr, const uint8_t *src, uint32_t len)
{
    pp_host_nvm_t *n = ctx;
    const uint32_t page = n->geo.page_size;
    if (!in_range(n, addr, len) || (len > 0 && addr / page != (addr + len - 1) / page)) {
        return PP_ERR_NVM;
    }
    memcpy(n->data + addr, src, len);
    n->writes++;
    n->bytes_written += len;
    return sync_range(n, addr, len);
}

pp_err_t pp_host_nvm_erase(void *ctx, uint32_t addr, uint32_t len)
{
    pp_host_nvm_t *n = ctx;
    if (n->geo.erase_size == 0) {
        return PP_ERR_UNSUPPORTED;
    }
    if (!in_range(n, addr, len) || addr % n->geo.erase_size != 0 || len % n->geo.erase_size != 0) {
        return PP_ERR_NVM;
    }
    memset(n->data + addr, n->geo.erased_value, len);
    n->erases++;
    return sync_range(n, addr, len);
}
