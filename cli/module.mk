# cli/: what the command-line programs share and only they link: the
# program name, die/warn/usage with their "prog: fatal: " prefixes, and the
# key option parsers of zw-keygen, zw-keyfromlabel, zw-settime, zw-revoke.
# Library code never calls it (only programs print or exit). A module whose
# programs use it lists cli in its _DEPS; cli/keyopt.c calls into crypto,
# so crypto's own programs list crypto again after cli.
cli_DEPS := crypto dns
cli_LDLIBS :=
