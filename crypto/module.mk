# crypto/: DNSSEC algorithms, keys, DS, NSEC3 hashing, key files.
crypto_DEPS := dns
crypto_LDLIBS := -lcrypto -lIPSec_MB
