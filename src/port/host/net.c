#define _XOPEN_SOURCE 700 /* posix_openpt, ptsname */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

typedef enum { EP_FREE = 0, EP_LISTENER, EP_CONN, EP_PTY } ep_kind_t;

typedef struct endpoint {
    ep_kind_t kind;
    int fd;
    void *owner;
    pp_channel_t ch;
    unsigned conn;
    uint8_t *out;       /* pending output */
    size_t out_len, out_cap;
    bool want_out;      /* registered for EPOLLOUT */
    bool hung_up;       /* pty without a reader: input ignored until one comes */
    char link_path[256];
} endpoint_t;

/* Connection id -> endpoint slot: open addressing with linear probing,
 * twice as many places as endpoints (deletion shifts entries back). */
#define CONN_TABLE (2u * PP_NET_MAX_ENDPOINTS)
#define NO_SLOT 0xFFFFu
#define EVENTS_PER_WAKE 256
#define READS_PER_EVENT 16 /* then the next client; level-triggered, so no data is lost */

typedef struct conn_entry {
    unsigned conn;
    uint16_t slot;
} conn_entry_t;

struct pp_net {
    pp_net_callbacks_t cb;
    int epfd;
    endpoint_t ep[PP_NET_MAX_ENDPOINTS];
    conn_entry_t conn_of[CONN_TABLE];
    size_t free_hint;
    bool ptys_hung_up;
    struct timespec rearm_at; /* look for pty readers again after this */
    unsigned next_conn;
    unsigned open_conns;
};

pp_net_t *pp_net_new(const pp_net_callbacks_t *cb)
{
    pp_net_t *net = calloc(1, sizeof *net);
    if (!net) {
        return NULL;
    }
    net->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (net->epfd < 0) {
        free(net);
        return NULL;
    }
    net->cb = *cb;
    net->next_conn = 1;
    for (size_t i = 0; i < CONN_TABLE; i++) {
        net->conn_of[i].slot = NO_SLOT;
    }
    return net;
}

static size_t conn_home(unsigned conn)
{
    return (size_t)(conn * 2654435761u) % CONN_TABLE;
}

static void conn_insert(pp_net_t *net, unsigned conn, size_t slot)
{
    size_t i = conn_home(conn);
    while (net->conn_of[i].slot != NO_SLOT) {
        i = (i + 1u) % CONN_TABLE;
    }
    net->conn_of[i] = (conn_entry_t){.conn = conn, .slot = (uint16_t)slot};
}

static size_t conn_lookup(const pp_net_t *net, unsigned conn)
{
    for (size_t i = conn_home(conn); net->conn_of[i].slot != NO_SLOT; i = (i + 1u) % CONN_TABLE) {
        if (net->conn_of[i].conn == conn) {
            return i;
        }
    }
    return CONN_TABLE;
}

/* Removes an entry and moves later entries of its probe run back, so every
 * lookup still finds its key before the first empty place. */
static void conn_remove(pp_net_t *net, unsigned conn)
{
    size_t hole = conn_lookup(net, conn);
    if (hole == CONN_TABLE) {
        return;
    }
    net->conn_of[hole].slot = NO_SLOT;
    for (size_t j = (hole + 1u) % CONN_TABLE; net->conn_of[j].slot != NO_SLOT;
         j = (j + 1u) % CONN_TABLE) {
        size_t home = conn_home(net->conn_of[j].conn);
        /* j's entry may move to hole unless its home lies cyclically in (hole, j] */
        bool stays = hole < j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            net->conn_of[hole] = net->conn_of[j];
            net->conn_of[j].slot = NO_SLOT;
            hole = j;
        }
    }
}

static endpoint_t *alloc_endpoint(pp_net_t *net)
{
    for (size_t k = 0; k < PP_NET_MAX_ENDPOINTS; k++) {
        size_t i = (net->free_hint + k) % PP_NET_MAX_ENDPOINTS;
        if (net->ep[i].kind == EP_FREE) {
            memset(&net->ep[i], 0, sizeof net->ep[i]);
            net->ep[i].fd = -1;
            net->free_hint = (i + 1u) % PP_NET_MAX_ENDPOINTS;
            return &net->ep[i];
        }
    }
    return NULL;
}

