//! Signed notes and verifier keys: parsing never panics, and a note verifies under the demo
//! key only when its size and root are ones that key really signed.
#![no_main]

use fundtrail::ledger::checkpoint::{
    parse_verifier_key, read_unverified, verify_checkpoint, CheckpointSigner,
};
use fundtrail::ledger::Hash;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const DEMO_KEY: &str = include_str!("../../tests/vectors/demo/signing-key.txt");
/// Notes the demo key signed: the demo bundle's checkpoint and the demo receipt's.
const SIGNED: [&str; 2] = [
    include_str!("../seeds/note/demo-tail"),
    include_str!("../seeds/note/receipt-checkpoint"),
];

struct Known {
    signer: CheckpointSigner,
    signed: Vec<(u64, Hash)>,
}

fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let signer = CheckpointSigner::from_private_key(DEMO_KEY).expect("demo key");
        let mut signed = vec![(20, Hash([9; 32]))];
        for note in SIGNED {
            let cp = verify_checkpoint(note, signer.verifier_key()).expect("a seed note verifies");
            signed.push((cp.size, cp.root));
        }
        Known { signer, signed }
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let k = known();
    let _ = read_unverified(&text);
    let _ = parse_verifier_key(&text);
    // A NUL splits the input into a note and a key of its own.
    if let Some((note, key)) = text.split_once('\u{0}') {
        let _ = verify_checkpoint(note, key);
    }
    if let Ok(cp) = verify_checkpoint(&text, k.signer.verifier_key()) {
        assert!(
            k.signed.contains(&(cp.size, cp.root)),
            "a note the key never signed verified: {text:?}"
        );
    }
    // Signing is deterministic; what we sign verifies and reads back the same.
    if data.len() >= 40 {
        let size = u64::from_le_bytes(data[..8].try_into().expect("8 bytes"));
        let root = Hash(data[8..40].try_into().expect("32 bytes"));
        let note = k.signer.sign(size, &root);
        let cp = verify_checkpoint(&note, k.signer.verifier_key()).expect("own note verifies");
        assert_eq!((cp.size, cp.root), (size, root));
    }
});
