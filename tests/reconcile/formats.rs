//! One month of one account written by the tests in every format banks deliver, ISO 20022
//! camt.053, SWIFT MT940 and the CSV exports of three Vietnamese banks (Vietcombank, BIDV and
//! Techcombank column layouts): each reads into the same canonical lines (SPEC.md §16.2), so
//! the same `lines_root`, in the statement's own order.

use fundtrail::ledger::money::Currency;
use fundtrail::ledger::reconcile::{lines_root, StatementLine};
use fundtrail::statement::formats::{camt053, from_csv, mt940, Header, Publish, Transaction};
use fundtrail::statement::{parse, Mapping};

/// The month: (day, bank transaction id, signed đồng, payer, message).
const MONTH: [(&str, &str, i64, &str, &str); 5] = [
    (
        "2024-09-09",
        "FT24253A1B2C",
        500_000,
        "NGUYEN VAN AN",
        "ung ho bao Yagi",
    ),
    (
        "2024-09-10",
        "FT24254D3E4F",
        2_000_000,
        "TRAN THI BINH",
        "UH mien Bac",
    ),
    (
        "2024-09-12",
        "FT24256G5H6I",
        -1_200_000,
        "HTX NGHIA HANH",
        "mua gao cuu tro",
    ),
    (
        "2024-09-30",
        "INT0924",
        1_234,
        "VIETCOMBANK",
        "lai tien gui",
    ),
    (
        "2024-09-30",
        "FEE0924",
        -11_000,
        "VIETCOMBANK",
        "phi quan ly tai khoan",
    ),
];
const OPENING: i64 = 1_000_000;

fn vnd() -> Currency {
    Currency::parse("VND").expect("VND")
}

fn publish() -> Publish {
    Publish {
        names: true,
        memos: true,
    }
}

fn canonical(transactions: Vec<Transaction>) -> Vec<StatementLine> {
    transactions
        .into_iter()
        .enumerate()
        .map(|(i, t)| t.canonical(publish(), i + 1).expect("a valid line"))
        .collect()
}

fn closing() -> i64 {
    OPENING + MONTH.iter().map(|m| m.2).sum::<i64>()
}

pub fn camt() -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>VCB-0924</MsgId><CreDtTm>2024-10-01T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>0924</Id><FrToDt><FrDtTm>2024-09-01T00:00:00</FrDtTm><ToDtTm>2024-09-30T23:59:59</ToDtTm></FrToDt>
<Acct><Id><Othr><Id>0071000123456</Id></Othr></Id><Ccy>VND</Ccy></Acct>
"#,
    );
    let bal = |code: &str, units: i64, day: &str| {
        format!(
            "<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"VND\">{}</Amt><CdtDbtInd>{}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>\n",
            units.abs(),
            if units < 0 { "DBIT" } else { "CRDT" }
        )
    };
    xml.push_str(&bal("OPBD", OPENING, "2024-09-01"));
    xml.push_str(&bal("CLBD", closing(), "2024-09-30"));
    for (day, id, units, party, memo) in MONTH {
        let (ind, role) = if units > 0 {
            ("CRDT", "Dbtr")
        } else {
            ("DBIT", "Cdtr")
        };
        xml.push_str(&format!(
            "<Ntry><Amt Ccy=\"VND\">{}.00</Amt><CdtDbtInd>{ind}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\
<BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{id}</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>\
<RltdPties><{role}><Pty><Nm>{party}</Nm></Pty></{role}></RltdPties><RmtInf><Ustrd>{memo}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n",
            units.abs()
        ));
    }
    xml.push_str("</Stmt></BkToCstmrStmt></Document>\n");
    xml
}

pub fn swift() -> String {
    let mut text =
        format!(":20:VCB0924\r\n:25:0071000123456\r\n:28C:1/1\r\n:60F:C240901VND{OPENING},\r\n");
    // The other party in the three forms banks write `:86:` in: structured subfields
    // (`?20` message, `?32` name), keywords (`/NAME/`, `/REMI/`), and a labelled name in text
    // (whose message is then the whole text, as it stands).
    for (i, (day, id, units, party, memo)) in MONTH.into_iter().enumerate() {
        let yymmdd = day.replace('-', "")[2..].to_string();
        let mark = if units > 0 { 'C' } else { 'D' };
        let info = match i % 3 {
            0 => format!("166?00GUTSCHRIFT?20{memo}?32{party}"),
            1 => format!("/TRTP/TRANSFER/NAME/{party}/REMI/{memo}"),
            _ => format!("Người chuyển: {party}; {memo}"),
        };
        text.push_str(&format!(
            ":61:{yymmdd}{mark}{},NTRFNONREF//{id}\r\n:86:{info}\r\n",
            units.abs()
        ));
    }
    text.push_str(&format!(":62F:C240930VND{},\r\n-}}\r\n", closing()));
    text
}

/// The CSV export in a bank's layout: its header row, how it writes days and amounts.
fn csv(header: &str, separator: char, day: fn(&str) -> String, money: fn(i64) -> String) -> String {
    let mut text =
        format!("Sao kê tài khoản 0071000123456 từ 01/09/2024 đến 30/09/2024\n{header}\n");
    for (d, id, units, party, memo) in MONTH {
        let (debit, credit) = if units < 0 {
            (money(-units), String::new())
        } else {
            (String::new(), money(units))
        };
        let cells = [
            day(d),
            id.to_string(),
            debit,
            credit,
            memo.to_string(),
            party.to_string(),
        ];
        text.push_str(&cells.join(&separator.to_string()));
        text.push('\n');
    }
    text
}