static size_t slot_of(const pp_net_t *net, const endpoint_t *e)
{
    return (size_t)(e - net->ep);
}

/* Registers a new endpoint for input (and its connection id). */
static int watch(pp_net_t *net, endpoint_t *e)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)slot_of(net, e)};
    if (epoll_ctl(net->epfd, EPOLL_CTL_ADD, e->fd, &ev) < 0) {
        return -1;
    }
    if (e->kind == EP_CONN || e->kind == EP_PTY) {
        conn_insert(net, e->conn, slot_of(net, e));
    }
    return 0;
}

/* Output pending: also wake when the socket can take more. */
static void want_output(pp_net_t *net, endpoint_t *e, bool on)
{
    if (e->want_out != on) {
        struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0u),
                                 .data.u32 = (uint32_t)slot_of(net, e)};
        (void)epoll_ctl(net->epfd, EPOLL_CTL_MOD, e->fd, &ev);
        e->want_out = on;
    }
}

static void release_endpoint(pp_net_t *net, endpoint_t *e, bool notify)
{
    if (e->fd >= 0) {
        (void)epoll_ctl(net->epfd, EPOLL_CTL_DEL, e->fd, NULL);
    }
    if (e->kind == EP_CONN || e->kind == EP_PTY) {
        conn_remove(net, e->conn);
        net->open_conns--;
        if (notify && net->cb.on_close) {
            net->cb.on_close(e->owner, e->ch, e->conn);
        }
    }
    if (e->kind == EP_PTY && e->link_path[0]) {
        unlink(e->link_path);
    }
    if (e->fd >= 0) {
        close(e->fd);
    }
    free(e->out);
    memset(e, 0, sizeof *e);
    e->kind = EP_FREE;
    e->fd = -1;
}

void pp_net_free(pp_net_t *net)
{
    if (!net) {
        return;
    }
    for (size_t i = 0; i < PP_NET_MAX_ENDPOINTS; i++) {
        if (net->ep[i].kind != EP_FREE) {
            release_endpoint(net, &net->ep[i], false);
        }
    }
    close(net->epfd);
    free(net);
}

static void set_nonblocking(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int pp_net_listen_tcp(pp_net_t *net, void *owner, pp_channel_t ch, const char *addr,
                      uint16_t port, char *errbuf, size_t errlen)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, addr ? addr : "127.0.0.1", &sa.sin_addr) != 1) {
        snprintf(errbuf, errlen, "invalid listen address '%s'", addr);
        return -1;
    }
    endpoint_t *e = alloc_endpoint(net);
    int fd = e ? socket(AF_INET, SOCK_STREAM, 0) : -1;
    if (fd < 0) {
        snprintf(errbuf, errlen, "cannot create socket: %s", e ? strerror(errno) : "too many endpoints");
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t len = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 128) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
        snprintf(errbuf, errlen, "cannot listen on %s:%u: %s", addr ? addr : "127.0.0.1",
                 port, strerror(errno));
        close(fd);
        return -1;
    }
    set_nonblocking(fd);
    *e = (endpoint_t){.kind = EP_LISTENER, .fd = fd, .owner = owner, .ch = ch};
    if (watch(net, e) < 0) {
        snprintf(errbuf, errlen, "cannot watch the listener: %s", strerror(errno));
        release_endpoint(net, e, false);
        return -1;
    }
    return ntohs(sa.sin_port);
}

