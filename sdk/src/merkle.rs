//! Merkle commitments as the programs check them (ale-protocol's sorted-pair sha256):
//! a batch's items root and its gold answers root.

use ale_protocol::state::merkle_parent;

/// The levels of the tree over `leaves`, leaves first; an odd node moves up unpaired.
fn levels(leaves: &[[u8; 32]]) -> Vec<Vec<[u8; 32]>> {
    let mut levels = vec![leaves.to_vec()];
    while levels.last().is_some_and(|l| l.len() > 1) {
        let level = levels.last().expect("non-empty");
        let next = level
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => merkle_parent(a, b),
                [a] => *a,
                _ => unreachable!("chunks of two"),
            })
            .collect();
        levels.push(next);
    }
    levels
}

/// The root over `leaves` (all zeros for none).
pub fn root(leaves: &[[u8; 32]]) -> [u8; 32] {
    levels(leaves)
        .last()
        .and_then(|l| l.first().copied())
        .unwrap_or([0; 32])
}

/// The siblings that prove leaf `index` under `root(leaves)`.
pub fn proof(leaves: &[[u8; 32]], mut index: usize) -> Vec<[u8; 32]> {
    let mut proof = Vec::new();
    for level in levels(leaves).iter().take_while(|l| l.len() > 1) {
        let sibling = index ^ 1;
        if sibling < level.len() {
            proof.push(level[sibling]);
        }
        index /= 2;
    }
    proof
}

#[cfg(test)]
mod tests {
    use super::*;
    use ale_protocol::state::verify_proof;

    #[test]
    fn every_leaf_proves_under_the_root() {
        for n in 1..=9u8 {
            let leaves: Vec<[u8; 32]> = (0..n).map(|i| [i; 32]).collect();
            let r = root(&leaves);
            for (i, leaf) in leaves.iter().enumerate() {
                assert!(verify_proof(&r, *leaf, &proof(&leaves, i)), "n={n} i={i}");
                assert!(!verify_proof(&r, [99; 32], &proof(&leaves, i)));
            }
        }
    }
}
