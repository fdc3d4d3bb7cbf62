# zonecompile/: signer, verifier, answer-table compiler.
zonecompile_DEPS := crypto dns
zonecompile_LDLIBS :=
