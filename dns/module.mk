# dns/: libc only.
dns_DEPS :=
dns_LDLIBS :=
