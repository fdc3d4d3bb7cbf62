/* PKCS#11 keys: DNSSEC keys whose private half stays in a token (an HSM,
 * or SoftHSMv2 in tests), used through OpenSSL's ENGINE API and libp11's
 * "pkcs11" engine, as BIND's -E pkcs11 does.
 *
 * Key files. A token key has ordinary K-files: the .key holds the DNSKEY,
 * the .private holds no key material, only "Engine:" and "Label:" lines
 * (BIND's encoding: base64 of the NUL-terminated strings; RSA keys also
 * carry Modulus and PublicExponent, which BIND requires beside an Engine).
 * Loading such files with zw_hsm_keyfile_load gives a struct zw_key whose
 * pkey is the engine's key: zw_key_sign then signs in the token, from any
 * number of threads (crypto/key.h's per-thread contexts; libp11 keeps a
 * pool of PKCS#11 sessions per slot, so concurrent signatures on one key
 * are safe: tests/hsm/test_key.c signs from 8 threads and checks every
 * signature).
 *
 * Labels are PKCS#11 URIs (RFC 7512); one without a scheme gets "pkcs11:"
 * put in front, as dnssec-keyfromlabel does: "token=zw;object=ksk" means
 * "pkcs11:token=zw;object=ksk". The PIN comes from, in this order:
 *   pin-value=PIN      in the label (percent-encoding allowed),
 *   pin-source=PATH    in the label ("file:" prefix allowed): the file's
 *                      first line,
 *   $ZW_PKCS11_PIN     in the environment,
 *   the engine's own configuration (OPENSSL_CONF, "PIN = ...").
 * The PIN is never printed, logged or written: key files keep the label
 * without pin-value (pin-source stays: it is a path, not the PIN), the
 * engine gets the URI without either and the PIN through its "PIN"
 * control, and messages name the label without them. Without any PIN the
 * engine is not allowed to prompt; loading fails with a message saying how
 * to give one. PKCS#11 logs a process in per token, and libp11 keeps the
 * last PIN it was given for later logins: once one key of a token has
 * loaded, the token's other keys load whatever PIN their labels give.
 *
 * The PKCS#11 module is libp11's choice: PKCS11_MODULE_PATH, else the
 * engine's MODULE_PATH from OPENSSL_CONF, else p11-kit's proxy (which
 * reaches every module p11-kit knows, SoftHSM's included).
 *
 * The engine is loaded once per process and kept (PKCS#11 modules are
 * initialised once per process); loading keys is serialised. Messages go
 * into caller buffers of ZW_HSM_MSG octets; nothing here prints. */
#ifndef ZW_HSM_HSM_H
#define ZW_HSM_HSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "crypto/keyfile.h"

#define ZW_HSM_MSG 512
#define ZW_HSM_LABEL_MAX 1024
#define ZW_HSM_PIN_MAX 256
#define ZW_HSM_ENGINE "pkcs11"          /* the default engine */
#define ZW_HSM_PIN_ENV "ZW_PKCS11_PIN"

/* ---- labels ---- */

struct zw_hsm_label {
	char stored[ZW_HSM_LABEL_MAX];  /* for the .private: no pin-value */
	char uri[ZW_HSM_LABEL_MAX];     /* for the engine: no PIN attributes */
	char pin[ZW_HSM_PIN_MAX];       /* secret; "" when none was found */
	bool has_pin;
};

/* Split a label as described above and find its PIN (reading pin-source
 * or $ZW_PKCS11_PIN). Returns 0, ZW_ESYNTAX (bad label), ZW_ERANGE (too
 * long) or -errno (pin-source unreadable), with msg saying why; msg never
 * holds the PIN. Wipe the result with zw_hsm_label_wipe. */
int zw_hsm_label_parse(const char *label, struct zw_hsm_label *out,
		       char *msg, size_t msglen);
void zw_hsm_label_wipe(struct zw_hsm_label *l);

/* ---- the engine ---- */

/* Load and initialise `engine` (NULL: "pkcs11") once for the process; a
 * later call with another name is ZW_EEXIST. 0 or a zw_err with msg. */
int zw_hsm_engine_open(const char *engine, char *msg, size_t msglen);

/* The token's private key for label `l`: an OpenSSL EVP_PKEY that signs
 * through the engine (free with EVP_PKEY_free). NULL with *err
 * (ZW_ENOTFOUND: no such token or object; ZW_EKEY: login failed, no PIN;
 * ZW_ECRYPTO: other engine errors) and msg naming l->stored and the
 * engine's reasons ("PIN incorrect", "object not found", ...). */
struct evp_pkey_st *zw_hsm_load_private(const char *engine,
					const struct zw_hsm_label *l,
					int *err, char *msg, size_t msglen);

/* ---- keys ---- */

/* A key for the token key `label` (dnssec-keyfromlabel's job): DNSKEY
 * public key read from the token, private half left there; engine and
 * label (as stored) set, has_private true. Checks that the key type and
 * curve fit `alg` (RSASHA1, NSEC3RSASHA1, RSASHA256, RSASHA512,
 * ECDSAP256SHA256, ECDSAP384SHA384) and that a test signature made in the
 * token verifies with the public key read, so a token whose public and
 * private objects do not pair up (e.g. two keys sharing one CKA_ID) is
 * refused rather than published. NULL with *err and msg. */
struct zw_key *zw_hsm_key_from_label(const uint8_t *owner, uint8_t alg,
				     uint16_t flags, const char *engine,
				     const char *label, int *err, char *msg,
				     size_t msglen);

/* Give a key read from K-files whose .private names a label (public only
 * until now) its private half from the token. `engine` is -E's (NULL: the
 * key file's Engine, else "pkcs11"); a key file naming another engine is
 * ZW_EKEY. The token's key must be the .key file's (same public key, and
 * a test signature verifies), else ZW_EKEY. 0 or a zw_err with msg. */
int zw_hsm_key_attach(struct zw_key *key, const char *engine, char *msg,
		      size_t msglen);

/* Whether the token still signs with `key` now: 0, or the engine's reason
 * in msg ("Object handle invalid", "Token not present", ...) and a zw_err.
 * For messages after zw_key_sign failed (which drops OpenSSL's reasons). */
int zw_hsm_key_check(const struct zw_key *key, char *msg, size_t msglen);

/* ---- key files ---- */

/* zw_keyfile_new for a token key (from zw_hsm_key_from_label; ownership
 * passes, freed on failure): its .private will hold Engine and Label (and
 * an RSA key's Modulus and PublicExponent), no key material. */
struct zw_keyfile *zw_hsm_keyfile_new(struct zw_key *key, int *err);

/* zw_keyfile_load, then zw_hsm_key_attach when the .private names a label
 * and ZW_KF_PUBLIC is not in flags. Same errors and msg form as
 * zw_keyfile_load ("<file>: ..."). */
struct zw_keyfile *zw_hsm_keyfile_load(const char *dir, const char *name,
				       unsigned flags, const char *engine,
				       int *err, char *msg, size_t msglen);

#endif