int pp_net_open_pty(pp_net_t *net, void *owner, pp_channel_t ch, const char *link_path,
                    char *errbuf, size_t errlen)
{
    endpoint_t *e = alloc_endpoint(net);
    int fd = e ? posix_openpt(O_RDWR | O_NOCTTY) : -1;
    if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0) {
        snprintf(errbuf, errlen, "cannot open a pseudo-terminal: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    struct termios tio;
    if (tcgetattr(fd, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(fd, TCSANOW, &tio);
    }
    const char *slave = ptsname(fd);
    unlink(link_path);
    if (!slave || symlink(slave, link_path) < 0) {
        snprintf(errbuf, errlen, "cannot link %s to the pty: %s", link_path, strerror(errno));
        close(fd);
        return -1;
    }
    set_nonblocking(fd);
    *e = (endpoint_t){.kind = EP_PTY, .fd = fd, .owner = owner, .ch = ch, .conn = net->next_conn++};
    snprintf(e->link_path, sizeof e->link_path, "%s", link_path);
    net->open_conns++;
    if (watch(net, e) < 0) {
        snprintf(errbuf, errlen, "cannot watch the pty: %s", strerror(errno));
        release_endpoint(net, e, false);
        return -1;
    }
    if (net->cb.on_open) {
        net->cb.on_open(owner, ch, e->conn);
    }
    return (int)e->conn;
}

static endpoint_t *find_conn(pp_net_t *net, pp_channel_t ch, unsigned conn)
{
    size_t i = conn_lookup(net, conn);
    if (i == CONN_TABLE) {
        return NULL;
    }
    endpoint_t *e = &net->ep[net->conn_of[i].slot];
    return (e->kind == EP_CONN || e->kind == EP_PTY) && e->ch == ch ? e : NULL;
}

static void flush_output(pp_net_t *net, endpoint_t *e)
{
    while (e->out_len > 0) {
        ssize_t n = write(e->fd, e->out, e->out_len);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                want_output(net, e, true);
                return;
            }
            if (e->kind == EP_PTY) { /* no reader on the slave side yet: drop */
                e->out_len = 0;
                return;
            }
            release_endpoint(net, e, true);
            return;
        }
        memmove(e->out, e->out + n, e->out_len - (size_t)n);
        e->out_len -= (size_t)n;
    }
    want_output(net, e, false);
}

pp_err_t pp_net_write(pp_net_t *net, pp_channel_t ch, unsigned conn, const uint8_t *data,
                      size_t len)
{
    endpoint_t *e = find_conn(net, ch, conn);
    if (!e) {
        return PP_ERR_NOT_FOUND;
    }
    if (e->out_len == 0) { /* nothing queued: send from the caller's buffer, queue the rest */
        ssize_t n = write(e->fd, data, len);
        if (n > 0) {
            data += n;
            len -= (size_t)n;
        }
        if (len == 0) {
            return PP_OK;
        }
    }
    if (e->out_len + len > PP_NET_MAX_QUEUE) {
        release_endpoint(net, e, true);
        return PP_ERR_NOSPACE;
    }
    if (e->out_len + len > e->out_cap) {
        size_t cap = e->out_cap ? e->out_cap : 4096;
        while (cap < e->out_len + len) {
            cap *= 2;
        }
        uint8_t *grown = realloc(e->out, cap);
        if (!grown) {
            return PP_ERR_NOSPACE;
        }
        e->out = grown;
        e->out_cap = cap;
    }
    memcpy(e->out + e->out_len, data, len);
    e->out_len += len;
    flush_output(net, e);
    return PP_OK;
}

void pp_net_close(pp_net_t *net, pp_channel_t ch, unsigned conn)
{
    endpoint_t *e = find_conn(net, ch, conn);
    if (e && e->kind == EP_CONN) {
        flush_output(net, e);
        if (e->kind == EP_CONN) {
            release_endpoint(net, e, false);
        }
    }
}

unsigned pp_net_open_connections(const pp_net_t *net)
{
    return net->open_conns;
}

