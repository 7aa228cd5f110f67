//! CSV records read from bytes that arrive in pieces (RFC 4180 quoting, `\n` or `\r\n`),
//! each with the physical line it starts on. Only the unfinished physical line and the
//! unfinished record are held, each at most [`MAX_RECORD_BYTES`]: a statement of any
//! length is read in constant memory.

use super::StatementError;
use std::collections::VecDeque;

/// The longest record (or physical line) accepted; a bank statement's line is a few
/// hundred bytes.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;

/// One CSV record: the physical line (1-based) it starts on, and its cells.
pub type Record = (usize, Vec<String>);

/// The record reader's state between pieces of input.
#[derive(Debug)]
pub struct Records {
    delimiter: char,
    /// Bytes after the last `\n` fed, not yet read.
    pending: Vec<u8>,
    /// The physical line `pending` starts on.
    line: usize,
    /// Whether any byte was read (a byte order mark is skipped only at the start).
    started: bool,
    record: Vec<String>,
    /// Bytes held by `record`'s cells.
    record_bytes: usize,
    field: String,
    quoted: bool,
    /// The physical line the current record starts on.
    start: usize,
    /// Records read, not yet taken.
    ready: VecDeque<Record>,
}

impl Records {
    /// A reader of records separated into cells by `delimiter`.
    pub fn new(delimiter: char) -> Self {
        Records {
            delimiter,
            pending: Vec::new(),
            line: 1,
            started: false,
            record: Vec::new(),
            record_bytes: 0,
            field: String::new(),
            quoted: false,
            start: 1,
            ready: VecDeque::new(),
        }
    }

    /// Reads `bytes`, the next piece of the input.
    ///
    /// # Errors
    /// [`StatementError::NotUtf8`] for a line that is not UTF-8,
    /// [`StatementError::LineTooLong`] for a record over [`MAX_RECORD_BYTES`].
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), StatementError> {
        let mut rest = bytes;
        while let Some(at) = rest.iter().position(|b| *b == b'\n') {
            let (line, after) = rest.split_at(at + 1);
            if self.pending.is_empty() {
                self.read_line(line)?;
            } else {
                let mut whole = std::mem::take(&mut self.pending);
                whole.extend_from_slice(line);
                self.read_line(&whole)?;
            }
            rest = after;
        }
        self.pending.extend_from_slice(rest);
        if self.pending.len() > MAX_RECORD_BYTES {
            return Err(StatementError::LineTooLong { line: self.line });
        }
        Ok(())
    }

    /// Reads what is left after the last piece: the last line, without its `\n`.
    ///
    /// # Errors
    /// As [`Records::feed`], and [`StatementError::Unterminated`] when a quoted field is
    /// still open.
    pub fn finish(&mut self) -> Result<(), StatementError> {
        let last = std::mem::take(&mut self.pending);
        self.read_line(&last)?;
        if self.quoted {
            return Err(StatementError::Unterminated { line: self.start });
        }
        if !self.field.is_empty() || !self.record.is_empty() {
            let field = std::mem::take(&mut self.field);
            self.record.push(field);
            self.end_record();
        }
        Ok(())
    }

    /// The next record read, if one is complete.
    pub fn next_record(&mut self) -> Option<Record> {
        self.ready.pop_front()
    }

    /// How many complete records wait to be taken.
    pub fn ready(&self) -> usize {
        self.ready.len()
    }

    /// The complete records waiting to be taken, in order.
    pub fn queued(&self) -> impl Iterator<Item = &Record> {
        self.ready.iter()
    }

    /// Reads one physical line (ending with its `\n`, except the last line of the input).
    fn read_line(&mut self, bytes: &[u8]) -> Result<(), StatementError> {
        let number = self.line;
        let text =
            std::str::from_utf8(bytes).map_err(|_| StatementError::NotUtf8 { line: number })?;
        let text = if self.started {
            text
        } else {
            self.started = !text.is_empty();
            text.strip_prefix('\u{feff}').unwrap_or(text)
        };
        self.record_bytes += text.len();
        if self.record_bytes > MAX_RECORD_BYTES {
            return Err(StatementError::LineTooLong { line: self.start });
        }
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if self.quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        self.field.push('"');
                    }
                    '"' => self.quoted = false,
                    '\n' => {
                        self.line += 1;
                        self.field.push('\n');
                    }
                    _ => self.field.push(c),
                }
                continue;
            }
            match c {
                '"' if self.field.trim().is_empty() => {
                    self.field.clear();
                    self.quoted = true;
                }
                c if c == self.delimiter => {
                    let field = std::mem::take(&mut self.field);
                    self.record.push(field);
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    let field = std::mem::take(&mut self.field);
                    self.record.push(field);
                    self.end_record();
                    self.line += 1;
                    self.start = self.line;
                }
                _ => self.field.push(c),
            }
        }
        Ok(())
    }

    fn end_record(&mut self) {
        let cells = std::mem::take(&mut self.record);
        self.ready.push_back((self.start, cells));
        self.record_bytes = 0;
    }
}

/// Every record of `text`, read in one piece.
///
/// # Errors
/// As [`Records::finish`].
#[cfg(test)]
pub fn records(text: &str, delimiter: char) -> Result<Vec<Record>, StatementError> {
    let mut reader = Records::new(delimiter);
    reader.feed(text.as_bytes())?;
    reader.finish()?;
    Ok(std::iter::from_fn(|| reader.next_record()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_separators_quotes_and_newlines() {
        let rows = records("a,\"b, \"\"c\"\"\nd\",e\r\nf,g\n", ',').expect("parses");
        assert_eq!(
            rows[0],
            (1, vec!["a".into(), "b, \"c\"\nd".into(), "e".into()])
        );
        assert_eq!(rows[1], (3, vec!["f".into(), "g".into()]));
        assert_eq!(
            records("a,\"b\n", ','),
            Err(StatementError::Unterminated { line: 1 })
        );
    }

    #[test]
    fn records_are_the_same_whatever_the_pieces_the_bytes_arrive_in() {
        let text = "\u{feff}Ngày;Số tiền\r\n24/11/2026;\"1.000\r\n,5\";x\n\n25/11/2026;2\n";
        let whole = records(text, ';').expect("parses");
        for size in 1..text.len() {
            let mut reader = Records::new(';');
            for piece in text.as_bytes().chunks(size) {
                reader.feed(piece).expect("feeds");
            }
            reader.finish().expect("finishes");
            let pieces: Vec<Record> = std::iter::from_fn(|| reader.next_record()).collect();
            assert_eq!(pieces, whole, "pieces of {size} bytes");
        }
        assert_eq!(whole[0].1[0], "Ngày");
        assert_eq!(
            whole[1],
            (
                2,
                vec!["24/11/2026".into(), "1.000\r\n,5".into(), "x".into()]
            )
        );
    }

    #[test]
    fn a_line_that_is_not_utf8_or_too_long_is_refused_naming_it() {
        let mut reader = Records::new(',');
        assert_eq!(
            reader.feed(b"a,b\nc,\xff\n"),
            Err(StatementError::NotUtf8 { line: 2 })
        );
        let mut reader = Records::new(',');
        reader.feed(b"a,b\n").expect("feeds");
        let long = vec![b'x'; MAX_RECORD_BYTES + 1];
        assert_eq!(
            reader.feed(&long),
            Err(StatementError::LineTooLong { line: 2 })
        );
    }
}
