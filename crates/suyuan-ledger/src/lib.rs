//! Suyuan's tamper-evident log: the Merkle tree of RFC 9162 §2.1 over accepted events.
//!
//! Hashing is SHA-256 with domain separation — a leaf is `H(0x00 ‖ data)`, an interior node
//! `H(0x01 ‖ left ‖ right)` — and the tree over `n` leaves splits at the largest power of two
//! smaller than `n`. The functions here compute roots and proofs from the leaf hashes and
//! verify proofs with nothing but the hashes, as an offline verifier must.

use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// `H(0x00 ‖ data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(data);
    hasher.finalize().into()
}

/// `H(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The root of the empty tree: the hash of the empty string.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest power of two strictly smaller than `n` (`n` ≥ 2): where RFC 9162 splits.
fn split(n: usize) -> usize {
    debug_assert!(n >= 2);
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// MTH(D[n]): the root over leaf hashes.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// PATH(m, D[n]): the inclusion proof of leaf `index`, or `None` if it is out of range.
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    path(leaves, index, &mut proof);
    Some(proof)
}

fn path(leaves: &[Hash], index: usize, proof: &mut Vec<Hash>) {
    if leaves.len() <= 1 {
        return;
    }
    let k = split(leaves.len());
    if index < k {
        path(&leaves[..k], index, proof);
        proof.push(root(&leaves[k..]));
    } else {
        path(&leaves[k..], index - k, proof);
        proof.push(root(&leaves[..k]));
    }
}

/// PROOF(m, D[n]): the proof that the tree of the first `old_size` leaves is a prefix of the
/// tree of all `leaves`; `None` unless `old_size` ≤ `leaves.len()`.
pub fn consistency_proof(leaves: &[Hash], old_size: usize) -> Option<Vec<Hash>> {
    if old_size > leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    if old_size > 0 {
        subproof(old_size, leaves, true, &mut proof);
    }
    Some(proof)
}

