/* Placeholder until the 'simulate' subcommand lands; replaced by its module. */
#include <stdio.h>

#include "cli.h"

int pp_cli_simulate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "polyphase simulate: not available in this build yet\n");
    return 2;
}
