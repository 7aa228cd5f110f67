//! What a file's bytes say it is. Signatures at the start for most formats; two need a closer
//! look, and are read from their structure rather than guessed from a prefix:
//! - Office Open XML (XLSX, and DOCX/PPTX to name them when refused) is a ZIP archive; the
//!   archive's central directory lists every entry, and an OOXML package has a
//!   `[Content_Types].xml` entry and its parts under `xl/`, `word/` or `ppt/`. Reading the
//!   directory finds them wherever the writer put them in the archive.
//! - HEIC/HEIF (phone photos) are ISO base media files whose first box is `ftyp`; its major
//!   and compatible brands say which image format the file holds.
//!
//! (The `infer` crate was considered: its OOXML check looks only at the first few local
//! headers in a fixed order and its HEIF check only at HEVC brands, so it misses files this
//! module reads correctly.)

/// The media type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const PPTX: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
/// The media type of a HEIC photo (HEIF holding HEVC-coded images).
pub const HEIC: &str = "image/heic";
/// The media type of a HEIF image of another coding.
pub const HEIF: &str = "image/heif";

/// The media type the bytes announce, for the formats that have a signature.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Some(zip_kind(bytes))
    } else if let Some(kind) = iso_media_kind(bytes) {
        Some(kind)
    } else if bytes.starts_with(b"MZ") {
        Some("application/x-msdownload")
    } else if bytes.starts_with(b"\x7FELF") {
        Some("application/x-executable")
    } else if bytes.starts_with(b"GIF8") {
        Some("image/gif")
    } else {
        None
    }
}

/// Reports whether `bytes` read as text: UTF-8 (after an optional byte order mark) without NUL
/// or other control characters except tab, line feed, carriage return and form feed.
pub fn is_text(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).is_ok_and(|s| {
        !s.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C'))
    })
}

/// What a ZIP archive holds: an Office Open XML document, or just a ZIP.
fn zip_kind(bytes: &[u8]) -> &'static str {
    let names = zip_entry_names(bytes).unwrap_or_default();
    let has = |name: &[u8]| names.contains(&name);
    let under = |folder: &[u8]| names.iter().any(|n| n.starts_with(folder));
    if !has(b"[Content_Types].xml") {
        "application/zip"
    } else if under(b"xl/") {
        XLSX
    } else if under(b"word/") {
        DOCX
    } else if under(b"ppt/") {
        PPTX
    } else {
        "application/zip"
    }
}

fn u16_at(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(usize::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Some(u64::from_le_bytes(a))
}

/// The names in a ZIP archive's central directory (ZIP64 included), or `None` when the
/// archive has no readable directory.
fn zip_entry_names(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    const END: &[u8] = b"PK\x05\x06";
    const END_LEN: usize = 22;
    let last = bytes.len().checked_sub(END_LEN)?;
    // The end record is followed only by a comment of at most 65535 bytes.
    let end = (last.saturating_sub(65_535)..=last)
        .rev()
        .find(|&at| bytes[at..].starts_with(END))?;
    let (mut size, mut offset) = (u32_at(bytes, end + 12)?, u32_at(bytes, end + 16)?);
    if size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        // ZIP64: a locator just before the end record points at the ZIP64 end record.
        let locator = end.checked_sub(20)?;
        if !bytes[locator..].starts_with(b"PK\x06\x07") {
            return None;
        }
        let record = usize::try_from(u64_at(bytes, locator + 8)?).ok()?;
        if !bytes.get(record..)?.starts_with(b"PK\x06\x06") {
            return None;
        }
        (size, offset) = (u64_at(bytes, record + 40)?, u64_at(bytes, record + 48)?);
    }
    let start = usize::try_from(offset).ok()?;
    let stop = start.checked_add(usize::try_from(size).ok()?)?;
    let directory = bytes.get(start..stop)?;
    let mut names = Vec::new();
    let mut at = 0usize;
    while directory.get(at..)?.starts_with(b"PK\x01\x02") {
        let name_len = u16_at(directory, at + 28)?;
        let extra_len = u16_at(directory, at + 30)?;
        let comment_len = u16_at(directory, at + 32)?;
        let name_start = at + 46;
        names.push(directory.get(name_start..name_start + name_len)?);
        at = name_start + name_len + extra_len + comment_len;
    }
    Some(names)
}

