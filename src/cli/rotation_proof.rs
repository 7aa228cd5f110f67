//! `fundtrail verify URL --since FILE` across a key rotation (SPEC.md §23.4): when the kept
//! checkpoint is signed with an earlier key of the ledger, the server must prove that key
//! handed over to the key in force, one `key.rotate` entry at a time, each included in a
//! checkpoint signed by the key in force and signed by the key before it over its `prev`.

use super::verify::Server;
use crate::ledger::checkpoint::verify_checkpoint;
use crate::ledger::merkle::verify_inclusion;
use crate::ledger::rotation::KeyChain;
use crate::ledger::{decode, leaf_hash, Body, Hash};

/// A key the server lists, with the size from which it signs.
#[derive(serde::Deserialize)]
pub(super) struct ListedKey {
    from: u64,
    key: String,
}

/// The part of `GET /info` about keys.
#[derive(serde::Deserialize)]
pub(super) struct Keys {
    /// The key in force.
    pub(super) key: String,
    /// Every key, first key first (absent on servers before SPEC.md §23: the key alone).
    #[serde(default)]
    keys: Vec<ListedKey>,
}

impl Keys {
    /// The listed keys, or the key in force alone.
    pub(super) fn all(&self) -> Vec<String> {
        if self.keys.is_empty() {
            vec![self.key.trim().to_string()]
        } else {
            self.keys.iter().map(|k| k.key.clone()).collect()
        }
    }
}

/// With `a` and `b` two keys of the ledger at `server` (in either order), proves the
/// hand-over from the earlier of them through every later key, and returns the key in force.
///
/// # Errors
/// Why it is not proven, in words.
pub(super) async fn prove_keys_of_one_ledger(
    server: &Server,
    a: &str,
    b: &str,
) -> Result<String, String> {
    let keys: Keys = server
        .json("info")
        .await
        .map_err(|_| "the server did not list its keys".to_string())?;
    let at = |key: &str| keys.keys.iter().position(|k| k.key == key);
    let (Some(i), Some(j)) = (at(a.trim()), at(b.trim())) else {
        return Err(format!(
            "the server does not list both {a} and {b} among the ledger's keys"
        ));
    };
    let earlier = if i <= j { a.trim() } else { b.trim() };
    prove_rotation(server, earlier, &keys).await?;
    Ok(keys.key.trim().to_string())
}

/// An entry as `GET /entries/{seq}` answers it.
#[derive(serde::Deserialize)]
struct EntryAnswer {
    leaf: String,
    checkpoint: String,
    proof: Proof,
}

#[derive(serde::Deserialize)]
struct Proof {
    index: u64,
    size: u64,
    proof: Vec<Hash>,
}

/// Proves that `old` handed the ledger over to `keys.key`, the key in force, through the
/// rotations the server lists after `old`.
///
/// # Errors
/// Why it is not proven, in words (an unlisted key, an entry that is not the rotation, a proof
/// or signature that does not verify, a request that failed).
pub(super) async fn prove_rotation(server: &Server, old: &str, keys: &Keys) -> Result<(), String> {
    let new = keys.key.trim();
    let start = keys
        .keys
        .iter()
        .position(|k| k.key == old)
        .ok_or_else(|| format!("the server does not list {old} among the ledger's keys"))?;
    let mut chain = KeyChain::starting_with(old).map_err(|e| e.to_string())?;
    for next in &keys.keys[start + 1..] {
        let seq = next
            .from
            .checked_sub(1)
            .ok_or("the server lists a later key from size 0")?;
        let answer: EntryAnswer = server
            .json(&format!("entries/{seq}"))
            .await
            .map_err(|_| format!("the server did not give entry {seq}"))?;
        let cp = verify_checkpoint(&answer.checkpoint, new).map_err(|e| e.to_string())?;
        let hash = leaf_hash(answer.leaf.as_bytes());
        if answer.proof.index != seq || answer.proof.size != cp.size {
            return Err(format!(
                "the proof of entry {seq} is for another entry or checkpoint"
            ));
        }
        verify_inclusion(seq, cp.size, &hash, &answer.proof.proof, &cp.root)
            .map_err(|e| format!("entry {seq}: {e}"))?;
        let entry = decode(answer.leaf.as_bytes()).map_err(|e| format!("entry {seq}: {e}"))?;
        let Body::KeyRotate(rotation) = &entry.body else {
            return Err(format!("entry {seq} is not a key rotation"));
        };
        if entry.seq != seq || rotation.verifier_key != next.key {
            return Err(format!("entry {seq} does not rotate to {}", next.key));
        }
        chain
            .apply(seq, &entry.prev, rotation)
            .map_err(|e| format!("entry {seq}: {e}"))?;
    }
    if chain.in_force() == new {
        Ok(())
    } else {
        Err(format!(
            "the rotations the server lists end with {}, not {new}",
            chain.in_force()
        ))
    }
}
