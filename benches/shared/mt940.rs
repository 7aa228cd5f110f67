//! The long bank statement the import benchmarks record (`benches/statement_import.rs`,
//! `benches/search_catchup.rs`): one account's first ten days after Typhoon Yagi, credits,
//! every 50th line a payment out.

/// The statement's account number.
pub const ACCOUNT: &str = "0071000123456";

/// The line count: `FUNDTRAIL_BENCH_LINES`, or 200,000.
pub fn lines_wanted() -> usize {
    std::env::var("FUNDTRAIL_BENCH_LINES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(200_000)
}

/// An MT940 statement of `n` lines over ten days: credits, every 50th a payment out.
pub fn statement(n: usize) -> String {
    let mut text = format!(":20:VCB0924\r\n:25:{ACCOUNT}\r\n:28C:1/1\r\n:60F:C240908VND0,\r\n");
    let mut balance: i64 = 0;
    for i in 0..n {
        let day = 8 + (i * 10 / n.max(1));
        let (mark, units) = if i % 50 == 49 {
            ('D', 1_000)
        } else {
            ('C', 100_000 + (i % 900) as i64 * 1_000)
        };
        balance += if mark == 'C' { units } else { -units };
        text.push_str(&format!(
            ":61:2409{day:02}{mark}{units},NTRFNONREF//FT24{i:08}\r\n:86:166?20ung ho dong bao mien Bac dot {i}?32NGUYEN VAN {i}\r\n"
        ));
    }
    text.push_str(&format!(":62F:C240917VND{balance},\r\n-}}\r\n"));
    text
}
