# dns/: libc only. zw-checkzone links cli/ (its messages; cli/cli.o
# needs libc only).
dns_DEPS := cli
dns_LDLIBS :=
