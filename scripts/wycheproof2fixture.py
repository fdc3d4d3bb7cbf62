#!/usr/bin/env python3
"""Turn the Wycheproof JSON files the crypto tests use into line fixtures
under tests/crypto/data/, so the C test needs no JSON parser.

Usage: scripts/wycheproof2fixture.py [VECTORS_DIR] [OUT_DIR]
  (defaults: ../shared/vectors/wycheproof, tests/crypto/data)

Each fixture starts with
  # source <json file> sha256 <hex of the json> tests <numberOfTests>
(the test recomputes the hash, so a stale fixture fails), then one line per
test:
  <tcId> <valid|invalid|acceptable> <DNSKEY public key hex> <msg hex|-> <sig hex|-> <flags,...>
The public key is in DNSKEY form: x||y, each left-padded to the field size
(Wycheproof writes wx/wy as signed integers, sometimes with a 00 octet in
front) for ECDSA, the raw 32 octets for Ed25519.
"""
import hashlib
import json
import os
import sys

FILES = [
    # json file, fixture, algorithm, field octets, expected sha
    ("ecdsa_secp256r1_sha256_p1363_test.json", "wycheproof_ecdsa_p256.txt", 13, 32, "SHA-256"),
    ("ecdsa_secp384r1_sha384_p1363_test.json", "wycheproof_ecdsa_p384.txt", 14, 48, "SHA-384"),
    ("ed25519_test.json", "wycheproof_ed25519.txt", 15, 32, None),
]


def ec_coord(h, field):
    v = bytes.fromhex(h).lstrip(b"\0")
    if len(v) > field:
        raise ValueError("coordinate longer than the field")
    return v.rjust(field, b"\0").hex()


def pubkey(group, alg, field):
    pk = group["publicKey"]
    if alg == 15:
        if len(bytes.fromhex(pk["pk"])) != field:
            raise ValueError("bad Ed25519 key length")
        return pk["pk"]
    return ec_coord(pk["wx"], field) + ec_coord(pk["wy"], field)


def convert(src, dst, alg, field, sha):
    raw = open(src, "rb").read()
    data = json.loads(raw)
    lines = ["# source %s sha256 %s tests %d" % (
        os.path.basename(src), hashlib.sha256(raw).hexdigest(),
        data["numberOfTests"])]
    for group in data["testGroups"]:
        if sha is not None and group["sha"] != sha:
            raise ValueError("%s: unexpected hash %s" % (src, group["sha"]))
        key = pubkey(group, alg, field)
        for t in group["tests"]:
            lines.append("%d %s %s %s %s %s" % (
                t["tcId"], t["result"], key, t["msg"] or "-",
                t["sig"] or "-", ",".join(t["flags"]) or "-"))
    if len(lines) - 1 != data["numberOfTests"]:
        raise ValueError("%s: test count mismatch" % src)
    with open(dst + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(dst + ".tmp", dst)


def main():
    src_dir = sys.argv[1] if len(sys.argv) > 1 else "../shared/vectors/wycheproof"
    out_dir = sys.argv[2] if len(sys.argv) > 2 else "tests/crypto/data"
    for src, dst, alg, field, sha in FILES:
        convert(os.path.join(src_dir, src), os.path.join(out_dir, dst),
                alg, field, sha)


if __name__ == "__main__":
    main()
