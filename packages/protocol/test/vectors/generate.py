#!/usr/bin/env python3
"""Independent test vectors for docs/spec/protocol.md (Hotline protocol objects).

Written only from the text of docs/spec/protocol.md, docs/spec/log.md §1-2 and
RFC 8032 (Ed25519, §5.1 and the Python illustration of §6). It shares no code
with the TypeScript implementation in packages/protocol and must never be fed
from it.

Standard library only. Deterministic: running it twice gives byte-identical
output. Before writing anything it checks its Ed25519 against RFC 8032 §7.1
TEST 1-3 and aborts on mismatch; it then re-decodes and re-verifies every
vector it produced with its own decoders and aborts if any case does not fail
(or pass) exactly as the file claims.

    python3 generate.py      # writes protocol.json next to this file
"""

import base64
import hashlib
import json
import os
import struct
import sys

# ---------------------------------------------------------------------------
# Ed25519, after RFC 8032 §6 (Python illustration) and §5.1.
# ---------------------------------------------------------------------------


def sha512(s):
    return hashlib.sha512(s).digest()


p = 2**255 - 19


def modp_inv(x):
    return pow(x, p - 2, p)


d = -121665 * modp_inv(121666) % p
q = 2**252 + 27742317777372353535851937790883648493


def sha512_modq(s):
    return int.from_bytes(sha512(s), "little") % q


# Points in extended coordinates (X, Y, Z, T): x = X/Z, y = Y/Z, x*y = T/Z.
def point_add(P, Q):
    A, B = (P[1] - P[0]) * (Q[1] - Q[0]) % p, (P[1] + P[0]) * (Q[1] + Q[0]) % p
    C, D = 2 * P[3] * Q[3] * d % p, 2 * P[2] * Q[2] % p
    E, F, G, H = B - A, D - C, D + C, B + A
    return (E * F, G * H, F * G, E * H)


def point_mul(s, P):
    Q = (0, 1, 1, 0)  # neutral element
    while s > 0:
        if s & 1:
            Q = point_add(Q, P)
        P = point_add(P, P)
        s >>= 1
    return Q


def point_equal(P, Q):
    if (P[0] * Q[2] - Q[0] * P[2]) % p != 0:
        return False
    if (P[1] * Q[2] - Q[1] * P[2]) % p != 0:
        return False
    return True


