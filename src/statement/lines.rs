//! [`StatementLines`]: a bank statement's CSV read into typed [`Line`]s as its bytes arrive.
//! The header row is looked for among the first [`HEADER_ROWS`] records (bank exports often
//! start with a few lines about the account), read with `,`, `;` and tab at once; from the
//! header on, only the chosen reading goes on, one line at a time. What is held is the
//! first records until the header is found (at most `HEADER_ROWS + 1` records of at most
//! `MAX_RECORD_BYTES` for each separator), then one unfinished record: a statement of any
//! length is read in constant memory. Other formats (camt.053, MT940) can produce the same
//! [`Line`]s behind the same `feed`/`finish`/`next_line` calls.
//!
//! The outcome never depends on how the bytes are cut into pieces: the header is chosen
//! once every reading holds more than [`HEADER_ROWS`] records (or ended, or met a line it
//! cannot read), and refusals are reported in line order, so a bad cell on line 36 is
//! reported before a line 37 that is not UTF-8, however the two arrived.

use super::amounts::{line_amount, parse_date};
use super::columns::{layout, Columns, Layout, Mapping};
use super::csv::{Record, Records};
use super::{Currency, Line, StatementError};
use std::collections::VecDeque;

/// How many of the first records may hold the header row.
pub const HEADER_ROWS: usize = 30;
/// The separators tried, in order.
const DELIMITERS: [char; 3] = [',', ';', '\t'];

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// The reading under the header row.
#[derive(Debug)]
struct Reading {
    records: Records,
    layout: Layout,
    columns: Columns,
}

/// Where the reading is.
#[derive(Debug)]
enum State {
    /// Looking for the header: the first records, read with each separator, each with the
    /// line it could not read, if it met one (after which it reads nothing more).
    Finding {
        readers: Vec<(Records, Option<StatementError>)>,
    },
    /// Reading lines under the header.
    Reading(Box<Reading>),
    /// A refusal was returned; nothing more is read.
    Failed,
}

/// Typed lines of one statement, read from bytes fed in pieces.
#[derive(Debug)]
pub struct StatementLines {
    mapping: Mapping,
    currency: Currency,
    state: State,
    ready: VecDeque<Line>,
}

impl StatementLines {
    /// A reader of a statement whose columns are named by `mapping` (or the defaults) and
    /// whose amounts are in `currency`.
    pub fn new(mapping: Mapping, currency: Currency) -> Self {
        StatementLines {
            mapping,
            currency,
            state: State::Finding {
                readers: DELIMITERS
                    .iter()
                    .map(|d| (Records::new(*d), None))
                    .collect(),
            },
            ready: VecDeque::new(),
        }
    }

    /// The columns read, once the header row was found.
    pub fn columns(&self) -> Option<&Columns> {
        match &self.state {
            State::Reading(r) => Some(&r.columns),
            _ => None,
        }
    }

    /// The next line read, if one is.
    pub fn next_line(&mut self) -> Option<Line> {
        self.ready.pop_front()
    }

