//! SPEC.md §2.4.1, identifiers normalised before the donor commitment is checked, in both
//! verifiers: the JavaScript one (`web/verify/identifier.js`, run here with node, since it is
//! a second implementation that must agree with the vectors the core's own test reads) and
//! the Rust one, on the demo receipt, whose commitment was made from the raw text
//! `tran.van.binh@example.vn`.

use fundtrail::ledger::receipt::{verify_receipt, Receipt};
use std::path::PathBuf;
use std::process::Command;

const DEMO_KEY: &str =
    "demo.fundtrail.example/ledger+c33ff523+AUN6ZtSQwAXLO2Zgl4oRlOdm8PZvURlku0x4IHStvHx2";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn demo_receipt() -> Receipt {
    let text = std::fs::read_to_string(repo().join("tests/vectors/receipt/demo-6.json"))
        .expect("the receipt vector");
    serde_json::from_str(&text).expect("a receipt")
}

/// Runs `script` as an ES module with node in the repository; returns (success, output).
fn node(script: &str) -> (bool, String) {
    let run = Command::new("node")
        .args(["--input-type=module", "-e", script])
        .current_dir(repo())
        .output()
        .expect("node runs (the JavaScript verifier's tests need it too)");
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    (run.status.success(), output)
}

#[test]
fn the_javascript_verifier_normalises_every_identifier_vector_as_written() {
    let (ok, output) = node(
        "import fs from 'node:fs';
         import { normaliseIdentifier } from './web/verify/identifier.js';
         const v = JSON.parse(fs.readFileSync('tests/vectors/identifiers/normalise.json', 'utf8'));
         let bad = 0;
         for (const c of v.cases) {
           const got = normaliseIdentifier(c.input);
           if (got !== c.normalised) { bad += 1; console.log(`${c.name}: ${JSON.stringify(got)}`); }
         }
         if (v.cases.length < 20 || bad > 0) process.exit(1);",
    );
    assert!(ok, "{output}");
}

#[test]
fn a_receipt_identifier_typed_with_capitals_and_spaces_still_proves_the_gift_in_both_verifiers() {
    let typed = "  Tran.Van.Binh@Example.VN ";

    let rust = verify_receipt(&demo_receipt(), DEMO_KEY, Some(typed));
    let (js, output) = node(&format!(
        "import fs from 'node:fs';
         import {{ verifyReceipt }} from './web/verify/receipt.js';
         const r = JSON.parse(fs.readFileSync('tests/vectors/receipt/demo-6.json', 'utf8'));
         const v = await verifyReceipt(r, {{ key: '{DEMO_KEY}', identifier: {typed:?} }});
         if (!v.identifierChecked) process.exit(1);"
    ));

    assert!(
        rust.as_ref().is_ok_and(|v| v.identifier_checked),
        "{rust:?}"
    );
    assert!(js, "{output}");
}

#[test]
fn a_wrong_identifier_is_still_refused_in_both_verifiers() {
    let typed = "tran.van.an@example.vn";

    let rust = verify_receipt(&demo_receipt(), DEMO_KEY, Some(typed));
    let (js, _) = node(&format!(
        "import fs from 'node:fs';
         import {{ verifyReceipt }} from './web/verify/receipt.js';
         const r = JSON.parse(fs.readFileSync('tests/vectors/receipt/demo-6.json', 'utf8'));
         await verifyReceipt(r, {{ key: '{DEMO_KEY}', identifier: {typed:?} }});"
    ));

    assert!(rust.is_err());
    assert!(!js, "the JavaScript verifier must refuse it too");
}
