/* polyphase: the virtual meter program. Dispatches to subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct subcommand {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} subcommand_t;

static const subcommand_t SUBCOMMANDS[] = {
    {"run", pp_cli_run, "run the virtual meter (real time or --speed N)"},
    {"config", pp_cli_config, "decode or encode order codes (type number, software code)"},
    {"simulate", pp_cli_simulate, "run a scenario offline at full speed and report"},
    {"fleet", pp_cli_fleet, "run many virtual meters in one process"},
    {"objects", pp_cli_objects, "list the COSEM objects (--markdown, --json)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: polyphase <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof SUBCOMMANDS / sizeof SUBCOMMANDS[0]; i++) {
        fprintf(out, "  %-9s %s\n", SUBCOMMANDS[i].name, SUBCOMMANDS[i].summary);
    }
    fprintf(out, "\n'polyphase <command> --help' describes a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof SUBCOMMANDS / sizeof SUBCOMMANDS[0]; i++) {
        if (strcmp(argv[1], SUBCOMMANDS[i].name) == 0) {
            return SUBCOMMANDS[i].fn(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "polyphase: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
