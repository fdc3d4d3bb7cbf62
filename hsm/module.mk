# hsm/: DNSSEC keys in PKCS#11 tokens through OpenSSL's ENGINE API and
# libp11's "pkcs11" engine (loaded at run time by OpenSSL, so nothing links
# against libp11 itself; Debian: libengine-pkcs11-openssl). cli/ is for
# zw-keyfromlabel only.
hsm_DEPS := cli crypto dns
hsm_LDLIBS := -lcrypto
