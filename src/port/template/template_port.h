/* Template port: board state and the function that fills a pp_port_t. */
#ifndef TEMPLATE_PORT_H
#define TEMPLATE_PORT_H

#include "polyphase/port.h"

typedef struct template_board {
    volatile uint64_t ms_ticks; /* advanced by the SysTick handler */
    int64_t rtc_utc_ms;
    bool rtc_valid;
} template_board_t;

void template_port_init(pp_port_t *port, template_board_t *board);

#endif