fn day_first(d: &str) -> String {
    format!("{}/{}/{}", &d[8..10], &d[5..7], &d[0..4])
}

fn dotted(units: i64) -> String {
    let digits = units.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn csv_lines(text: &str) -> Vec<StatementLine> {
    let statement = parse(text, &Mapping::default(), vnd()).expect("a CSV statement");
    canonical(
        statement
            .lines
            .iter()
            .map(|l| from_csv(l).expect("a line"))
            .collect(),
    )
}

fn read_camt() -> (Header, Vec<StatementLine>) {
    let mut out = Vec::new();
    let header = camt053::read(camt().as_bytes(), |t| {
        out.push(t);
        Ok(())
    })
    .expect("a camt.053 statement");
    (header, canonical(out))
}

fn read_mt940() -> (Header, Vec<StatementLine>) {
    let mut out = Vec::new();
    let header = mt940::read(swift().as_bytes(), |t| {
        out.push(t);
        Ok(())
    })
    .expect("an MT940 statement");
    (header, canonical(out))
}

#[test]
fn camt053_mt940_and_three_vietnamese_csv_layouts_give_the_same_canonical_lines() {
    let (_, from_camt) = read_camt();
    let (_, from_swift) = read_mt940();
    let vietcombank = csv_lines(&csv(
        "Ngày giao dịch;Số tham chiếu;Ghi nợ;Ghi có;Nội dung;Tên người chuyển",
        ';',
        day_first,
        dotted,
    ));
    let bidv = csv_lines(&csv(
        "Ngày hiệu lực,Số bút toán,Phát sinh nợ,Phát sinh có,Mô tả,Tên tài khoản đối ứng",
        ',',
        |d| d.to_string(),
        |u| u.to_string(),
    ));
    let techcombank = csv_lines(&csv(
        "Ngày\tMã GD\tTiền ra\tTiền vào\tDiễn giải\tĐối ứng",
        '\t',
        |d| format!("{} 08:15:00", day_first(d)),
        |u| format!("{} đ", dotted(u)),
    ));
    assert_eq!(from_camt.len(), MONTH.len());
    assert_eq!(from_camt[2].amount.get(), -1_200_000);
    assert_eq!(from_camt[0].counterparty.as_deref(), Some("NGUYEN VAN AN"));
    for (name, lines) in [
        ("vietcombank", &vietcombank),
        ("bidv", &bidv),
        ("techcombank", &techcombank),
    ] {
        assert_eq!(lines, &from_camt, "{name}");
    }
    // MT940 gives the other party from `:86:` in each of its forms; a labelled name in text
    // leaves the message as the whole text.
    let expected: Vec<StatementLine> = from_camt
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, mut l)| {
            if i % 3 == 2 {
                let party = l.counterparty.clone().unwrap_or_default();
                l.memo = l.memo.map(|m| format!("Người chuyển: {party}; {m}"));
            }
            l
        })
        .collect();
    assert_eq!(from_swift, expected);
    assert_eq!(lines_root(&vietcombank), lines_root(&from_camt));
}

#[test]
fn camt053_and_mt940_give_the_account_period_and_balances() {
    for (header, lines) in [read_camt(), read_mt940()] {
        assert_eq!(header.account.as_deref(), Some("0071000123456"));
        assert_eq!(header.from.as_deref(), Some("2024-09-01"));
        assert_eq!(header.to.as_deref(), Some("2024-09-30"));
        assert_eq!(header.opening.map(|b| b.get()), Some(OPENING));
        assert_eq!(header.closing.map(|b| b.get()), Some(closing()));
        let sum: i64 = lines.iter().map(|l| l.amount.get()).sum();
        assert_eq!(OPENING + sum, closing());
    }
}

#[test]
fn names_and_messages_are_published_only_when_asked() {
    let mut out = Vec::new();
    camt053::read(camt().as_bytes(), |t| {
        out.push(t);
        Ok(())
    })
    .expect("camt.053");
    let line = out[0]
        .clone()
        .canonical(Publish::default(), 1)
        .expect("a line");
    assert_eq!((line.counterparty, line.memo), (None, None));
}

#[test]
fn a_camt053_entry_in_another_currency_or_without_its_reference_is_refused() {
    let other = camt().replacen(
        "<Amt Ccy=\"VND\">500000.00",
        "<Amt Ccy=\"USD\">500000.00",
        1,
    );
    assert!(camt053::read(other.as_bytes(), |_| Ok(())).is_err());
    let unnamed = camt()
        .replacen("<AcctSvcrRef>FT24253A1B2C</AcctSvcrRef>", "", 1)
        .replacen("<EndToEndId>NOTPROVIDED</EndToEndId>", "", 1);
    let error = camt053::read(unnamed.as_bytes(), |_| Ok(())).expect_err("refused");
    assert!(error.to_string().contains("transaction 1"), "{error}");
}

/// The month as Vietcombank's CSV export.
pub fn vietcombank() -> String {
    csv(
        "Ngày giao dịch;Số tham chiếu;Ghi nợ;Ghi có;Nội dung;Tên người chuyển",
        ';',
        day_first,
        dotted,
    )
}
