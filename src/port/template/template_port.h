/* Template port: board state and the function that fills a pp_port_t. */
#ifndef TEMPLATE_PORT_H
#define TEMPLATE_PORT_H

#include "polyphase/port.h"

#define TEMPLATE_UART_RING 256

/* Bytes a UART interrupt handler queued for the main loop. */
typedef struct template_uart {
    volatile uint8_t ring[TEMPLATE_UART_RING];
    volatile uint16_t head; /* written by the ISR */
    uint16_t tail;          /* read by the main loop */
} template_uart_t;

typedef struct template_board {
    volatile uint64_t ms_ticks; /* advanced by the SysTick handler */
    template_uart_t optical;    /* IEC 62056-21 optical head */
    template_uart_t rs485;      /* HDLC line (module area) */
    int64_t rtc_utc_ms;
    bool rtc_valid;
} template_board_t;

void template_port_init(pp_port_t *port, template_board_t *board);
/* Takes up to cap queued bytes of a UART (never blocks). */
size_t template_uart_take(template_uart_t *u, uint8_t *dst, size_t cap);

#endif
