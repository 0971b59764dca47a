#include "polyphase/error.h"

const char *pp_strerror(int err)
{
    switch (err) {
    case PP_OK: return "ok";
    case PP_ERR_ARG: return "invalid argument";
    case PP_ERR_RANGE: return "value out of range";
    case PP_ERR_NOSPACE: return "no space left in buffer or table";
    case PP_ERR_TRUNCATED: return "input truncated";
    case PP_ERR_MALFORMED: return "malformed input";
    case PP_ERR_CRC: return "checksum mismatch";
    case PP_ERR_NVM: return "permanent memory failure";
    case PP_ERR_NOT_FOUND: return "not found";
    case PP_ERR_STATE: return "not allowed in the current state";
    case PP_ERR_DENIED: return "access denied";
    case PP_ERR_UNSUPPORTED: return "not supported";
    case PP_ERR_DEPTH: return "nesting too deep";
    case PP_ERR_BUSY: return "busy";
    case PP_ERR_AUTH: return "authentication failed";
    case PP_ERR_REPLAY: return "replayed or stale invocation counter";
    case PP_ERR_TIMEOUT: return "timeout";
    case PP_ERR_PORT: return "port function failed";
    case PP_ERR_CORRUPT: return "stored data corrupt";
    case PP_ERR_INTERNAL: return "internal error";
    default: return "unknown error";
    }
}