fn subproof(m: usize, leaves: &[Hash], whole: bool, proof: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !whole {
            proof.push(root(leaves));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(m, &leaves[..k], whole, proof);
        proof.push(root(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, proof);
        proof.push(root(&leaves[..k]));
    }
}

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("leaf index {index} is not below the tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("the first tree size {first} is larger than the second {second}")]
    SizesOutOfOrder { first: u64, second: u64 },
    #[error("the proof has the wrong number of hashes for these sizes")]
    WrongLength,
    #[error("the proof does not lead to the expected root")]
    RootMismatch,
}

/// Verifies an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return Err(ProofError::WrongLength);
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength);
    }
    if &r != root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Verifies a consistency proof between two tree heads (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if first > second {
        return Err(ProofError::SizesOutOfOrder { first, second });
    }
    if first == second || first == 0 {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength);
        }
        return if first == 0 || first_root == second_root {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if first.is_power_of_two() {
        path.push(*first_root);
    }
    path.extend_from_slice(proof);
    let Some((head, rest)) = path.split_first() else {
        return Err(ProofError::WrongLength);
    };
    let (mut f, mut s) = (first - 1, second - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (*head, *head);
    for c in rest {
        if s == 0 {
            return Err(ProofError::WrongLength);
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength);
    }
    if &fr != first_root || &sr != second_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use data_encoding::HEXLOWER;
    use serde_json::Value;

    fn vectors() -> Value {
        serde_json::from_str(include_str!("../testdata/rfc6962-vectors.json")).expect("vectors")
    }

    fn hash(value: &Value) -> Hash {
        let bytes = HEXLOWER
            .decode(value.as_str().expect("hex").as_bytes())
            .expect("hex");
        bytes.try_into().expect("32 bytes")
    }

    fn hashes(value: &Value) -> Vec<Hash> {
        value.as_array().expect("array").iter().map(hash).collect()
    }

    fn leaves() -> Vec<Hash> {
        vectors()["leaves"]
            .as_array()
            .expect("leaves")
            .iter()
            .map(|leaf| {
                leaf_hash(
                    &HEXLOWER
                        .decode(leaf.as_str().expect("hex").as_bytes())
                        .expect("hex"),
                )
            })
            .collect()
    }

    #[test]
    fn leaf_hashes_match_the_published_vectors() {
        assert_eq!(leaves(), hashes(&vectors()["leaf_hashes"]));
    }

    #[test]
    fn roots_match_the_published_vectors_for_every_size() {
        let leaves = leaves();
        for (size, expected) in hashes(&vectors()["roots"]).iter().enumerate() {
            assert_eq!(&root(&leaves[..size]), expected, "size {size}");
        }
    }

    #[test]
    fn inclusion_proofs_match_and_verify() {
        let leaves = leaves();
        for case in vectors()["inclusion"].as_array().expect("cases") {
            let index = case["index"].as_u64().expect("index");
            let size = case["size"].as_u64().expect("size");
            let expected = hashes(&case["proof"]);
            let tree = &leaves[..size as usize];
            assert_eq!(
                inclusion_proof(tree, index as usize),
                Some(expected.clone()),
                "{case}"
            );
            let tree_root = root(tree);
            assert_eq!(
                verify_inclusion(&leaves[index as usize], index, size, &expected, &tree_root),
                Ok(())
            );
            let other = (index + 1) % size;
            assert!(
                verify_inclusion(&leaves[index as usize], other, size, &expected, &tree_root)
                    .is_err()
            );
        }
    }

    #[test]
    fn consistency_proofs_match_and_verify() {
        let leaves = leaves();
        for case in vectors()["consistency"].as_array().expect("cases") {
            let first = case["first"].as_u64().expect("first") as usize;
            let second = case["second"].as_u64().expect("second") as usize;
            let expected = hashes(&case["proof"]);
            let tree = &leaves[..second];
            assert_eq!(
                consistency_proof(tree, first),
                Some(expected.clone()),
                "{case}"
            );
            let (a, b) = (root(&leaves[..first]), root(tree));
            assert_eq!(
                verify_consistency(first as u64, second as u64, &a, &b, &expected),
                Ok(())
            );
            if first != second {
                assert_eq!(
                    verify_consistency(first as u64, second as u64, &b, &a, &expected),
                    Err(ProofError::RootMismatch)
                );
            }
        }
    }

    #[test]
    fn every_proof_of_small_trees_verifies_and_tampering_fails() {
        let leaves: Vec<Hash> = (0u16..70).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        for size in 1..=leaves.len() {
            let tree = &leaves[..size];
            let tree_root = root(tree);
            for index in 0..size {
                let proof = inclusion_proof(tree, index).expect("in range");
                assert_eq!(
                    verify_inclusion(&tree[index], index as u64, size as u64, &proof, &tree_root),
                    Ok(())
                );
                if let Some(first) = proof.first() {
                    let mut bad = proof.clone();
                    bad[0] = node_hash(first, first);
                    assert!(
                        verify_inclusion(&tree[index], index as u64, size as u64, &bad, &tree_root)
                            .is_err()
                    );
                }
            }
            for old in 0..=size {
                let proof = consistency_proof(tree, old).expect("in range");
                let old_root = root(&leaves[..old]);
                assert_eq!(
                    verify_consistency(old as u64, size as u64, &old_root, &tree_root, &proof),
                    Ok(()),
                    "{old} → {size}"
                );
            }
        }
    }

    #[test]
    fn out_of_range_requests_are_refused() {
        let leaves = leaves();
        assert_eq!(inclusion_proof(&leaves, 8), None);
        assert_eq!(consistency_proof(&leaves, 9), None);
        assert_eq!(
            verify_inclusion(&leaves[0], 8, 8, &[], &root(&leaves)),
            Err(ProofError::IndexOutOfRange { index: 8, size: 8 })
        );
        assert!(verify_consistency(5, 3, &leaves[0], &leaves[1], &[]).is_err());
    }
}
