/* Placeholder until the 'fleet' subcommand lands; replaced by its module. */
#include <stdio.h>

#include "cli.h"

int pp_cli_fleet(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "polyphase fleet: not available in this build yet\n");
    return 2;
}
