/* Placeholder until the 'run' subcommand lands; replaced by its module. */
#include <stdio.h>

#include "cli.h"

int pp_cli_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "polyphase run: not available in this build yet\n");
    return 2;
}
