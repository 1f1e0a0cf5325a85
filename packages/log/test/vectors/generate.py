#!/usr/bin/env python3
"""
Independent reference implementation of RFC 6962 Merkle trees, used ONLY to
generate test vectors for packages/log. It is NOT part of the library and
shares no code with the TypeScript implementation.

It is written straight from the text of RFC 6962 section 2.1:

  * MTH({})      = SHA-256()
  * MTH({d(0)})  = SHA-256(0x00 || d(0))
  * MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
                   where k is the largest power of two smaller than n
  * PATH(m, D[n])           (section 2.1.1, inclusion proofs)
  * PROOF(m, D[n]) = SUBPROOF(m, D[n], true)   (section 2.1.2, consistency)

by plain recursion over Python lists, with no caching, no bit tricks and no
cleverness, so that it is easy to check against the RFC by eye.

Expected error codes for the deliberately broken cases are decided by a model
of the verifiers of RFC 9162 section 2.1.3.2 (inclusion) and section 2.1.4.2
(consistency), also written here from the RFC text, wrapped in the error-code
semantics that packages/log documents (see README.md in this folder).

Before writing anything the script checks itself against values published by
transparency-dev/merkle (see KNOWN_* below) and against its own verifier
model; it aborts if any check fails.

Rerun (from this folder; Python 3, standard library only):

    python3 generate.py

Output is deterministic: running it twice produces byte-identical files.
"""

import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------
# RFC 6962 section 2.1: hashes
# ---------------------------------------------------------------------------

def sha256(data):
    return hashlib.sha256(data).digest()


def leaf_hash(entry):
    return sha256(b"\x00" + entry)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def largest_power_of_two_below(n):
    """k such that k < n <= 2k (n > 1)."""
    assert n > 1
    k = 1
    while k * 2 < n:
        k = k * 2
    return k


def mth(entries):
    """MTH(D[n]) from RFC 6962 section 2.1."""
    n = len(entries)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaf_hash(entries[0])
    k = largest_power_of_two_below(n)
    return node_hash(mth(entries[:k]), mth(entries[k:]))


# ---------------------------------------------------------------------------
# RFC 6962 section 2.1.1: PATH(m, D[n])
# ---------------------------------------------------------------------------

def path(m, entries):
    n = len(entries)
    assert 0 <= m < n
    if n == 1:
        return []
    k = largest_power_of_two_below(n)
    if m < k:
        return path(m, entries[:k]) + [mth(entries[k:])]
    return path(m - k, entries[k:]) + [mth(entries[:k])]


# ---------------------------------------------------------------------------
# RFC 6962 section 2.1.2: PROOF(m, D[n]) and SUBPROOF(m, D[n], b)
# ---------------------------------------------------------------------------

def proof(m, entries):
    """Defined by the RFC for 0 < m < n. For m == 0 or m == n the verifier
    semantics modelled below expect an empty proof, so return []."""
    n = len(entries)
    assert 0 <= m <= n
    if m == 0 or m == n:
        return []
    return subproof(m, entries, True)


def subproof(m, entries, b):
    n = len(entries)
    if m == n:
        if b:
            return []
        return [mth(entries)]
    k = largest_power_of_two_below(n)
    if m <= k:
        return subproof(m, entries[:k], b) + [mth(entries[k:])]
    return subproof(m - k, entries[k:], False) + [mth(entries[:k])]


# ---------------------------------------------------------------------------
# Verifier model: RFC 9162 sections 2.1.3.2 and 2.1.4.2, with the error
# codes of packages/log. Returns None when the proof verifies, else the code.
# Integers are unbounded Python ints; "LSB(x) set" is written x % 2 == 1 and
# "right-shift by one" is x // 2.
# ---------------------------------------------------------------------------

HASH_SIZE = 32


def model_inclusion(leaf_h, index, tree_size, proof_hashes, root):
    if index >= tree_size:
        return "index_out_of_range"
    for p in proof_hashes:
        if len(p) != HASH_SIZE:
            return "malformed_proof"
    fn = index
    sn = tree_size - 1
    r = leaf_h
    for p in proof_hashes:
        if sn == 0:
            return "wrong_proof_length"
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn = fn // 2
                    sn = sn // 2
        else:
            r = node_hash(r, p)
        fn = fn // 2
        sn = sn // 2
    if sn != 0:
        return "wrong_proof_length"
    if r != root:
        return "root_mismatch"
    return None


def is_power_of_two(n):
    return n > 0 and (n & (n - 1)) == 0


