//! SPEC-currencies.md, the appendix of SPEC.md §3.3, is generated from the core's currency
//! table: `FUNDTRAIL_WRITE_VECTORS=1 cargo test -p fundtrail-ledger --test spec currencies`
//! rewrites it; otherwise this test requires the committed file to be exactly that. The
//! JavaScript verifier's table is checked against the same file (tests/web/spec.test.mjs).

use fundtrail_ledger::Currency;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The appendix as the core's table makes it.
fn appendix() -> String {
    let mut out = String::from(
        "# fundtrail ledger format, version 1: appendix to §3.3, currencies\n\
         \n\
         The currencies an entry's `currency` may name: the active ISO 4217 codes, each with its\n\
         exponent, the number of decimals of its minor unit (amounts are counts of minor units,\n\
         SPEC.md §3.3). A code not listed here is refused (`unknown currency`).\n\
         \n\
         This file is generated from the reference implementation's table\n\
         (`crates/fundtrail-ledger/src/money/currency.rs`) by\n\
         `FUNDTRAIL_WRITE_VECTORS=1 cargo test -p fundtrail-ledger --test spec currencies`; tests\n\
         check it against that table and against the JavaScript verifier's (`web/amount.js`).\n\
         \n\
         | code | exponent |\n\
         |------|----------|\n",
    );
    for c in Currency::all() {
        out.push_str(&format!("| {} | {} |\n", c.code(), c.exponent()));
    }
    out
}

#[test]
fn the_currency_appendix_is_exactly_the_core_table() {
    let files = BTreeMap::from([(PathBuf::from("SPEC-currencies.md"), appendix().into_bytes())]);

    crate::companion::write_or_compare(&files);
}

#[test]
fn every_listed_currency_parses_with_its_exponent_and_nothing_else_does() {
    let listed: Vec<(String, u8)> = Currency::all()
        .map(|c| (c.code().to_string(), c.exponent()))
        .collect();

    assert_eq!(listed.len(), 155);
    for (code, exponent) in &listed {
        assert_eq!(Currency::parse(code).map(|c| c.exponent()), Ok(*exponent));
    }
    for a in b'A'..=b'Z' {
        for b in b'A'..=b'Z' {
            for c in b'A'..=b'Z' {
                let code = String::from_utf8(vec![a, b, c]).expect("ASCII");
                let known = listed.iter().any(|(l, _)| *l == code);
                assert_eq!(Currency::parse(&code).is_ok(), known, "{code}");
            }
        }
    }
}
