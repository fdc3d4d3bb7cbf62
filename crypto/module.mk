# crypto/: DNSSEC algorithms, keys, DS, NSEC3 hashing, key files.
# crypto/cmd programs link cli/ (program-side messages and key options),
# which calls back into crypto: hence crypto again after it.
crypto_DEPS := cli crypto dns
crypto_LDLIBS := -lcrypto -lIPSec_MB
