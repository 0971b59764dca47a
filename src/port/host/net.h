/* Host transports for the virtual meter: TCP listeners and pseudo-terminals
 * under one poll() loop. Sockets are non-blocking with a per-connection output
 * queue, so one slow or silent client never delays the others. Each endpoint
 * belongs to an owner (a meter) so a fleet shares one loop. */
#ifndef PP_HOST_NET_H
#define PP_HOST_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/port.h"

#define PP_NET_MAX_ENDPOINTS 4096
#define PP_NET_MAX_CONNS 8192
#define PP_NET_MAX_QUEUE (4u << 20) /* a client that lets this much pile up is dropped */

typedef struct pp_net_callbacks {
    void (*on_open)(void *owner, pp_channel_t ch, unsigned conn);
    void (*on_data)(void *owner, pp_channel_t ch, unsigned conn, const uint8_t *data, size_t len);
    void (*on_close)(void *owner, pp_channel_t ch, unsigned conn);
} pp_net_callbacks_t;

typedef struct pp_net pp_net_t;

pp_net_t *pp_net_new(const pp_net_callbacks_t *cb);
void pp_net_free(pp_net_t *net);

/* Listens on 127.0.0.1 (or addr) port; port 0 picks a free one. Returns the
 * bound port, or -1 with a message in errbuf. */
int pp_net_listen_tcp(pp_net_t *net, void *owner, pp_channel_t ch, const char *addr,
                      uint16_t port, char *errbuf, size_t errlen);

/* Opens a pseudo-terminal in raw mode and links link_path to its slave.
 * The pty is one connection that stays open; returns its conn id or -1. */
int pp_net_open_pty(pp_net_t *net, void *owner, pp_channel_t ch, const char *link_path,
                    char *errbuf, size_t errlen);

/* Waits up to timeout_ms for I/O and dispatches callbacks. Returns the
 * number of events handled, or -1 on a fatal error (not EINTR). */
int pp_net_poll(pp_net_t *net, int timeout_ms);

/* Queues bytes for a connection (never blocks). */
pp_err_t pp_net_write(pp_net_t *net, pp_channel_t ch, unsigned conn, const uint8_t *data,
                      size_t len);
void pp_net_close(pp_net_t *net, pp_channel_t ch, unsigned conn);
unsigned pp_net_open_connections(const pp_net_t *net);

#endif