/// The image format of an ISO base media file (HEIC, HEIF, AVIF), from its `ftyp` box;
/// `None` for anything else.
fn iso_media_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.get(4..8)? != b"ftyp" {
        return None;
    }
    let box_len = usize::try_from(u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?)).ok()?;
    let ftyp = bytes.get(8..box_len.min(bytes.len()))?;
    let major = ftyp.get(..4)?;
    // After the major brand and the minor version come the compatible brands.
    let compatible: Vec<&[u8]> = ftyp.get(8..).unwrap_or_default().chunks_exact(4).collect();
    let brands = || std::iter::once(major).chain(compatible.iter().copied());
    let any = |wanted: &[&[u8]]| brands().any(|b| wanted.contains(&b));
    if any(&[b"heic", b"heix", b"heim", b"heis"]) {
        Some(HEIC)
    } else if any(&[b"avif", b"avis"]) {
        Some("image/avif")
    } else if any(&[b"mif1", b"msf1", b"heif"]) {
        Some(HEIF)
    } else {
        None
    }
}

/// Sample files for tests: small but well-formed ZIP archives and ISO media headers.
#[cfg(test)]
pub(crate) mod samples {
    /// A stored (uncompressed) ZIP archive of `entries`, with its central directory.
    pub(crate) fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut directory = Vec::new();
        for (name, data) in entries {
            let offset = out.len() as u32;
            let (n, len) = (name.len() as u16, data.len() as u32);
            out.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0");
            out.extend_from_slice(&0u32.to_le_bytes()); // CRC (not read)
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            directory.extend_from_slice(b"PK\x01\x02\x14\0\x14\0\0\0\0\0\0\0\0\0");
            directory.extend_from_slice(&0u32.to_le_bytes());
            directory.extend_from_slice(&len.to_le_bytes());
            directory.extend_from_slice(&len.to_le_bytes());
            directory.extend_from_slice(&n.to_le_bytes());
            directory.extend_from_slice(&[0u8; 12]); // extra, comment, disk, attributes
            directory.extend_from_slice(&offset.to_le_bytes());
            directory.extend_from_slice(name.as_bytes());
        }
        let (start, size, count) = (
            out.len() as u32,
            directory.len() as u32,
            entries.len() as u16,
        );
        out.extend_from_slice(&directory);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&start.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    /// A minimal XLSX workbook's entries (as a spreadsheet program writes them, in order).
    pub(crate) fn xlsx() -> Vec<u8> {
        zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", b"<worksheet/>"),
        ])
    }

    /// The start of an ISO media file with `major` and `compatible` brands.
    pub(crate) fn ftyp(major: &[u8], compatible: &[&[u8]]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&(16 + 4 * compatible.len() as u32).to_be_bytes());
        b.extend_from_slice(b"ftyp");
        b.extend_from_slice(major);
        b.extend_from_slice(&[0; 4]);
        for c in compatible {
            b.extend_from_slice(c);
        }
        b.extend_from_slice(b"\0\0\0\x08meta");
        b
    }
}

#[cfg(test)]
mod tests {
    use super::samples::{ftyp, zip};
    use super::*;

    #[test]
    fn a_workbook_is_told_from_other_zip_archives_wherever_its_parts_are() {
        let workbook = zip(&[
            ("docProps/app.xml", b"<Properties/>"),
            ("xl/workbook.xml", b"<workbook/>"),
            ("docProps/core.xml", b"<cp/>"),
            ("[Content_Types].xml", b"<Types/>"),
        ]);
        let document = zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b""),
        ]);
        let archive = zip(&[("xl/not-a-workbook.txt", b"hello")]);

        assert_eq!(sniff(&workbook), Some(XLSX));
        assert_eq!(sniff(&samples::xlsx()), Some(XLSX));
        assert_eq!(sniff(&document), Some(DOCX));
        assert_eq!(sniff(&archive), Some("application/zip"));
        assert_eq!(sniff(b"PK\x03\x04truncated"), Some("application/zip"));
    }

    #[test]
    fn phone_photos_are_told_by_their_brands() {
        assert_eq!(sniff(&ftyp(b"heic", &[b"mif1", b"heic"])), Some(HEIC));
        assert_eq!(sniff(&ftyp(b"mif1", &[b"heic"])), Some(HEIC));
        assert_eq!(sniff(&ftyp(b"mif1", &[b"mif1"])), Some(HEIF));
        assert_eq!(sniff(&ftyp(b"heif", &[])), Some(HEIF));
        assert_eq!(sniff(&ftyp(b"avif", &[b"mif1"])), Some("image/avif"));
        assert_eq!(sniff(&ftyp(b"isom", &[b"mp41"])), None);
    }
}
