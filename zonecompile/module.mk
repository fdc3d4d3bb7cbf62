# zonecompile/: signer, verifier, answer-table compiler. cli/ is for the
# programs (zw-signzone, zw-verify) only.
zonecompile_DEPS := hsm cli crypto dns
zonecompile_LDLIBS :=
