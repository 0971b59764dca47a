/* Bare-metal main loop of the template firmware: one meter, one task function.
 * In the cross build this links the whole core so the size report is real. */
#include "template_port.h"

int template_firmware_main(void);

int template_firmware_main(void)
{
    template_board_t board = {0};
    pp_port_t port;
    template_port_init(&port, &board);
    if (pp_port_validate(&port) != PP_OK) {
        return 1;
    }
    for (;;) {
        port.watchdog_kick(port.ctx);
    }
}

#if defined(__arm__)
int main(void)
{
    return template_firmware_main();
}
#endif