static void accept_clients(pp_net_t *net, endpoint_t *l)
{
    for (;;) {
        int fd = accept(l->fd, NULL, NULL);
        if (fd < 0) {
            return;
        }
        endpoint_t *e = alloc_endpoint(net);
        if (!e) {
            close(fd);
            return;
        }
        set_nonblocking(fd);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        *e = (endpoint_t){.kind = EP_CONN, .fd = fd, .owner = l->owner, .ch = l->ch,
                          .conn = net->next_conn++};
        if (watch(net, e) < 0) {
            close(fd);
            e->kind = EP_FREE;
            e->fd = -1;
            continue;
        }
        net->open_conns++;
        if (net->cb.on_open) {
            net->cb.on_open(e->owner, e->ch, e->conn);
        }
    }
}

static void read_input(pp_net_t *net, endpoint_t *e)
{
    uint8_t buf[4096];
    for (int reads = 0; reads < READS_PER_EVENT; reads++) {
        ssize_t n = read(e->fd, buf, sizeof buf);
        if (n > 0) {
            net->cb.on_data(e->owner, e->ch, e->conn, buf, (size_t)n);
            if (e->kind == EP_FREE || (size_t)n < sizeof buf) {
                /* closed by the callback, or drained: a read more would only say
                 * EAGAIN, and epoll (level-triggered) reports what comes later */
                return;
            }
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return;
        }
        if (e->kind == EP_PTY) {
            return; /* EIO: no process has the slave open; keep the pty */
        }
        release_endpoint(net, e, true); /* EOF or error */
        return;
    }
}

/* A pty master reports hang-up while no process has the slave open; it is
 * watched again for input only after a while, so the loop does not spin. */
static void pty_hung_up(pp_net_t *net, endpoint_t *e)
{
    struct epoll_event ev = {.events = 0, .data.u32 = (uint32_t)slot_of(net, e)};
    (void)epoll_ctl(net->epfd, EPOLL_CTL_MOD, e->fd, &ev);
    e->hung_up = true;
    e->want_out = false;
    net->ptys_hung_up = true;
    clock_gettime(CLOCK_MONOTONIC, &net->rearm_at);
    net->rearm_at.tv_nsec += 100000000L; /* 100 ms */
    if (net->rearm_at.tv_nsec >= 1000000000L) {
        net->rearm_at.tv_sec++;
        net->rearm_at.tv_nsec -= 1000000000L;
    }
}

static void rearm_ptys(pp_net_t *net)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!net->ptys_hung_up || now.tv_sec < net->rearm_at.tv_sec ||
        (now.tv_sec == net->rearm_at.tv_sec && now.tv_nsec < net->rearm_at.tv_nsec)) {
        return;
    }
    net->ptys_hung_up = false;
    for (size_t i = 0; i < PP_NET_MAX_ENDPOINTS; i++) {
        endpoint_t *e = &net->ep[i];
        if (e->kind == EP_PTY && e->hung_up) {
            e->hung_up = false;
            struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
            (void)epoll_ctl(net->epfd, EPOLL_CTL_MOD, e->fd, &ev);
        }
    }
}

int pp_net_poll(pp_net_t *net, int timeout_ms)
{
    struct epoll_event ev[EVENTS_PER_WAKE];
    int rc = epoll_wait(net->epfd, ev, EVENTS_PER_WAKE, timeout_ms);
    if (rc < 0) {
        return errno == EINTR ? 0 : -1;
    }
    rearm_ptys(net); /* every 100 ms: has a reader opened a hung-up pty? */
    int handled = 0;
    for (int k = 0; k < rc; k++) {
        const uint32_t re = ev[k].events;
        endpoint_t *e = &net->ep[ev[k].data.u32 % PP_NET_MAX_ENDPOINTS];
        if (e->kind == EP_FREE) {
            continue; /* closed by an earlier event of this wake */
        }
        handled++;
        if (e->kind == EP_LISTENER) {
            accept_clients(net, e);
            continue;
        }
        if (re & EPOLLOUT) {
            flush_output(net, e);
        }
        if (e->kind == EP_PTY && (re & EPOLLHUP) && !(re & EPOLLIN)) {
            pty_hung_up(net, e);
            continue;
        }
        if (e->kind != EP_FREE && (re & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
            read_input(net, e);
        }
    }
    return handled;
}
