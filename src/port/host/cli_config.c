/* Placeholder until the 'config' subcommand lands; replaced by its module. */
#include <stdio.h>

#include "cli.h"

int pp_cli_config(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "polyphase config: not available in this build yet\n");
    return 2;
}