    /// Reads `bytes`, the next piece of the statement.
    ///
    /// # Errors
    /// [`StatementError`] for the first bad line or cell, or a header not found among the
    /// first rows; the statement is refused then, and nothing more is read.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), StatementError> {
        let result = self.read(Some(bytes));
        if result.is_err() {
            self.state = State::Failed;
        }
        result
    }

    /// Reads the end of the statement.
    ///
    /// # Errors
    /// As [`StatementLines::feed`], and [`StatementError::Empty`] for a statement with
    /// nothing in it.
    pub fn finish(&mut self) -> Result<(), StatementError> {
        let result = self.read(None);
        if result.is_err() {
            self.state = State::Failed;
        }
        result
    }

    fn read(&mut self, bytes: Option<&[u8]>) -> Result<(), StatementError> {
        match &mut self.state {
            State::Failed => Ok(()),
            State::Finding { readers } => {
                for (records, failure) in readers.iter_mut().filter(|(_, f)| f.is_none()) {
                    let read = match bytes {
                        Some(b) => records.feed(b),
                        None => records.finish(),
                    };
                    *failure = read.err();
                }
                let decided = readers
                    .iter()
                    .all(|(r, failure)| failure.is_some() || r.ready() > HEADER_ROWS);
                if bytes.is_none() || decided {
                    let readers = std::mem::take(readers);
                    self.found(readers, bytes.is_none())?;
                }
                Ok(())
            }
            State::Reading(r) => {
                let read = match bytes {
                    Some(b) => r.records.feed(b),
                    None => r.records.finish(),
                };
                // The records before the line that could not be read come first.
                self.take_lines()?;
                read
            }
        }
    }

    /// Picks the header among the first records of each reading (`ended`: the statement
    /// ended within them), then reads the lines already under it.
    fn found(
        &mut self,
        readers: Vec<(Records, Option<StatementError>)>,
        ended: bool,
    ) -> Result<(), StatementError> {
        // The error to report comes from the separator that splits the first rows widest.
        let mut best: Option<(usize, StatementError)> = None;
        for (mut records, failure) in readers {
            // Everything read is queued when the statement ended before the header was due.
            if ended && failure.is_none() && records.queued().all(|(_, r)| is_blank(r)) {
                return Err(StatementError::Empty);
            }
            let rows: Vec<&Record> = records.queued().take(HEADER_ROWS).collect();
            let mut error = None;
            let mut header = None;
            for (i, (_, cells)) in rows.iter().enumerate() {
                // A user-named column missing from this row only means it is not the header.
                match layout(cells, &self.mapping) {
                    Ok(Ok(l)) => {
                        header = Some((i, l));
                        break;
                    }
                    Ok(Err(missing)) if i == 0 => {
                        error = Some(StatementError::NoHeader {
                            missing: missing.join(", "),
                            seen: cells.join(", "),
                        });
                    }
                    Ok(Err(_)) => {}
                    Err(e) => {
                        if !matches!(error, Some(StatementError::UnknownColumn(_))) {
                            error = Some(e);
                        }
                    }
                }
            }
            if let Some((at, layout)) = header {
                let names = rows[at].1.clone();
                for _ in 0..=at {
                    records.next_record();
                }
                let name = |i: usize| names.get(i).map_or(String::new(), |n| n.trim().to_string());
                let columns = Columns {
                    date: name(layout.date),
                    amount: layout.amount.map(name),
                    credit: layout.credit.map(name),
                    debit: layout.debit.map(name),
                    description: layout.description.map(name),
                    transaction_id: name(layout.transaction_id),
                    payer: layout.payer.map(name),
                };
                self.state = State::Reading(Box::new(Reading {
                    records,
                    layout,
                    columns,
                }));
                self.take_lines()?;
                return failure.map_or(Ok(()), Err);
            }
            let width = rows.iter().map(|(_, r)| r.len()).max().unwrap_or(0);
            // A line that could not be read before the header rows were all seen cut the
            // search short: it is the first problem of the statement.
            let error = if rows.len() < HEADER_ROWS {
                failure.or(error)
            } else {
                error
            };
            if let Some(e) = error {
                if best.as_ref().is_none_or(|(w, _)| width > *w) {
                    best = Some((width, e));
                }
            }
        }
        Err(best.map_or(StatementError::Empty, |(_, e)| e))
    }

    /// Turns the records read so far into lines.
    fn take_lines(&mut self) -> Result<(), StatementError> {
        let State::Reading(r) = &mut self.state else {
            return Ok(());
        };
        while let Some(record) = r.records.next_record() {
            if let Some(line) = line_of(&record, &r.layout, &r.columns, self.currency)? {
                self.ready.push_back(line);
            }
        }
        Ok(())
    }
}

