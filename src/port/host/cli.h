/* Subcommands of the `polyphase` program; each returns the exit status
 * (0 ok, 1 runtime failure, 2 bad arguments or bad input). */
#ifndef PP_HOST_CLI_H
#define PP_HOST_CLI_H

int pp_cli_run(int argc, char **argv);
int pp_cli_config(int argc, char **argv);
int pp_cli_simulate(int argc, char **argv);
int pp_cli_fleet(int argc, char **argv);
int pp_cli_objects(int argc, char **argv);

#endif