def model_consistency(size1, size2, proof_hashes, root1, root2):
    for h in [root1, root2] + list(proof_hashes):
        if len(h) != HASH_SIZE:
            return "malformed_proof"
    if size2 < size1:
        return "size_mismatch"
    if size1 == size2:
        if len(proof_hashes) != 0:
            return "wrong_proof_length"
        if root1 != root2:
            return "root_mismatch"
        return None
    if size1 == 0:
        if len(proof_hashes) != 0:
            return "wrong_proof_length"
        return None
    if len(proof_hashes) == 0:
        return "wrong_proof_length"
    # RFC 9162 section 2.1.4.2, steps 1-7.
    if is_power_of_two(size1):
        path_hashes = [root1] + list(proof_hashes)
    else:
        path_hashes = list(proof_hashes)
    fn = size1 - 1
    sn = size2 - 1
    while fn % 2 == 1:
        fn = fn // 2
        sn = sn // 2
    fr = path_hashes[0]
    sr = path_hashes[0]
    for c in path_hashes[1:]:
        if sn == 0:
            return "wrong_proof_length"
        if fn % 2 == 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn = fn // 2
                    sn = sn // 2
        else:
            sr = node_hash(sr, c)
        fn = fn // 2
        sn = sn // 2
    if sn != 0:
        return "wrong_proof_length"
    if fr != root1 or sr != root2:
        return "root_mismatch"
    return None


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------

# The example tree of the Certificate Transparency / transparency-dev tests.
RFC_EXAMPLE_ENTRIES_HEX = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
RFC_EXAMPLE_ENTRIES = [bytes.fromhex(h) for h in RFC_EXAMPLE_ENTRIES_HEX]


def counter_entry(i):
    """Entry i of the 'counter' tree: i as 4 bytes, big-endian."""
    return i.to_bytes(4, "big")


def counter_entries(n):
    return [counter_entry(i) for i in range(n)]


# ---------------------------------------------------------------------------
# Known answers, published by transparency-dev/merkle. Values only (hex).
# ---------------------------------------------------------------------------

# transparency-dev/merkle testonly/constants.go, RootHashes() (sizes 0..8).
KNOWN_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

# transparency-dev/merkle testonly/constants.go, NodeHashes(): every complete
# subtree, by level (0 = leaf hashes) and index within the level.
KNOWN_NODE_HASHES = [
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    [
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ],
]

# transparency-dev/merkle proof/verify_test.go, inclusionProofs
# (0-based index, tree size, proof). That file numbers leaves from 1.
KNOWN_INCLUSION = [
    (0, 8, [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]),
    (5, 8, [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]),
    (2, 3, [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    ]),
    (1, 5, [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ]),
    (0, 1, []),
]

# transparency-dev/merkle proof/verify_test.go, consistencyProofs.
KNOWN_CONSISTENCY = [
    (1, 1, []),
    (1, 8, [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]),
    (6, 8, [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]),
    (2, 5, [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ]),
    (6, 7, [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]),
]


def hexs(hashes):
    return [h.hex() for h in hashes]


def check_known_answers():
    d = RFC_EXAMPLE_ENTRIES
    for size in range(9):
        got = mth(d[:size]).hex()
        assert got == KNOWN_ROOTS[size], ("root", size, got)
    for level, row in enumerate(KNOWN_NODE_HASHES):
        width = 2 ** level
        for i, want in enumerate(row):
            got = mth(d[i * width:(i + 1) * width]).hex()
            assert got == want, ("node", level, i, got)
    for index, size, want in KNOWN_INCLUSION:
        got = hexs(path(index, d[:size]))
        assert got == want, ("inclusion", index, size, got)
    for size1, size2, want in KNOWN_CONSISTENCY:
        got = hexs(proof(size1, d[:size2]))
        assert got == want, ("consistency", size1, size2, got)


# ---------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------

def flip_bit(h):
    """Flip the lowest bit of the first byte."""
    return bytes([h[0] ^ 0x01]) + h[1:]


# A hash that appears in no tree generated here: SHA-256 of this label.
EXTRA_HASH = sha256(b"hotline test vector: extra hash")


# ---------------------------------------------------------------------------
# rfc6962-roots.json
# ---------------------------------------------------------------------------

