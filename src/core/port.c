#include "polyphase/port.h"

pp_err_t pp_port_validate(const pp_port_t *port)
{
    PP_VERIFY(port != NULL, PP_ERR_ARG);
    PP_VERIFY(port->monotonic_ms && port->rtc_get && port->rtc_set, PP_ERR_ARG);
    PP_VERIFY(port->nvm_read && port->nvm_write, PP_ERR_ARG);
    PP_VERIFY(port->rng_fill != NULL, PP_ERR_ARG);
    PP_VERIFY(port->nvm.size > 0 && port->nvm.page_size > 0, PP_ERR_ARG);
    PP_VERIFY(port->nvm.size % port->nvm.page_size == 0, PP_ERR_ARG);
    PP_VERIFY(port->nvm.erase_size == 0 || port->nvm_erase != NULL, PP_ERR_ARG);
    PP_VERIFY(port->nvm.erase_size == 0 || port->nvm.size % port->nvm.erase_size == 0,
              PP_ERR_ARG);
    return PP_OK;
}
