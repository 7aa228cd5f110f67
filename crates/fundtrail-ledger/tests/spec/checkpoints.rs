//! `tests/vectors/checkpoints/cases.json`: signed checkpoint notes and verifier keys, each
//! verifying to a size and root or failing with the first error of SPEC.md §9 step 3 (key,
//! note, signature, body, origin, in that order). They pin extension lines, repeated and
//! foreign signature lines, the range of sizes and how a key text is read. The JavaScript
//! verifier must give the same answers (tests/web/spec.test.mjs).
//!
//! `FUNDTRAIL_WRITE_VECTORS=1 cargo test -p fundtrail-ledger --test spec checkpoints`
//! rewrites the file; otherwise it must be exactly what this generates.

use fundtrail_ledger::{verify_checkpoint, CheckpointSigner, Hash};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A generator that hands out one fixed 32-byte seed: keys made from it are reproducible.
struct FixedSeed([u8; 32]);

impl rand_core::RngCore for FixedSeed {
    fn next_u32(&mut self) -> u32 {
        rand_core::impls::next_u32_via_fill(self)
    }
    fn next_u64(&mut self) -> u64 {
        rand_core::impls::next_u64_via_fill(self)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for (d, s) in dest.iter_mut().zip(self.0.iter().cycle()) {
            *d = *s;
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand_core::CryptoRng for FixedSeed {}

/// A reproducible key for `name`: its private and its verifier key texts.
fn key(name: &str, seed: u8) -> (String, String) {
    let (signer, skey) =
        CheckpointSigner::generate_with(&mut FixedSeed([seed; 32]), name).expect("a key");
    (skey, signer.verifier_key().to_string())
}

/// The signature line (SPEC.md §6) the private key `skey` adds to a note whose text is
/// `text`, whatever that text holds (a signed-note library refuses to sign some texts).
fn signature_line(skey: &str, text: &str) -> String {
    use base64::Engine;
    use ed25519_dalek::Signer;
    let parts: Vec<&str> = skey.trim().splitn(5, '+').collect();
    let (name, id, secret) = (parts[2], parts[3], parts[4]);
    let raw = base64::engine::general_purpose::STANDARD
        .decode(secret)
        .expect("base64");
    let seed: [u8; 32] = raw[1..33].try_into().expect("a 32-byte seed");
    let signature = ed25519_dalek::SigningKey::from_bytes(&seed).sign(text.as_bytes());
    let mut bytes = hex::decode(id).expect("a hex key id");
    bytes.extend_from_slice(&signature.to_bytes());
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    format!("\u{2014} {name} {encoded}\n")
}

/// `line` with its signature bytes changed (same length, still base64).
fn broken(line: &str) -> String {
    let mut out = line.to_string();
    let at = out.len() - 6..out.len() - 4;
    let other = if &out[at.clone()] == "AA" { "BB" } else { "AA" };
    out.replace_range(at, other);
    out
}

struct Case {
    name: &'static str,
    note: String,
    key: String,
}

fn case(name: &'static str, note: String, key: &str) -> Case {
    Case {
        name,
        note,
        key: key.to_string(),
    }
}

/// Every case. One table over one setup (the demo key, another key, one body and its
/// signature lines), longer than 80 lines because it lists them all.
fn cases() -> Vec<Case> {
    let demo = crate::companion::demo_signer();
    let origin = demo.origin().to_string();
    let vkey = demo.verifier_key().to_string();
    let ours = crate::companion::DEMO_SIGNING_KEY;
    let (other, _) = key("other.example/log", 2);
    let root = Hash([0x33; 32]).to_base64();
    let body = |size: &str| format!("{origin}\n{size}\n{root}\n");
    let note = |text: &str| format!("{text}\n{}", signature_line(ours, text));
    let plain = body("5");
    let our_line = signature_line(ours, &plain);
    let other_line = signature_line(&other, &plain);
    let upper = vkey.replacen("+c33ff523+", "+C33FF523+", 1);
    // A key whose id starts with 0, so `+` and its other seven digits would parse to it.
    let (zero, zero_key) = (3u8..=255)
        .map(|seed| key(&origin, seed))
        .find(|(_, k)| k.split('+').nth(1).is_some_and(|id| id.starts_with('0')))
        .expect("a key id starting with 0");
    let zero_id = zero_key.split('+').nth(1).expect("an id").to_string();
    let signed_id = zero_key.replacen(&format!("+{zero_id}+"), &format!("++{}+", &zero_id[1..]), 1);
    let zero_note = format!("{plain}\n{}", signature_line(&zero, &plain));
    vec![
        case("plain", note(&plain), &vkey),
        case(
            "extension-lines",
            note(&format!("{plain}tile-size 256\n— not a signature\n")),
            &vkey,
        ),
        case(
            "empty-extension-line",
            note(&format!("{plain}ext\n\nlast\n")),
            &vkey,
        ),
        case("empty-origin", note(&format!("\n5\n{root}\n")), &vkey),
        case(
            "origin-is-not-the-key-name",
            note(&format!("elsewhere.example/log\n5\n{root}\n")),
            &vkey,
        ),
        case(
            "size-2-to-the-63",
            note(&body("9223372036854775808")),
            &vkey,
        ),
        case("size-largest", note(&body("18446744073709551615")), &vkey),
        case(
            "size-2-to-the-64",
            note(&body("18446744073709551616")),
            &vkey,
        ),
        case("size-with-leading-zero", note(&body("05")), &vkey),
        case(
            "root-without-padding",
            note(&format!("{origin}\n5\n{}\n", root.trim_end_matches('='))),
            &vkey,
        ),
        case(
            "tab-in-an-extension-line",
            note(&format!("{plain}a\tb\n")),
            &vkey,
        ),
        case("no-signature-block", plain.clone(), &vkey),
        case("other-key-only", format!("{plain}\n{other_line}"), &vkey),
        case(
            "other-key-then-ours",
            format!("{plain}\n{other_line}{our_line}"),
            &vkey,
        ),
        case(
            "our-signature-broken",
            format!("{plain}\n{}", broken(&our_line)),
            &vkey,
        ),
        case(
            "ours-then-a-broken-repeat",
            format!("{plain}\n{our_line}{}", broken(&our_line)),
            &vkey,
        ),
        case(
            "a-broken-one-then-ours",
            format!("{plain}\n{}{our_line}", broken(&our_line)),
            &vkey,
        ),
        case(
            "a-broken-one-then-a-malformed-line",
            format!("{plain}\n{}— x\n", broken(&our_line)),
            &vkey,
        ),
        case(
            "101-signature-lines",
            format!("{plain}\n{}{our_line}", other_line.repeat(100)),
            &vkey,
        ),
        case("key-id-in-upper-case", note(&plain), &upper),
        case(
            "key-with-white-space-around",
            note(&plain),
            &format!("\u{85} {vkey}\u{3000}\n"),
        ),
        case("key-id-with-a-sign", zero_note.clone(), &signed_id),
        case("key-id-starting-with-zero", zero_note, &zero_key),
        case("key-and-note-malformed", "nonsense".into(), "nonsense"),
    ]
}

#[test]
fn the_committed_checkpoint_cases_are_exactly_what_the_core_generates() {
    let cases: Vec<serde_json::Value> = cases()
        .into_iter()
        .map(|c| {
            let result = verify_checkpoint(&c.note, &c.key);
            let mut value = serde_json::json!({
                "name": c.name,
                "note": c.note,
                "key": c.key,
                "error": result.as_ref().err().map(ToString::to_string),
            });
            if let Ok(cp) = result {
                value["size"] = serde_json::json!(cp.size.to_string());
                value["root"] = serde_json::json!(cp.root.to_hex());
            }
            value
        })
        .collect();
    let files = BTreeMap::from([(
        PathBuf::from("tests/vectors/checkpoints/cases.json"),
        crate::companion::pretty(&serde_json::Value::Array(cases)),
    )]);

    crate::companion::write_or_compare(&files);
}

#[test]
fn each_checkpoint_case_fails_at_the_step_it_is_written_for() {
    let outcomes: BTreeMap<&str, String> = cases()
        .iter()
        .map(|c| {
            let outcome = match verify_checkpoint(&c.note, &c.key) {
                Ok(cp) => format!("ok {}", cp.size),
                Err(e) => e.to_string(),
            };
            (c.name, outcome)
        })
        .collect();
    let demo = crate::companion::demo_signer();
    let signature = format!(
        "checkpoint: signature does not verify with key {}",
        demo.verifier_key()
    );
    let body = "checkpoint: malformed body (expected origin, size and base64 root lines)";
    let note = "checkpoint: not a well-formed signed note";

    for (name, want) in [
        ("plain", "ok 5"),
        ("extension-lines", "ok 5"),
        ("empty-extension-line", body),
        ("empty-origin", body),
        (
            "origin-is-not-the-key-name",
            "checkpoint: origin \"elsewhere.example/log\" does not match key name \
             \"demo.fundtrail.example/ledger\"",
        ),
        ("size-2-to-the-63", "ok 9223372036854775808"),
        ("size-largest", "ok 18446744073709551615"),
        ("size-2-to-the-64", body),
        ("size-with-leading-zero", body),
        ("root-without-padding", body),
        ("tab-in-an-extension-line", note),
        ("no-signature-block", note),
        ("other-key-only", &signature),
        ("other-key-then-ours", "ok 5"),
        ("our-signature-broken", &signature),
        ("ours-then-a-broken-repeat", "ok 5"),
        ("a-broken-one-then-ours", &signature),
        ("a-broken-one-then-a-malformed-line", note),
        ("101-signature-lines", note),
        ("key-id-in-upper-case", "ok 5"),
        ("key-with-white-space-around", "ok 5"),
        ("key-id-starting-with-zero", "ok 5"),
        (
            "key-and-note-malformed",
            "malformed verifier key \"nonsense\"",
        ),
    ] {
        assert_eq!(outcomes[name], want, "{name}");
    }
    assert!(outcomes["key-id-with-a-sign"].starts_with("malformed verifier key"));
}