/// The line a record under the header holds (`None` for a blank row).
fn line_of(
    (line, cells): &Record,
    l: &Layout,
    columns: &Columns,
    currency: Currency,
) -> Result<Option<Line>, StatementError> {
    if is_blank(cells) {
        return Ok(None);
    }
    let line = *line;
    let cell = |i: usize| cells.get(i).map_or("", |c| c.trim());
    let bad = |column: &str, problem: String| StatementError::Cell {
        line,
        column: column.to_string(),
        problem,
    };
    let date = parse_date(cell(l.date)).map_err(|p| bad(&columns.date, p))?;
    let (direction, amount) =
        line_amount(l, columns, cell, currency).map_err(|(c, p)| bad(&c, p))?;
    let transaction_id = cell(l.transaction_id).to_string();
    if transaction_id.is_empty() {
        return Err(bad(
            &columns.transaction_id,
            "empty: every line needs the bank's transaction id".into(),
        ));
    }
    let description = l.description.map_or("", cell).to_string();
    let payer = l
        .payer
        .map(cell)
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    Ok(Some(Line {
        line,
        date,
        direction,
        amount,
        transaction_id,
        description,
        payer,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATEMENT: &str = "\u{feff}Sao kê tài khoản 0123456789\n\
Ngày giao dịch;Mã giao dịch;Ghi nợ;Ghi có;Nội dung;Tên người chuyển\r\n\
24/11/2026;FT001;;1.000.000;\"ung ho; lu lut\";NGUYEN VAN A\n\
\n\
24/11/2026;FT002;2.000.000;;mua gao;CONG TY GAO\n\
25/11/2026;FT003;;2.000.000;hoan tien FT002;CONG TY GAO";

    fn read_in_pieces(text: &str, size: usize) -> Result<Vec<Line>, StatementError> {
        read_bytes_in_pieces(text.as_bytes(), size)
    }

    #[test]
    fn a_statement_reads_into_the_same_lines_whatever_the_pieces_it_arrives_in() {
        let whole = read_in_pieces(STATEMENT, STATEMENT.len()).expect("reads");
        for size in 1..STATEMENT.len() {
            assert_eq!(read_in_pieces(STATEMENT, size), Ok(whole.clone()), "{size}");
        }
        let lines: Vec<(usize, &str)> = whole
            .iter()
            .map(|l| (l.line, l.transaction_id.as_str()))
            .collect();
        assert_eq!(lines, [(3, "FT001"), (5, "FT002"), (6, "FT003")]);
        assert_eq!(whole[0].description, "ung ho; lu lut");
    }

    fn read_bytes_in_pieces(text: &[u8], size: usize) -> Result<Vec<Line>, StatementError> {
        let currency = Currency::parse("VND").expect("VND");
        let mut reader = StatementLines::new(Mapping::default(), currency);
        let mut lines = Vec::new();
        for piece in text.chunks(size) {
            reader.feed(piece)?;
            lines.extend(std::iter::from_fn(|| reader.next_line()));
        }
        reader.finish()?;
        lines.extend(std::iter::from_fn(|| reader.next_line()));
        Ok(lines)
    }

    #[test]
    fn refusals_come_in_line_order_whatever_the_pieces_the_statement_arrives_in() {
        // No header among the first 30 rows, and a line that is not UTF-8 after them.
        let mut no_header = b"Date,Amount,Description\n".to_vec();
        for _ in 0..35 {
            no_header.extend_from_slice(b"24/11/2026,1000,x\n");
        }
        no_header.extend_from_slice(b"24/11/2026,\xff,x\n");
        // A bad cell on line 3, then a line that is not UTF-8.
        let bad_cell = b"Ng\xc3\xa0y giao d\xe1\xbb\x8bch,M\xc3\xa3 giao d\xe1\xbb\x8bch,S\xe1\xbb\x91 ti\xe1\xbb\x81n\n\
24/11/2026,FT1,1000\n24/11/2026,FT2,1.0x0\n24/11/2026,FT3,\xff\n";

        for (text, expected) in [
            (&no_header[..], "no header row names the needed columns"),
            (&bad_cell[..], "line 3, column"),
        ] {
            let whole = read_bytes_in_pieces(text, text.len()).expect_err("refused");
            assert!(whole.to_string().starts_with(expected), "{whole}");
            for size in [1, 2, 7, 64, 100, 1000] {
                assert_eq!(
                    read_bytes_in_pieces(text, size),
                    Err(whole.clone()),
                    "{size}"
                );
            }
        }
    }

    #[test]
    fn blank_text_is_empty_and_text_without_the_columns_names_what_is_missing() {
        for blank in ["", "\n\n", " \r\n\t,\n"] {
            assert_eq!(
                read_in_pieces(blank, 1),
                Err(StatementError::Empty),
                "{blank:?}"
            );
        }
        let refused = read_in_pieces("name=Lan&amount=200000", 4).expect_err("refused");
        assert!(
            refused
                .to_string()
                .starts_with("no header row names the needed columns"),
            "{refused}"
        );
    }
}