def build_roots():
    d = RFC_EXAMPLE_ENTRIES
    example = {
        "entries": RFC_EXAMPLE_ENTRIES_HEX,
        "leafHashes": [leaf_hash(e).hex() for e in d],
        "roots": [{"treeSize": n, "root": mth(d[:n]).hex()} for n in range(9)],
    }
    counter = {
        "entryEncoding": "entry i is the 4-byte big-endian encoding of i",
        "roots": [{"treeSize": n, "root": mth(counter_entries(n)).hex()} for n in range(71)],
    }
    return {
        "description": "RFC 6962 Merkle tree hashes (MTH) computed by generate.py",
        "rfc6962Example": example,
        "counter": counter,
    }


# ---------------------------------------------------------------------------
# inclusion.json
# ---------------------------------------------------------------------------

def inclusion_case(name, leaf_h, index, tree_size, proof_hashes, root, expect_error):
    got = model_inclusion(leaf_h, index, tree_size, proof_hashes, root)
    assert got == expect_error, (name, got, expect_error)
    return {
        "name": name,
        "leafHash": leaf_h.hex(),
        "index": index,
        "treeSize": tree_size,
        "proof": hexs(proof_hashes),
        "root": root.hex(),
        "valid": expect_error is None,
        "error": expect_error,
    }


def broken_inclusion_cases(tree_name, entries, index):
    """Broken variants of the valid proof for `index` in the tree `entries`."""
    n = len(entries)
    leaf_h = leaf_hash(entries[index])
    good = path(index, entries)
    root = mth(entries)
    base = "%s/size=%d/index=%d" % (tree_name, n, index)
    out = []

    other = index + 1 if index + 1 < n else index - 1
    if other >= 0 and other != index:
        wrong_leaf = leaf_hash(entries[other])
    else:
        wrong_leaf = leaf_hash(b"not in the tree")
    out.append(inclusion_case(base + "/wrong-leaf", wrong_leaf, index, n, good, root, "root_mismatch"))

    if len(good) > 0:
        for j in sorted(set([0, len(good) - 1])):
            bad = list(good)
            bad[j] = flip_bit(bad[j])
            out.append(inclusion_case("%s/flipped-bit-in-proof[%d]" % (base, j), leaf_h, index, n, bad, root, "root_mismatch"))

    out.append(inclusion_case(base + "/flipped-bit-in-root", leaf_h, index, n, good, flip_bit(root), "root_mismatch"))

    if len(good) > 0:
        out.append(inclusion_case(base + "/truncated-proof", leaf_h, index, n, good[:-1], root, "wrong_proof_length"))

    out.append(inclusion_case(base + "/extra-hash", leaf_h, index, n, good + [EXTRA_HASH], root, "wrong_proof_length"))

    for delta in (-1, 1):
        wrong_index = index + delta
        if 0 <= wrong_index < n:
            err = model_inclusion(leaf_h, wrong_index, n, good, root)
            assert err in ("root_mismatch", "wrong_proof_length"), err
            out.append(inclusion_case("%s/wrong-index(%d)" % (base, wrong_index), leaf_h, wrong_index, n, good, root, err))

    out.append(inclusion_case(base + "/index-out-of-range", leaf_h, n, n, good, root, "index_out_of_range"))

    # A tree size off by one can leave the shape of the leaf's path unchanged
    # (e.g. index 0 of sizes 3 and 4), and then the RFC 9162 algorithm
    # recomputes the same root and ACCEPTS the proof: the root and proof do
    # not commit to the tree size on their own (a signed checkpoint does).
    # Such cases are emitted with valid = true and error = null.
    for delta in (-1, 1):
        wrong_size = n + delta
        err = model_inclusion(leaf_h, index, wrong_size, good, root)
        assert err in (None, "root_mismatch", "wrong_proof_length", "index_out_of_range"), err
        out.append(inclusion_case("%s/wrong-size(%d)" % (base, wrong_size), leaf_h, index, wrong_size, good, root, err))

    if len(good) > 0:
        # Index is valid here, so this case does not depend on whether the
        # index or the hash lengths are checked first.
        bad = list(good)
        bad[-1] = bad[-1][:31]
        out.append(inclusion_case(base + "/short-hash", leaf_h, index, n, bad, root, "malformed_proof"))

    return out


