//! Gold items: the poster commits to their answers with a Merkle root of
//! sha256(index || answer || salt) leaves (pairs hashed in sorted order), and reveals
//! them at the end with a proof each.

use solana_sha256_hasher::hashv;

pub fn gold_leaf(index: u32, answer: u8, salt: &[u8; 32]) -> [u8; 32] {
    hashv(&[&index.to_le_bytes(), &[answer], salt]).to_bytes()
}

/// The parent of two nodes: sha256 of the pair in sorted order.
pub fn merkle_parent(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    if a <= b {
        hashv(&[a, b]).to_bytes()
    } else {
        hashv(&[b, a]).to_bytes()
    }
}

/// Whether `leaf` is under `root` by `proof` (siblings from the leaf up).
pub fn verify_proof(root: &[u8; 32], leaf: [u8; 32], proof: &[[u8; 32]]) -> bool {
    proof
        .iter()
        .fold(leaf, |node, sibling| merkle_parent(&node, sibling))
        == *root
}
