# zonecompile/: signer, verifier, answer-table compiler.
zonecompile_DEPS := hsm crypto dns
zonecompile_LDLIBS :=