modp_sqrt_m1 = pow(2, (p - 1) // 4, p)


def recover_x(y, sign):
    if y >= p:
        return None
    x2 = (y * y - 1) * modp_inv(d * y * y + 1)
    if x2 == 0:
        if sign:
            return None
        return 0
    x = pow(x2, (p + 3) // 8, p)
    if (x * x - x2) % p != 0:
        x = x * modp_sqrt_m1 % p
    if (x * x - x2) % p != 0:
        return None
    if (x & 1) != sign:
        x = p - x
    return x


g_y = 4 * modp_inv(5) % p
g_x = recover_x(g_y, 0)
G = (g_x, g_y, 1, g_x * g_y % p)


def point_compress(P):
    zinv = modp_inv(P[2])
    x = P[0] * zinv % p
    y = P[1] * zinv % p
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def point_decompress(s):
    if len(s) != 32:
        raise ValueError("invalid input length for decompression")
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % p)


def secret_expand(secret):
    if len(secret) != 32:
        raise ValueError("bad size of private key")
    h = sha512(secret)
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return (a, h[32:])


def secret_to_public(secret):
    a, _ = secret_expand(secret)
    return point_compress(point_mul(a, G))


def ed25519_sign(secret, msg):
    a, prefix = secret_expand(secret)
    A = point_compress(point_mul(a, G))
    r = sha512_modq(prefix + msg)
    R = point_mul(r, G)
    Rs = point_compress(R)
    h = sha512_modq(Rs + A + msg)
    s = (r + h * a) % q
    return Rs + int.to_bytes(s, 32, "little")


def ed25519_verify(public, msg, signature):
    if len(public) != 32 or len(signature) != 64:
        return False
    A = point_decompress(public)
    if not A:
        return False
    Rs = signature[:32]
    R = point_decompress(Rs)
    if not R:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= q:  # canonical S (RFC 8032 §5.1.7 step 1)
        return False
    h = sha512_modq(Rs + public + msg)
    sB = point_mul(s, G)
    hA = point_mul(h, A)
    return point_equal(sB, point_add(R, hA))


# RFC 8032 §7.1 TEST 1, TEST 2, TEST 3 (secret, public, message, signature).
RFC8032_TESTS = [
    ("TEST 1",
     "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
     "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("TEST 2",
     "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
     "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("TEST 3",
     "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
     "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
]


def rfc8032_self_check():
    results = []
    for name, sk, pk, msg, sig in RFC8032_TESTS:
        sk, pk, msg, sig = (bytes.fromhex(x) for x in (sk, pk, msg, sig))
        ok_pub = secret_to_public(sk) == pk
        ok_sig = ed25519_sign(sk, msg) == sig
        ok_ver = ed25519_verify(pk, msg, sig)
        bad = bytearray(sig)
        bad[0] ^= 1
        ok_rej = not ed25519_verify(pk, msg, bytes(bad))
        # Non-canonical S (S + q) must be rejected.
        s = int.from_bytes(sig[32:], "little")
        noncanon = sig[:32] + int.to_bytes(s + q, 32, "little")
        ok_canon = not ed25519_verify(pk, msg, noncanon)
        if not (ok_pub and ok_sig and ok_ver and ok_rej and ok_canon):
            sys.exit("RFC 8032 self-check FAILED on %s (public %s, signature %s, verify %s, "
                     "reject-flip %s, reject-non-canonical-S %s)"
                     % (name, ok_pub, ok_sig, ok_ver, ok_rej, ok_canon))
        results.append(name)
    return results


# ---------------------------------------------------------------------------
# Encoding primitives (protocol.md §1) and labels (§2).
# ---------------------------------------------------------------------------

MAX_U64 = 2**53 - 1


def u8(v):
    return struct.pack(">B", v)


def u16(v):
    return struct.pack(">H", v)


def u32(v):
    return struct.pack(">I", v)


def u64(v):
    return struct.pack(">Q", v)


def bytes16(b):
    return u16(len(b)) + b


def bytes32(b):
    return u32(len(b)) + b


def string16(s):
    return bytes16(s.encode("utf-8"))


def labeled(label, payload):
    return label.encode("ascii") + b"\x0a" + payload


def H(label, x):
    return hashlib.sha256(labeled(label, x)).digest()


def sha256(b):
    return hashlib.sha256(b).digest()


def seed(name):
    return sha256(("hotline test vector seed " + name).encode("utf-8"))


def hx(b):
    return b.hex()


def flip_bit(b, index, mask=0x01):
    out = bytearray(b)
    out[index] ^= mask
    return bytes(out)


L_CERT = "hotline/v1/device-certificate"
L_CERT_HASH = "hotline/v1/certificate-hash"
L_REV = "hotline/v1/device-revocation"
L_REV_HASH = "hotline/v1/revocation-hash"
L_ENV = "hotline/v1/envelope"
L_CHANNEL_TAG = "hotline/v1/channel-tag"
L_PARTY_TAG = "hotline/v1/party-tag"
L_GENESIS = "hotline/v1/chain-genesis"
L_CHAIN = "hotline/v1/chain"
L_MEMBERSHIP = "hotline/v1/channel-membership"
L_LOGIN = "hotline/v1/login"

# ---------------------------------------------------------------------------
# Text rules.
# ---------------------------------------------------------------------------

# "Unicode space": the Unicode White_Space property (what Go's unicode.IsSpace,
# used by golang.org/x/mod/sumdb/note for key names, tests).
WHITE_SPACE = set([0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029,
                   0x202F, 0x205F, 0x3000] + list(range(0x2000, 0x200B)))


def is_control(cp):
    # Unicode general category Cc: C0 controls, DEL, C1 controls.
    return cp <= 0x1F or 0x7F <= cp <= 0x9F


def valid_key_name(s):
    b = s.encode("utf-8")
    if not (1 <= len(b) <= 255):
        return False
    for ch in s:
        cp = ord(ch)
        if cp in WHITE_SPACE or ch == "+" or is_control(cp):
            return False
    return True


def valid_member(s):
    b = s.encode("utf-8")
    if not (1 <= len(b) <= 255):
        return False
    if any(is_control(ord(ch)) for ch in s):
        return False
    # "no leading or trailing space": read as any Unicode White_Space.
    if ord(s[0]) in WHITE_SPACE or ord(s[-1]) in WHITE_SPACE:
        return False
    return True


# ---------------------------------------------------------------------------
# A small decoder, used to check that every vector behaves as claimed.
# ---------------------------------------------------------------------------


class DecodeError(Exception):
    def __init__(self, code, why):
        Exception.__init__(self, "%s: %s" % (code, why))
        self.code = code
        self.why = why


class Reader:
    def __init__(self, data, code):
        self.data = data
        self.pos = 0
        self.code = code

    def fail(self, why):
        raise DecodeError(self.code, why)

    def take(self, n):
        if self.pos + n > len(self.data):
            self.fail("truncated")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self):
        return self.take(1)[0]

    def u16(self):
        return struct.unpack(">H", self.take(2))[0]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def u64(self):
        v = struct.unpack(">Q", self.take(8))[0]
        if v > MAX_U64:
            self.fail("u64 above 2^53-1")
        return v

    def bytes16(self):
        return self.take(self.u16())

    def bytes32(self):
        return self.take(self.u32())

    def string16(self):
        b = self.bytes16()
        try:
            return b.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            self.fail("invalid UTF-8")

    def end(self):
        if self.pos != len(self.data):
            self.fail("trailing bytes")

    def version(self, expected=1):
        v = self.u8()
        if v != expected:
            raise DecodeError("unsupported_version", "version %d" % v)
        return v


def decode_certificate(data):
    r = Reader(data, "malformed_certificate")
    r.version()
    party = r.string16()
    if not valid_key_name(party):
        r.fail("party is not a valid key name")
    member = r.string16()
    if not valid_member(member):
        r.fail("bad member")
    roles = r.u8()
    if roles == 0 or roles & ~0x1F:
        r.fail("bad roles")
    device_key = r.take(32)
    not_before = r.u64()
    not_after = r.u64()
    if not not_after > not_before:
        r.fail("not after <= not before")
    body_end = r.pos
    signature = r.take(64)
    r.end()
    return dict(party=party, member=member, roles=roles, deviceKey=device_key,
                notBefore=not_before, notAfter=not_after, signature=signature,
                signed=labeled(L_CERT, data[:body_end]))


def decode_revocation(data):
    r = Reader(data, "malformed_revocation")
    r.version()
    party = r.string16()
    if not valid_key_name(party):
        r.fail("party is not a valid key name")
    device_key = r.take(32)
    time = r.u64()
    reason = r.string16()
    if len(reason.encode("utf-8")) > 1024:
        r.fail("reason too long")
    body_end = r.pos
    signature = r.take(64)
    r.end()
    return dict(party=party, deviceKey=device_key, time=time, reason=reason,
                signature=signature, signed=labeled(L_REV, data[:body_end]))


def decode_envelope(data):
    r = Reader(data, "malformed_envelope")
    r.version()
    kind = r.u8()
    if kind not in (1, 2):
        r.fail("bad kind")
    channel = r.take(16)
    commitment = r.take(32)
    payload = r.bytes32()
    if not (1 <= len(payload) <= 262144):
        r.fail("payload length")
    r.end()
    return dict(kind=kind, channelId=channel, commitment=commitment, payload=payload)


def decode_record(data):
    r = Reader(data, "malformed_record")
    if len(data) != 146:
        r.fail("not 146 bytes")
    r.version()
    kind = r.u8()
    if kind not in (1, 2, 3):
        r.fail("bad kind")
    tag = r.take(32)
    seq = r.u64()
    if seq < 1:
        r.fail("seq 0")
    item = r.take(32)
    aux = r.take(32)
    chain = r.take(32)
    time = r.u64()
    r.end()
    return dict(kind=kind, streamTag=tag, seq=seq, itemHash=item, aux=aux, chainHash=chain,
                receiveTime=time)


def decode_membership(data):
    r = Reader(data, "malformed_membership")
    r.version()  # the "format" field
    channel = r.take(16)
    version = r.u64()
    creator = r.take(32)
    count = r.u16()
    if not (1 <= count <= 1024):
        r.fail("count")
    members = [r.take(32) for _ in range(count)]
    for a, b in zip(members, members[1:]):
        if not a < b:
            r.fail("members not strictly ascending")
    if creator not in members:
        r.fail("creator not a member")
    body_end = r.pos
    signature = r.take(64)
    r.end()
    return dict(channelId=channel, version=version, creator=creator, members=members,
                signature=signature, signed=labeled(L_MEMBERSHIP, data[:body_end]))


# ---------------------------------------------------------------------------
# Encoders (protocol.md §3-§11).
# ---------------------------------------------------------------------------


def cert_body(party, member, roles, device_key, not_before, not_after, version=1,
              raw_party=None, raw_member=None):
    return (u8(version)
            + (bytes16(raw_party) if raw_party is not None else string16(party))
            + (bytes16(raw_member) if raw_member is not None else string16(member))
            + u8(roles) + device_key + u64(not_before) + u64(not_after))


def sign_cert(root_seed, body):
    return body + ed25519_sign(root_seed, labeled(L_CERT, body))


def rev_body(party, device_key, time, reason, version=1):
    return u8(version) + string16(party) + device_key + u64(time) + string16(reason)


def sign_rev(root_seed, body):
    return body + ed25519_sign(root_seed, labeled(L_REV, body))


def envelope(kind, channel, commitment, payload, version=1):
    return u8(version) + u8(kind) + channel + commitment + bytes32(payload)


def record(kind, tag, seq, item, aux, chain, time, version=1):
    return u8(version) + u8(kind) + tag + u64(seq) + item + aux + chain + u64(time)


def membership_body(channel, version, creator, members, fmt=1):
    return u8(fmt) + channel + u64(version) + creator + u16(len(members)) + b"".join(members)


def sign_membership(creator_seed, body):
    return body + ed25519_sign(creator_seed, labeled(L_MEMBERSHIP, body))


def login_message(origin, challenge, device_key):
    return labeled(L_LOGIN, string16(origin) + challenge + device_key)


def delivery(log_index, rec, env):
    return u64(log_index) + rec + bytes32(env)


def frame(ftype, request_id, body):
    return u8(ftype) + u32(request_id) + body


def vkey(name, type_byte, public):
    key_id = sha256(name.encode("utf-8") + b"\x0a" + bytes([type_byte]) + public)[:4]
    return "%s+%s+%s" % (name, key_id.hex(), base64.b64encode(bytes([type_byte]) + public).decode())


ROLE_NAMES = [(0x01, "principal"), (0x02, "operator"), (0x04, "translator"),
              (0x08, "observer"), (0x10, "admin")]


def role_names(mask):
    return [n for bit, n in ROLE_NAMES if mask & bit]


class Key:
    def __init__(self, name):
        self.name = name
        self.seed = seed(name)
        self.public = secret_to_public(self.seed)

    def json(self):
        return {"seedName": self.name, "seed": hx(self.seed), "publicKey": hx(self.public)}


# ---------------------------------------------------------------------------
# Build the vectors.
# ---------------------------------------------------------------------------

NOT_BEFORE = 1767225600   # 2026-01-01T00:00:00Z
NOT_AFTER = 1798761600    # 2027-01-01T00:00:00Z
RECEIVE_MS = 1767225600123


def build():
    out = {}
    failures = []

    def expect(cond, what):
        if not cond:
            failures.append(what)

    roots = {"washington": Key("party root washington"), "moscow": Key("party root moscow")}
    devices = {
        "alice": Key("device washington alice"),
        "bob": Key("device washington bob"),
        "duty": Key("device moscow duty officer"),
        "extra": Key("device washington extra"),
    }

    # ---- §3 device certificates -----------------------------------------
    cert_inputs = [
        ("washington-alice", "washington", "Alice Hamilton", 0x11, "alice"),
        ("washington-bob", "washington", "Bob J. Ortiz", 0x1F, "bob"),
        ("moscow-duty-officer", "moscow", "Дежурный офицер", 0x0A, "duty"),
    ]
    certs = {}
    valid_certs = []
    for name, party, member, roles, dev in cert_inputs:
        root = roots[party]
        body = cert_body(party, member, roles, devices[dev].public, NOT_BEFORE, NOT_AFTER)
        signed = labeled(L_CERT, body)
        enc = sign_cert(root.seed, body)
        h = H(L_CERT_HASH, enc)
        certs[name] = dict(encoding=enc, hash=h, device=devices[dev], party=party)
        dec = decode_certificate(enc)
        expect(ed25519_verify(root.public, dec["signed"], dec["signature"]), "cert verify " + name)
        expect(dec["member"] == member and dec["roles"] == roles, "cert roundtrip " + name)
        valid_certs.append({
            "name": name,
            "party": party,
            "member": member,
            "memberUtf8": hx(member.encode("utf-8")),
            "roles": roles,
            "roleNames": role_names(roles),
            "deviceKey": hx(devices[dev].public),
            "deviceSeed": hx(devices[dev].seed),
            "notBefore": NOT_BEFORE,
            "notAfter": NOT_AFTER,
            "rootSeedName": root.name,
            "rootSeed": hx(root.seed),
            "rootPublicKey": hx(root.public),
            "rootVkeyType01": vkey(party, 0x01, root.public),
            "signedMessage": hx(signed),
            "signature": hx(enc[-64:]),
            "encoding": hx(enc),
            "hash": hx(h),
            "validAt": [NOT_BEFORE, NOT_AFTER - 1],
            "notValidAt": [NOT_BEFORE - 1, NOT_AFTER],
        })

    w = roots["washington"]
    m = roots["moscow"]
    alice = devices["alice"].public
    base_enc = certs["washington-alice"]["encoding"]

    def bad_cert(name, enc, error, note):
        return {"name": name, "encoding": hx(enc), "decodes": False, "error": error, "note": note}

    invalid_certs = [
        bad_cert("truncated", base_enc[:-1], "malformed_certificate",
                 "washington-alice without its last byte"),
        bad_cert("truncated-header", base_enc[:3], "malformed_certificate",
                 "version byte and party length prefix (10), no party bytes"),
        bad_cert("empty", b"", "malformed_certificate", "zero bytes"),
        bad_cert("trailing-byte", base_enc + b"\x00", "malformed_certificate",
                 "washington-alice followed by one 0x00 byte"),
        bad_cert("roles-zero",
                 sign_cert(w.seed, cert_body("washington", "Alice Hamilton", 0x00, alice,
                                             NOT_BEFORE, NOT_AFTER)),
                 "malformed_certificate", "roles = 0x00, correctly signed"),
        bad_cert("roles-bit-0x20",
                 sign_cert(w.seed, cert_body("washington", "Alice Hamilton", 0x31, alice,
                                             NOT_BEFORE, NOT_AFTER)),
                 "malformed_certificate", "roles = 0x31 (0x20 is not a defined role), correctly signed"),
        bad_cert("roles-bit-0x80",
                 sign_cert(w.seed, cert_body("washington", "Alice Hamilton", 0x81, alice,
                                             NOT_BEFORE, NOT_AFTER)),
                 "malformed_certificate", "roles = 0x81, correctly signed"),
        bad_cert("not-after-equals-not-before",
                 sign_cert(w.seed, cert_body("washington", "Alice Hamilton", 0x11, alice,
                                             NOT_BEFORE, NOT_BEFORE)),
                 "malformed_certificate", "not after == not before, correctly signed"),
        bad_cert("not-after-before-not-before",
                 sign_cert(w.seed, cert_body("washington", "Alice Hamilton", 0x11, alice,
                                             NOT_AFTER, NOT_BEFORE)),
                 "malformed_certificate", "not after < not before, correctly signed"),
        bad_cert("member-leading-space",
                 sign_cert(w.seed, cert_body("washington", " Alice Hamilton", 0x11, alice,
                                             NOT_BEFORE, NOT_AFTER)),
                 "malformed_certificate", "member ' Alice Hamilton', correctly signed"),
        bad_cert("member-trailing-space",
                 sign_cert(w.seed, cert_body("washington", "Alice Hamilton ", 0x11, alice,
                                             NOT_BEFORE, NOT_AFTER)),
                 "malformed_certificate", "member 'Alice Hamilton ', correctly signed"),
        bad_cert("member-empty",
                 sign_cert(w.seed, cert_body("washington", "", 0x11, alice,
                                             NOT_BEFORE, NOT_AFTER)),
                 "malformed_certificate", "member of 0 bytes, correctly signed"),
        bad_cert("member-256-bytes",
                 sign_cert(w.seed, cert_body("washington", "A" * 256, 0x11, alice,
                                             NOT_BEFORE, NOT_AFTER)),
                 "malformed_certificate", "member of 256 ASCII bytes, correctly signed"),
        bad_cert("member-control-character",
                 sign_cert(w.seed, cert_body("washington", "Alice\tHamilton", 0x11, alice,
                                             NOT_BEFORE, NOT_AFTER)),
                 "malformed_certificate", "member contains U+0009 TAB, correctly signed"),
        bad_cert("member-invalid-utf8",
                 sign_cert(w.seed, cert_body("washington", None, 0x11, alice,
                                             NOT_BEFORE, NOT_AFTER,
                                             raw_member=b"Alice \xc3\x28 Hamilton")),
                 "malformed_certificate", "member bytes contain 0xC3 0x28 (invalid UTF-8), correctly signed"),
        bad_cert("party-with-space",
                 sign_cert(w.seed, cert_body("washington dc", "Alice Hamilton", 0x11, alice,
                                             NOT_BEFORE, NOT_AFTER)),
                 "malformed_certificate", "party 'washington dc', correctly signed"),
        bad_cert("party-with-no-break-space",
                 sign_cert(w.seed, cert_body("washington\u00a0dc", "Alice Hamilton", 0x11, alice,
                                             NOT_BEFORE, NOT_AFTER)),
                 "malformed_certificate", "party contains U+00A0 NO-BREAK SPACE, correctly signed"),
        bad_cert("party-with-plus",
                 sign_cert(w.seed, cert_body("washington+dc", "Alice Hamilton", 0x11, alice,
                                             NOT_BEFORE, NOT_AFTER)),
                 "malformed_certificate", "party 'washington+dc', correctly signed"),
        bad_cert("party-empty",
                 sign_cert(w.seed, cert_body("", "Alice Hamilton", 0x11, alice,
                                             NOT_BEFORE, NOT_AFTER)),
                 "malformed_certificate", "party of 0 bytes, correctly signed"),
        bad_cert("not-after-above-2^53-1",
                 sign_cert(w.seed, u8(1) + string16("washington") + string16("Alice Hamilton")
                           + u8(0x11) + alice + u64(NOT_BEFORE) + u64(2**53)),
                 "malformed_certificate", "not after = 2^53 (spec §1: MUST reject u64 above 2^53-1)"),
        bad_cert("version-2",
                 sign_cert(w.seed, cert_body("washington", "Alice Hamilton", 0x11, alice,
                                             NOT_BEFORE, NOT_AFTER, version=2)),
                 "unsupported_version", "version byte 2, otherwise identical layout, correctly signed"),
        bad_cert("version-0",
                 sign_cert(w.seed, cert_body("washington", "Alice Hamilton", 0x11, alice,
                                             NOT_BEFORE, NOT_AFTER, version=0)),
                 "unsupported_version", "version byte 0, otherwise identical layout, correctly signed"),
    ]

    # Flip 0x01 in the 'i' of "Alice" (-> 'h'): still a valid member name.
    member_offset = 1 + 2 + len("washington") + 2
    flip_at = member_offset + 2
    assert base_enc[flip_at:flip_at + 1] == b"i"
    flipped = flip_bit(base_enc, flip_at, 0x01)
    wrong_root = sign_cert(m.seed, cert_body("washington", "Alice Hamilton", 0x11, alice,
                                             NOT_BEFORE, NOT_AFTER))
    bad_sig = flip_bit(base_enc, len(base_enc) - 1, 0x01)
    invalid_certs += [
        {"name": "flipped-bit-in-member", "encoding": hx(flipped), "decodes": True,
         "verifyKey": hx(w.public), "verifyError": "bad_signature",
         "note": "washington-alice with byte %d ('i' of Alice) xor 0x01, member now 'Alhce Hamilton'"
                 % flip_at},
        {"name": "signed-by-wrong-party-root", "encoding": hx(wrong_root), "decodes": True,
         "verifyKey": hx(w.public), "verifyError": "bad_signature",
         "note": "party 'washington' but signed by the moscow root; verify under the washington root"},
        {"name": "flipped-bit-in-signature", "encoding": hx(bad_sig), "decodes": True,
         "verifyKey": hx(w.public), "verifyError": "bad_signature",
         "note": "washington-alice with the last signature byte xor 0x01"},
    ]
    # Every failing case must fail for the stated reason in our own decoder.
    for c in invalid_certs:
        enc = bytes.fromhex(c["encoding"])
        if c["decodes"]:
            dec = decode_certificate(enc)
            expect(not ed25519_verify(bytes.fromhex(c["verifyKey"]), dec["signed"], dec["signature"]),
                   "cert should not verify " + c["name"])
        else:
            try:
                decode_certificate(enc)
                failures.append("cert decoded unexpectedly " + c["name"])
            except DecodeError as e:
                expect(e.code == c["error"], "cert %s: got %s" % (c["name"], e))
    out["deviceCertificates"] = {"valid": valid_certs, "invalid": invalid_certs}

    # ---- §4 revocation --------------------------------------------------
    rev_time = 1769904000  # 2026-02-01T00:00:00Z
    reason = "device lost in transit"
    body = rev_body("washington", devices["bob"].public, rev_time, reason)
    rev = sign_rev(w.seed, body)
    rev_hash = H(L_REV_HASH, rev)
    dec = decode_revocation(rev)
    expect(ed25519_verify(w.public, dec["signed"], dec["signature"]), "revocation verify")
    reason_offset = 1 + 2 + len("washington") + 32 + 8 + 2
    flip_at = reason_offset + 1  # 'e' of "device" -> 'd'
    assert rev[flip_at:flip_at + 1] == b"e"
    rev_flipped = flip_bit(rev, flip_at, 0x01)
    dec = decode_revocation(rev_flipped)
    expect(not ed25519_verify(w.public, dec["signed"], dec["signature"]), "revocation flipped")
    rev_v2 = sign_rev(w.seed, rev_body("washington", devices["bob"].public, rev_time, reason, version=2))
    try:
        decode_revocation(rev_v2)
        failures.append("revocation v2 decoded")
    except DecodeError as e:
        expect(e.code == "unsupported_version", "revocation v2 code")
    out["revocations"] = {
        "valid": [{
            "name": "washington-revokes-bob",
            "party": "washington",
            "deviceKey": hx(devices["bob"].public),
            "time": rev_time,
            "reason": reason,
            "rootSeedName": w.name,
            "rootSeed": hx(w.seed),
            "rootPublicKey": hx(w.public),
            "signedMessage": hx(labeled(L_REV, body)),
            "signature": hx(rev[-64:]),
            "encoding": hx(rev),
            "hash": hx(rev_hash),
        }],
        "invalid": [
            {"name": "flipped-bit-in-reason", "encoding": hx(rev_flipped), "decodes": True,
             "verifyKey": hx(w.public), "verifyError": "bad_signature",
             "note": "byte %d ('e' of 'device') xor 0x01: reason now 'ddvice lost in transit'" % flip_at},
            {"name": "version-2", "encoding": hx(rev_v2), "decodes": False,
             "error": "unsupported_version", "note": "version byte 2, correctly signed"},
        ],
    }

    # ---- §5 envelopes ---------------------------------------------------
    chan_a = sha256(b"hotline test vector channel A")[:16]
    chan_b = sha256(b"hotline test vector channel B")[:16]
    commit1 = sha256(b"hotline test vector commitment 1")
    commit3 = sha256(b"hotline test vector commitment 3")
    zero32 = b"\x00" * 32
    payload1 = b"\x2a"
    payload2 = bytes(i & 0xFF for i in range(1024))
    payload3 = b"third"
    env1 = envelope(1, chan_a, commit1, payload1)
    env2 = envelope(2, chan_a, zero32, payload2)
    env3 = envelope(1, chan_a, commit3, payload3)
    env_hash = {k: H(L_ENV, v) for k, v in (("1", env1), ("2", env2), ("3", env3))}
    for e in (env1, env2, env3):
        decode_envelope(e)

    def env_case(name, kind, chan, commitment, payload, enc, h):
        return {"name": name, "version": 1, "kind": kind, "channelId": hx(chan),
                "commitment": hx(commitment), "payloadLength": len(payload),
                "payload": hx(payload), "encoding": hx(enc), "hash": hx(h)}

    def bad_env(name, enc, error, note):
        try:
            decode_envelope(enc)
            failures.append("envelope decoded unexpectedly " + name)
        except DecodeError as e:
            expect(e.code == error, "envelope %s: got %s" % (name, e))
        return {"name": name, "encoding": hx(enc), "decodes": False, "error": error, "note": note}

    out["envelopes"] = {
        "valid": [
            env_case("application-1-byte", 1, chan_a, commit1, payload1, env1, env_hash["1"]),
            env_case("handshake-1024-bytes", 2, chan_a, zero32, payload2, env2, env_hash["2"]),
        ],
        "invalid": [
            bad_env("kind-3", envelope(3, chan_a, commit1, payload1), "malformed_envelope", "kind byte 3"),
            bad_env("kind-0", envelope(0, chan_a, commit1, payload1), "malformed_envelope", "kind byte 0"),
            bad_env("empty-payload", envelope(1, chan_a, commit1, b""), "malformed_envelope",
                    "payload length 0"),
            bad_env("version-0", envelope(1, chan_a, commit1, payload1, version=0),
                    "unsupported_version", "version byte 0"),
            bad_env("version-2", envelope(1, chan_a, commit1, payload1, version=2),
                    "unsupported_version", "version byte 2"),
            bad_env("truncated", env1[:-1], "malformed_envelope",
                    "application-1-byte without its last byte (payload length says 1, 0 present)"),
            bad_env("truncated-in-header", env1[:20], "malformed_envelope",
                    "first 20 bytes of application-1-byte"),
            bad_env("trailing-byte", env1 + b"\x00", "malformed_envelope",
                    "application-1-byte followed by one 0x00 byte"),
            bad_env("payload-length-above-max", u8(1) + u8(1) + chan_a + commit1 + u32(262145),
                    "malformed_envelope",
                    "payload length prefix 262145 (> 262,144) and no payload bytes: rejected either "
                    "for the limit or as truncated"),
        ],
    }

    # ---- §6 streams -----------------------------------------------------
    tag_a = H(L_CHANNEL_TAG, chan_a)
    tag_b = H(L_CHANNEL_TAG, chan_b)
    tag_w = H(L_PARTY_TAG, "washington".encode("utf-8"))
    tag_m = H(L_PARTY_TAG, "moscow".encode("utf-8"))

    def chain(tag, items):
        c = [H(L_GENESIS, tag)]
        for it in items:
            c.append(H(L_CHAIN, c[-1] + it))
        return c

    chan_items = [env_hash["1"], env_hash["2"], env_hash["3"]]
    chan_chain = chain(tag_a, chan_items)
    dir_items = [certs["washington-alice"]["hash"], certs["washington-bob"]["hash"], rev_hash]
    dir_chain = chain(tag_w, dir_items)
    out["streams"] = {
        "channelTags": [
            {"channelId": hx(chan_a), "tag": hx(tag_a)},
            {"channelId": hx(chan_b), "tag": hx(tag_b)},
        ],
        "partyTags": [
            {"party": "washington", "tag": hx(tag_w)},
            {"party": "moscow", "tag": hx(tag_m)},
        ],
        "chains": [
            {
                "name": "channel-A",
                "streamTag": hx(tag_a),
                "streamTagOf": {"channelId": hx(chan_a)},
                "items": [
                    {"seq": 1, "kind": "envelope", "source": "envelopes.valid[0]",
                     "encoding": hx(env1), "itemHash": hx(chan_items[0])},
                    {"seq": 2, "kind": "envelope", "source": "envelopes.valid[1]",
                     "encoding": hx(env2), "itemHash": hx(chan_items[1])},
                    {"seq": 3, "kind": "envelope", "source": "this entry only",
                     "encoding": hx(env3), "itemHash": hx(chan_items[2])},
                ],
                "chain": [hx(c) for c in chan_chain],
            },
            {
                "name": "party-washington-directory",
                "streamTag": hx(tag_w),
                "streamTagOf": {"party": "washington"},
                "items": [
                    {"seq": 1, "kind": "certificate", "source": "deviceCertificates.valid[0]",
                     "encoding": hx(certs["washington-alice"]["encoding"]), "itemHash": hx(dir_items[0])},
                    {"seq": 2, "kind": "certificate", "source": "deviceCertificates.valid[1]",
                     "encoding": hx(certs["washington-bob"]["encoding"]), "itemHash": hx(dir_items[1])},
                    {"seq": 3, "kind": "revocation", "source": "revocations.valid[0]",
                     "encoding": hx(rev), "itemHash": hx(dir_items[2])},
                ],
                "chain": [hx(c) for c in dir_chain],
            },
        ],
    }

    # ---- §7 log records -------------------------------------------------
    rec1 = record(1, tag_a, 1, env_hash["1"], commit1, chan_chain[1], RECEIVE_MS)
    rec2 = record(2, tag_w, 2, dir_items[1], devices["bob"].public, dir_chain[2], RECEIVE_MS + 1000)
    rec3 = record(3, tag_w, 3, rev_hash, devices["bob"].public, dir_chain[3], RECEIVE_MS + 2000)
    for r_ in (rec1, rec2, rec3):
        expect(len(r_) == 146, "record length")
        decode_record(r_)

    def rec_case(name, kind, tag, seq, item, aux, ch, t, enc):
        return {"name": name, "version": 1, "kind": kind, "streamTag": hx(tag), "seq": seq,
                "itemHash": hx(item), "aux": hx(aux), "chainHash": hx(ch), "receiveTime": t,
                "encoding": hx(enc), "leafHash": hx(sha256(b"\x00" + enc))}

    def bad_rec(name, enc, error, note):
        try:
            decode_record(enc)
            failures.append("record decoded unexpectedly " + name)
        except DecodeError as e:
            expect(e.code == error, "record %s: got %s" % (name, e))
        return {"name": name, "encoding": hx(enc), "decodes": False, "error": error, "note": note}

    def rec_with(**kw):
        args = dict(kind=1, tag=tag_a, seq=1, item=env_hash["1"], aux=commit1,
                    chain=chan_chain[1], time=RECEIVE_MS, version=1)
        args.update(kw)
        return record(args["kind"], args["tag"], args["seq"], args["item"], args["aux"],
                      args["chain"], args["time"], args["version"])

    out["logRecords"] = {
        "valid": [
            rec_case("envelope-channel-A-seq-1", 1, tag_a, 1, env_hash["1"], commit1, chan_chain[1],
                     RECEIVE_MS, rec1),
            rec_case("certificate-washington-seq-2", 2, tag_w, 2, dir_items[1], devices["bob"].public,
                     dir_chain[2], RECEIVE_MS + 1000, rec2),
            rec_case("revocation-washington-seq-3", 3, tag_w, 3, rev_hash, devices["bob"].public,
                     dir_chain[3], RECEIVE_MS + 2000, rec3),
        ],
        "invalid": [
            bad_rec("kind-0", rec_with(kind=0), "malformed_record", "kind byte 0"),
            bad_rec("kind-4", rec_with(kind=4), "malformed_record", "kind byte 4"),
            bad_rec("seq-0", rec_with(seq=0), "malformed_record", "seq 0"),
            bad_rec("seq-above-2^53-1", rec_with(seq=2**53), "malformed_record", "seq 2^53"),
            bad_rec("receive-time-above-2^53-1", rec_with(time=2**53), "malformed_record",
                    "receive time 2^53"),
            bad_rec("145-bytes", rec1[:-1], "malformed_record", "envelope-channel-A-seq-1 without its last byte"),
            bad_rec("147-bytes", rec1 + b"\x00", "malformed_record",
                    "envelope-channel-A-seq-1 followed by one 0x00 byte"),
            bad_rec("version-2", rec_with(version=2), "unsupported_version", "version byte 2"),
        ],
    }

    # ---- §8 channel membership -----------------------------------------
    creator = devices["alice"]
    others = [devices["duty"].public, devices["bob"].public]
    given = [creator.public] + others
    # Make sure the given order really is unsorted.
    if given == sorted(given):
        given = list(reversed(given))
    assert given != sorted(given)
    members_sorted = sorted(given)
    mver = 7
    mbody = membership_body(chan_a, mver, creator.public, members_sorted)
    menc = sign_membership(creator.seed, mbody)
    dec = decode_membership(menc)
    expect(ed25519_verify(creator.public, dec["signed"], dec["signature"]), "membership verify")

    def bad_mem(name, enc, error, note):
        try:
            decode_membership(enc)
            failures.append("membership decoded unexpectedly " + name)
        except DecodeError as e:
            expect(e.code == error, "membership %s: got %s" % (name, e))
        return {"name": name, "encoding": hx(enc), "decodes": False, "error": error, "note": note}

    descending = sorted(given, reverse=True)
    without_creator = sorted(others)
    duplicate = sorted(given + [others[0]])
    m_flipped = flip_bit(menc, 1, 0x01)  # first byte of the channel id
    by_member = sign_membership(devices["bob"].seed, mbody)
    for name_, enc_ in (("flipped-bit-in-channel-id", m_flipped), ("signed-by-other-member", by_member)):
        dec = decode_membership(enc_)
        expect(not ed25519_verify(dec["creator"], dec["signed"], dec["signature"]), "membership " + name_)
    out["memberships"] = {
        "valid": [{
            "name": "channel-A-version-7",
            "format": 1,
            "channelId": hx(chan_a),
            "version": mver,
            "creator": hx(creator.public),
            "creatorSeedName": creator.name,
            "creatorSeed": hx(creator.seed),
            "membersGiven": [hx(k) for k in given],
            "membersSorted": [hx(k) for k in members_sorted],
            "signedMessage": hx(labeled(L_MEMBERSHIP, mbody)),
            "signature": hx(menc[-64:]),
            "encoding": hx(menc),
        }],
        "invalid": [
            bad_mem("members-descending",
                    sign_membership(creator.seed, membership_body(chan_a, mver, creator.public, descending)),
                    "malformed_membership", "the 3 members in descending order, correctly signed"),
            bad_mem("members-duplicate",
                    sign_membership(creator.seed, membership_body(chan_a, mver, creator.public, duplicate)),
                    "malformed_membership", "one member listed twice (ascending but not strictly), correctly signed"),
            bad_mem("creator-missing",
                    sign_membership(creator.seed, membership_body(chan_a, mver, creator.public, without_creator)),
                    "malformed_membership", "2 members, ascending, creator not among them, correctly signed"),
            bad_mem("count-0",
                    sign_membership(creator.seed, membership_body(chan_a, mver, creator.public, [])),
                    "malformed_membership", "count 0, correctly signed"),
            bad_mem("truncated", menc[:-1], "malformed_membership", "valid document without its last byte"),
            bad_mem("trailing-byte", menc + b"\x00", "malformed_membership",
                    "valid document followed by one 0x00 byte"),
            {"name": "flipped-bit-in-channel-id", "encoding": hx(m_flipped), "decodes": True,
             "verifyKey": hx(creator.public), "verifyError": "bad_signature",
             "note": "byte 1 (first channel id byte) xor 0x01"},
            {"name": "signed-by-other-member", "encoding": hx(by_member), "decodes": True,
             "verifyKey": hx(creator.public), "verifyError": "bad_signature",
             "note": "same body, signed by member bob instead of the creator"},
        ],
    }

    # ---- §9 login -------------------------------------------------------
    origin = "relay.hotline.invalid/0a1b2c3d"
    other_origin = "relay.other.invalid/0a1b2c3d"
    challenge = sha256(b"hotline test vector login challenge")
    other_challenge = sha256(b"hotline test vector login challenge 2")
    msg = login_message(origin, challenge, creator.public)
    sig = ed25519_sign(creator.seed, msg)
    expect(ed25519_verify(creator.public, msg, sig), "login verify")
    checks = []
    for name_, o, c in (("same-origin-same-challenge", origin, challenge),
                        ("different-origin", other_origin, challenge),
                        ("different-challenge", origin, other_challenge)):
        mm = login_message(o, c, creator.public)
        ok = ed25519_verify(creator.public, mm, sig)
        checks.append({"name": name_, "origin": o, "challenge": hx(c), "deviceKey": hx(creator.public),
                       "message": hx(mm), "signature": hx(sig), "valid": ok})
    expect([c["valid"] for c in checks] == [True, False, False], "login checks")
    out["logins"] = {
        "valid": [{
            "name": "alice-login",
            "origin": origin,
            "challenge": hx(challenge),
            "deviceSeedName": creator.name,
            "deviceSeed": hx(creator.seed),
            "deviceKey": hx(creator.public),
            "message": hx(msg),
            "signature": hx(sig),
        }],
        "checks": checks,
    }

    # ---- §10 delivery ---------------------------------------------------
    log_index = 41
    dlv = delivery(log_index, rec1, env1)
    out["deliveries"] = [{
        "name": "channel-A-seq-1",
        "logIndex": log_index,
        "record": hx(rec1),
        "envelope": hx(env1),
        "encoding": hx(dlv),
    }]

    # ---- §11 frames -----------------------------------------------------
    out["frames"] = [
        {"name": "subscribe", "type": 1, "requestId": 1,
         "fields": {"channelId": hx(chan_a), "fromSeq": 1},
         "encoding": hx(frame(1, 1, chan_a + u64(1)))},
        {"name": "unsubscribe", "type": 2, "requestId": 2,
         "fields": {"channelId": hx(chan_b)},
         "encoding": hx(frame(2, 2, chan_b))},
        {"name": "submit", "type": 3, "requestId": 3,
         "fields": {"envelope": hx(env1)},
         "encoding": hx(frame(3, 3, env1))},
        {"name": "receipt", "type": 10, "requestId": 3,
         "fields": {"seq": 1, "logIndex": log_index, "chainHash": hx(chan_chain[1]),
                    "receiveTime": RECEIVE_MS, "duplicate": False},
         "encoding": hx(frame(10, 3, u64(1) + u64(log_index) + chan_chain[1] + u64(RECEIVE_MS) + u8(0)))},
        {"name": "receipt-duplicate", "type": 10, "requestId": 0xFFFFFFFF,
         "fields": {"seq": 1, "logIndex": log_index, "chainHash": hx(chan_chain[1]),
                    "receiveTime": RECEIVE_MS, "duplicate": True},
         "encoding": hx(frame(10, 0xFFFFFFFF,
                              u64(1) + u64(log_index) + chan_chain[1] + u64(RECEIVE_MS) + u8(1)))},
        {"name": "delivery", "type": 11, "requestId": 0,
         "fields": {"channelId": hx(chan_a), "delivery": hx(dlv),
                    "logIndex": log_index, "record": hx(rec1), "envelope": hx(env1)},
         "encoding": hx(frame(11, 0, chan_a + dlv))},
        {"name": "error", "type": 12, "requestId": 3,
         "fields": {"status": 429, "code": "rate_limited", "message": "слишком часто — slow down"},
         "encoding": hx(frame(12, 3, u16(429) + string16("rate_limited")
                                   + string16("слишком часто — slow down")))},
        {"name": "subscribed", "type": 13, "requestId": 1,
         "fields": {"channelId": hx(chan_a), "lastSeq": 3},
         "encoding": hx(frame(13, 1, chan_a + u64(3)))},
    ]

    if failures:
        sys.exit("self-consistency FAILED:\n  " + "\n  ".join(failures))
    return out


def main():
    checked = rfc8032_self_check()
    vectors = build()
    doc = {
        "description": "Hotline protocol object test vectors (docs/spec/protocol.md), produced by "
                       "generate.py, an implementation independent of packages/protocol written "
                       "from the spec text only. All byte strings are lowercase hex. See README.md.",
        "spec": "docs/spec/protocol.md",
        "seedRule": "seed = SHA-256(UTF-8(\"hotline test vector seed \" + seedName)); Ed25519 keys "
                    "per RFC 8032 §5.1.5",
        "ed25519SelfCheck": "RFC 8032 §7.1 " + ", ".join(checked) + ": public keys, signatures "
                            "and verification match",
    }
    doc.update(vectors)
    here = os.path.dirname(os.path.abspath(__file__))
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    with open(os.path.join(here, "protocol.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    counts = {}
    for k, v in vectors.items():
        if isinstance(v, dict):
            counts[k] = {kk: len(vv) for kk, vv in v.items() if isinstance(vv, list)}
        else:
            counts[k] = len(v)
    print("RFC 8032 self-check passed:", ", ".join(checked))
    print("wrote protocol.json:", json.dumps(counts, ensure_ascii=False))


if __name__ == "__main__":
    main()
