#define _XOPEN_SOURCE 700 /* posix_openpt, ptsname */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
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
    char link_path[256];
} endpoint_t;

struct pp_net {
    pp_net_callbacks_t cb;
    endpoint_t ep[PP_NET_MAX_ENDPOINTS];
    unsigned next_conn;
    unsigned open_conns;
    struct pollfd pfd[PP_NET_MAX_ENDPOINTS];
};

pp_net_t *pp_net_new(const pp_net_callbacks_t *cb)
{
    pp_net_t *net = calloc(1, sizeof *net);
    if (net) {
        net->cb = *cb;
        net->next_conn = 1;
    }
    return net;
}

static endpoint_t *alloc_endpoint(pp_net_t *net)
{
    for (size_t i = 0; i < PP_NET_MAX_ENDPOINTS; i++) {
        if (net->ep[i].kind == EP_FREE) {
            memset(&net->ep[i], 0, sizeof net->ep[i]);
            net->ep[i].fd = -1;
            return &net->ep[i];
        }
    }
    return NULL;
}

static void release_endpoint(pp_net_t *net, endpoint_t *e, bool notify)
{
    if (e->kind == EP_CONN || e->kind == EP_PTY) {
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
    if (net->cb.on_open) {
        net->cb.on_open(owner, ch, e->conn);
    }
    return (int)e->conn;
}

static endpoint_t *find_conn(pp_net_t *net, pp_channel_t ch, unsigned conn)
{
    for (size_t i = 0; i < PP_NET_MAX_ENDPOINTS; i++) {
        endpoint_t *e = &net->ep[i];
        if ((e->kind == EP_CONN || e->kind == EP_PTY) && e->ch == ch && e->conn == conn) {
            return e;
        }
    }
    return NULL;
}

static void flush_output(pp_net_t *net, endpoint_t *e)
{
    while (e->out_len > 0) {
        ssize_t n = write(e->fd, e->out, e->out_len);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
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
}

pp_err_t pp_net_write(pp_net_t *net, pp_channel_t ch, unsigned conn, const uint8_t *data,
                      size_t len)
{
    endpoint_t *e = find_conn(net, ch, conn);
    if (!e) {
        return PP_ERR_NOT_FOUND;
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
        net->open_conns++;
        if (net->cb.on_open) {
            net->cb.on_open(e->owner, e->ch, e->conn);
        }
    }
}

static void read_input(pp_net_t *net, endpoint_t *e)
{
    uint8_t buf[4096];
    for (;;) {
        ssize_t n = read(e->fd, buf, sizeof buf);
        if (n > 0) {
            net->cb.on_data(e->owner, e->ch, e->conn, buf, (size_t)n);
            if (e->kind == EP_FREE) {
                return; /* closed by the callback */
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

int pp_net_poll(pp_net_t *net, int timeout_ms)
{
    size_t n = 0;
    size_t map[PP_NET_MAX_ENDPOINTS];
    for (size_t i = 0; i < PP_NET_MAX_ENDPOINTS; i++) {
        endpoint_t *e = &net->ep[i];
        if (e->kind == EP_FREE) {
            continue;
        }
        net->pfd[n] = (struct pollfd){.fd = e->fd, .events = POLLIN | (e->out_len ? POLLOUT : 0)};
        map[n++] = i;
    }
    int rc = poll(net->pfd, n, timeout_ms);
    if (rc < 0) {
        return errno == EINTR ? 0 : -1;
    }
    int handled = 0;
    for (size_t k = 0; k < n && rc > 0; k++) {
        short re = net->pfd[k].revents;
        endpoint_t *e = &net->ep[map[k]];
        if (!re || e->kind == EP_FREE || e->fd != net->pfd[k].fd) {
            continue;
        }
        handled++;
        if (e->kind == EP_LISTENER) {
            accept_clients(net, e);
            continue;
        }
        if (re & POLLOUT) {
            flush_output(net, e);
        }
        if (e->kind != EP_FREE && (re & (POLLIN | POLLHUP | POLLERR))) {
            if (e->kind == EP_PTY && !(re & POLLIN)) {
                continue; /* slave closed: wait for the next reader */
            }
            read_input(net, e);
        }
    }
    return handled;
}