def build_inclusion():
    cases = []

    # RFC 6962 example tree: every index of every size 1..8.
    d = RFC_EXAMPLE_ENTRIES
    for n in range(1, 9):
        for i in range(n):
            cases.append(inclusion_case("rfc6962-example/size=%d/index=%d/valid" % (n, i),
                                        leaf_hash(d[i]), i, n, path(i, d[:n]), mth(d[:n]), None))

    # Counter tree: every index of every size 1..20.
    for n in range(1, 21):
        entries = counter_entries(n)
        root = mth(entries)
        for i in range(n):
            cases.append(inclusion_case("counter/size=%d/index=%d/valid" % (n, i),
                                        leaf_hash(entries[i]), i, n, path(i, entries), root, None))

    # Counter tree: larger sizes, a few indexes each.
    for n in (255, 256, 257, 1000):
        entries = counter_entries(n)
        root = mth(entries)
        for i in sorted(set([0, 1, n // 2 - 1, n // 2, n - 2, n - 1])):
            cases.append(inclusion_case("counter/size=%d/index=%d/valid" % (n, i),
                                        leaf_hash(entries[i]), i, n, path(i, entries), root, None))

    # Broken cases.
    for n in range(1, 21):
        entries = counter_entries(n)
        for i in sorted(set([0, n // 2, n - 1])):
            cases.extend(broken_inclusion_cases("counter", entries, i))
    for n in (255, 256, 257, 1000):
        entries = counter_entries(n)
        for i in sorted(set([0, n // 2, n - 1])):
            cases.extend(broken_inclusion_cases("counter", entries, i))
    for n in (5, 8):
        for i in range(n):
            cases.extend(broken_inclusion_cases("rfc6962-example", d[:n], i))

    return cases


# ---------------------------------------------------------------------------
# consistency.json
# ---------------------------------------------------------------------------

def consistency_case(name, size1, size2, root1, root2, proof_hashes, expect_error):
    got = model_consistency(size1, size2, proof_hashes, root1, root2)
    assert got == expect_error, (name, got, expect_error)
    return {
        "name": name,
        "size1": size1,
        "size2": size2,
        "root1": root1.hex(),
        "root2": root2.hex(),
        "proof": hexs(proof_hashes),
        "valid": expect_error is None,
        "error": expect_error,
    }


def broken_consistency_cases(tree_name, entries, size1, size2):
    """Broken variants of the valid proof from size1 to size2, 0 < size1 < size2."""
    assert 0 < size1 < size2 <= len(entries)
    root1 = mth(entries[:size1])
    root2 = mth(entries[:size2])
    good = proof(size1, entries[:size2])
    assert len(good) > 0
    base = "%s/%d-%d" % (tree_name, size1, size2)
    out = []

    for j in sorted(set([0, len(good) - 1])):
        bad = list(good)
        bad[j] = flip_bit(bad[j])
        out.append(consistency_case("%s/flipped-bit-in-proof[%d]" % (base, j), size1, size2, root1, root2, bad, "root_mismatch"))
    out.append(consistency_case(base + "/flipped-bit-in-root1", size1, size2, flip_bit(root1), root2, good, "root_mismatch"))
    out.append(consistency_case(base + "/flipped-bit-in-root2", size1, size2, root1, flip_bit(root2), good, "root_mismatch"))

    err = model_consistency(size1, size2, good[:-1], root1, root2)
    assert err == "wrong_proof_length", err
    out.append(consistency_case(base + "/truncated-proof", size1, size2, root1, root2, good[:-1], err))

    out.append(consistency_case(base + "/extra-hash", size1, size2, root1, root2, good + [EXTRA_HASH], "wrong_proof_length"))
    out.append(consistency_case(base + "/empty-proof", size1, size2, root1, root2, [], "wrong_proof_length"))
    out.append(consistency_case(base + "/size1-greater-than-size2", size2, size1, root2, root1, good, "size_mismatch"))

    bad = list(good)
    bad[0] = bad[0][:31]
    out.append(consistency_case(base + "/short-hash-in-proof", size1, size2, root1, root2, bad, "malformed_proof"))
    out.append(consistency_case(base + "/short-root1", size1, size2, root1[:31], root2, good, "malformed_proof"))
    return out


def build_consistency():
    cases = []

    # RFC 6962 example tree: all 0 <= size1 <= size2 <= 8.
    d = RFC_EXAMPLE_ENTRIES
    for size2 in range(0, 9):
        for size1 in range(0, size2 + 1):
            cases.append(consistency_case("rfc6962-example/%d-%d/valid" % (size1, size2), size1, size2,
                                          mth(d[:size1]), mth(d[:size2]), proof(size1, d[:size2]), None))

    # Counter tree: all 0 <= size1 <= size2 <= 20.
    entries = counter_entries(1024)
    for size2 in range(0, 21):
        for size1 in range(0, size2 + 1):
            cases.append(consistency_case("counter/%d-%d/valid" % (size1, size2), size1, size2,
                                          mth(entries[:size1]), mth(entries[:size2]),
                                          proof(size1, entries[:size2]), None))

    large_pairs = [(255, 256), (256, 257), (1, 1000), (511, 1024), (700, 1000),
                   (3, 1000), (512, 1000), (999, 1000), (0, 1000), (1000, 1000)]
    for size1, size2 in large_pairs:
        cases.append(consistency_case("counter/%d-%d/valid" % (size1, size2), size1, size2,
                                      mth(entries[:size1]), mth(entries[:size2]),
                                      proof(size1, entries[:size2]), None))

    # Broken cases with a non-trivial proof.
    broken_pairs = []
    for size2 in range(2, 21):
        for size1 in sorted(set([1, size2 // 2, size2 - 1])):
            if 0 < size1 < size2:
                broken_pairs.append((size1, size2))
    broken_pairs += [(255, 256), (256, 257), (1, 1000), (511, 1024), (700, 1000)]
    for size1, size2 in broken_pairs:
        cases.extend(broken_consistency_cases("counter", entries, size1, size2))
    for size1, size2 in [(1, 8), (2, 5), (3, 7), (4, 8), (6, 7), (6, 8)]:
        cases.extend(broken_consistency_cases("rfc6962-example", d, size1, size2))

    # Trivial-size special cases.
    for size in (0, 1, 5, 8, 16):
        r = mth(entries[:size])
        other = mth(entries[:size + 1])
        cases.append(consistency_case("counter/%d-%d/equal-sizes-different-roots" % (size, size),
                                      size, size, r, other, [], "root_mismatch"))
        cases.append(consistency_case("counter/%d-%d/equal-sizes-non-empty-proof" % (size, size),
                                      size, size, r, r, [EXTRA_HASH], "wrong_proof_length"))
    for size2 in (1, 2, 7, 16):
        r1 = mth([])
        r2 = mth(entries[:size2])
        cases.append(consistency_case("counter/0-%d/size1-zero-non-empty-proof" % size2,
                                      0, size2, r1, r2, [r2], "wrong_proof_length"))
    for size1, size2 in ((1, 0), (2, 1), (8, 7), (1000, 999)):
        cases.append(consistency_case("counter/%d-%d/size1-greater-than-size2-empty-proof" % (size1, size2),
                                      size1, size2, mth(entries[:size1]), mth(entries[:size2]), [],
                                      "size_mismatch"))

    return cases


# ---------------------------------------------------------------------------
# Self-checks and output
# ---------------------------------------------------------------------------

def self_check_against_model():
    """Every PATH / PROOF produced from the RFC 6962 recursion must be accepted
    by the RFC 9162 verifier model, for all small sizes."""
    entries = counter_entries(70)
    for n in range(1, 71):
        root = mth(entries[:n])
        for i in range(n):
            assert model_inclusion(leaf_hash(entries[i]), i, n, path(i, entries[:n]), root) is None, (i, n)
    for size2 in range(0, 41):
        for size1 in range(0, size2 + 1):
            p = proof(size1, entries[:size2])
            assert model_consistency(size1, size2, p, mth(entries[:size1]), mth(entries[:size2])) is None, (size1, size2)


def write_json(name, value):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
        json.dump(value, f, indent=2, ensure_ascii=True)
        f.write("\n")


def main():
    check_known_answers()
    self_check_against_model()

    roots = build_roots()
    inclusion = build_inclusion()
    consistency = build_consistency()

    for cases in (inclusion, consistency):
        names = [c["name"] for c in cases]
        assert len(names) == len(set(names)), "duplicate case names"

    write_json("rfc6962-roots.json", roots)
    write_json("inclusion.json", inclusion)
    write_json("consistency.json", consistency)

    for name, cases in (("inclusion.json", inclusion), ("consistency.json", consistency)):
        valid = sum(1 for c in cases if c["valid"])
        by_error = {}
        for c in cases:
            if c["error"] is not None:
                by_error[c["error"]] = by_error.get(c["error"], 0) + 1
        print("%s: %d cases (%d valid, invalid by error: %s)" % (name, len(cases), valid, json.dumps(by_error, sort_keys=True)))
    print("rfc6962-roots.json: %d example roots, %d counter roots" % (
        len(roots["rfc6962Example"]["roots"]), len(roots["counter"]["roots"])))


if __name__ == "__main__":
    main()
