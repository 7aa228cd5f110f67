//! A statement's published file of lines (SPEC.md §16.2) held as its bytes: what an import
//! keeps of a long statement. Each line is kept once, as the canonical bytes that are
//! published, hashed and counted, and made a [`StatementLine`] again only when one is
//! needed, so a statement of 200,000 lines costs its file's size and one offset per line
//! rather than a few small strings per line.

use super::line::{LineError, StatementLine};
use crate::hash::{leaf_hash, sha256, Hash};
use crate::merkle::CompactTree;

/// The canonical lines of one statement, in order, as the file that publishes them: each
/// line's canonical bytes followed by `\n`. Built only from [`StatementLine`]s, so every
/// line in it is canonical.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinesFile {
    bytes: Vec<u8>,
    /// Where each line's bytes end (before its `\n`), in order.
    ends: Vec<usize>,
}

impl LinesFile {
    /// A file of no lines.
    pub fn new() -> LinesFile {
        LinesFile::default()
    }

    /// The file of `lines`, in order.
    pub fn of(lines: &[StatementLine]) -> LinesFile {
        let mut file = LinesFile::new();
        lines.iter().for_each(|l| file.push(l));
        file
    }

    /// Appends `line` as the next line.
    pub fn push(&mut self, line: &StatementLine) {
        // Serializing a plain struct of strings into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.bytes, line);
        self.ends.push(self.bytes.len());
        self.bytes.push(b'\n');
    }

    /// The number of lines.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is no line.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The published file: [`encode_lines`](super::encode_lines) of the lines.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The canonical bytes of line `index` (from 0), without its newline.
    pub fn line_bytes(&self, index: usize) -> Option<&[u8]> {
        let end = *self.ends.get(index)?;
        let start = match index.checked_sub(1) {
            Some(before) => self.ends[before] + 1,
            None => 0,
        };
        self.bytes.get(start..end)
    }

    /// Line `index` (from 0), or `None` when there is no such line.
    ///
    /// # Errors
    /// [`LineError::Malformed`] never happens for a file built by [`LinesFile::push`]; it is
    /// returned rather than assumed.
    pub fn line(&self, index: usize) -> Option<Result<StatementLine, LineError>> {
        let bytes = self.line_bytes(index)?;
        Some(
            serde_json::from_slice(bytes).map_err(|e| LineError::Malformed {
                line: index as u64 + 1,
                problem: e.to_string(),
            }),
        )
    }

    /// Every line, in order, each made again from its bytes.
    pub fn lines(&self) -> impl Iterator<Item = Result<StatementLine, LineError>> + '_ {
        (0..self.len()).filter_map(|i| self.line(i))
    }

    /// The Merkle root over the lines' leaf hashes: [`lines_root`](super::lines_root) of
    /// the lines, in memory of O(log n) hashes.
    pub fn root(&self) -> Hash {
        let mut tree = CompactTree::new();
        for i in 0..self.len() {
            if let Some(bytes) = self.line_bytes(i) {
                tree.push(leaf_hash(bytes));
            }
        }
        tree.root()
    }

    /// The SHA-256 of the published file.
    pub fn sha256(&self) -> Hash {
        sha256(&self.bytes)
    }
}

impl AsRef<[u8]> for LinesFile {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::super::{decode_lines, encode_lines, lines_root};
    use super::*;
    use crate::entry::SignedMinor;

    fn line(amount: i64, id: &str, memo: Option<&str>) -> StatementLine {
        StatementLine {
            amount: SignedMinor(amount),
            counterparty: Some("NGUYỄN VĂN A".into()),
            counterparty_commitment: None,
            date: "2024-09-10".into(),
            id: id.into(),
            memo: memo.map(Into::into),
        }
    }

    #[test]
    fn a_file_of_lines_is_the_published_file_with_its_root_and_gives_each_line_back() {
        let lines: Vec<StatementLine> = (1..=7)
            .map(|i| {
                line(
                    i * 1000 - 3500,
                    &format!("FT{i}"),
                    (i % 2 == 0).then_some("ủng hộ \"lũ\"\n"),
                )
            })
            .collect();

        let file = LinesFile::of(&lines);

        assert_eq!(file.len(), 7);
        assert_eq!(file.bytes(), encode_lines(&lines).as_slice());
        assert_eq!(file.root(), lines_root(&lines));
        assert_eq!(file.sha256(), sha256(&encode_lines(&lines)));
        assert_eq!(decode_lines(file.bytes()), Ok(lines.clone()));
        let back: Vec<StatementLine> = file.lines().collect::<Result<_, _>>().expect("decoded");
        assert_eq!(back, lines);
        assert_eq!(file.line(6), Some(Ok(lines[6].clone())));
        assert_eq!(file.line(7), None);
    }

    #[test]
    fn a_file_of_no_lines_is_empty_with_the_empty_root() {
        let file = LinesFile::new();

        assert!(file.is_empty());
        assert_eq!(file.bytes(), b"");
        assert_eq!(file.root(), lines_root(&[]));
        assert_eq!(file.line(0), None);
    }
}
