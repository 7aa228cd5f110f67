//! What evidence may be: its size, its media type (the declared one, checked against the
//! file's leading bytes), and its display name.

use super::formats::{is_text, sniff, HEIC, HEIF, XLSX};
use super::EvidenceError;
use crate::ledger::entry::MAX_SHORT_TEXT;

/// The default largest file accepted: 20 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// The most files one upload request may carry.
pub const MAX_FILES_PER_UPLOAD: usize = 10;

/// The media types evidence may have.
pub const ALLOWED_MEDIA_TYPES: &[&str] = &[
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/webp",
    "text/csv",
    "text/plain",
    XLSX,
    HEIC,
    HEIF,
];

/// Decides the media type of an uploaded file: the declared type (parameters dropped, lower
/// case) when it is allowed and the leading bytes agree; when nothing useful is declared
/// (`None` or `application/octet-stream`), the type the leading bytes announce, if allowed.
///
/// # Errors
/// [`EvidenceError::Unsupported`] or [`EvidenceError::Mismatch`].
pub fn media_type_of(
    name: &str,
    declared: Option<&str>,
    bytes: &[u8],
) -> Result<&'static str, EvidenceError> {
    let declared = declared
        .map(|d| {
            d.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|d| !d.is_empty() && d != "application/octet-stream");
    let detected = sniff(bytes);
    let Some(declared) = declared else {
        return detected
            .filter(|d| ALLOWED_MEDIA_TYPES.contains(d))
            .ok_or_else(|| EvidenceError::Unsupported {
                name: name.to_string(),
                media_type: detected.unwrap_or("application/octet-stream").to_string(),
            });
    };
    let allowed = ALLOWED_MEDIA_TYPES
        .iter()
        .find(|t| **t == declared)
        .ok_or_else(|| EvidenceError::Unsupported {
            name: name.to_string(),
            media_type: declared.clone(),
        })?;
    let agrees = match *allowed {
        "text/csv" | "text/plain" => detected.is_none() && is_text(bytes),
        // Phones name HEIC photos image/heif and the other way round.
        HEIC | HEIF => matches!(detected, Some(HEIC | HEIF)),
        t => detected == Some(t),
    };
    if agrees {
        Ok(allowed)
    } else {
        Err(EvidenceError::Mismatch {
            name: name.to_string(),
            declared,
            detected,
        })
    }
}

/// Checks an uploaded file's name as a display name: at most 200 characters, no control
/// characters, no Unicode noncharacters or direction controls (`invoice\u{202E}fdp.exe`
/// would display as `invoiceexe.pdf`). An empty or missing name is kept as no name. The
/// name is never used on disk.
///
/// # Errors
/// [`EvidenceError::BadName`].
pub fn display_name(name: Option<&str>) -> Result<Option<String>, EvidenceError> {
    let Some(name) = name.filter(|n| !n.trim().is_empty()) else {
        return Ok(None);
    };
    let bad = |problem| EvidenceError::BadName {
        name: name.chars().take(MAX_SHORT_TEXT).collect(),
        problem,
    };
    if name.chars().count() > MAX_SHORT_TEXT {
        return Err(bad("longer than 200 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(bad("contains control characters"));
    }
    if let Some((c, _)) = crate::ledger::admission::hidden_character(name) {
        return Err(bad(
            if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
                "contains an invisible direction control (U+202A to U+202E, U+2066 to U+2069), which can disguise a file's type"
            } else {
                "contains a Unicode noncharacter (such as U+FFFE or U+FFFF)"
            },
        ));
    }
    Ok(Some(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::formats;
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF";
    const WEBP: &[u8] = b"RIFF\x24\0\0\0WEBPVP8 ";
    const ZIP: &[u8] = b"PK\x03\x04\x14\0\x06\0";
    const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0";

    #[test]
    fn declared_types_are_accepted_only_when_the_leading_bytes_agree() {
        let ok = |d: &str, b: &[u8]| media_type_of("f", Some(d), b).ok();
        assert_eq!(ok("application/pdf", PDF), Some("application/pdf"));
        assert_eq!(ok("image/png", PNG), Some("image/png"));
        assert_eq!(ok("IMAGE/JPEG; x=y", JPEG), Some("image/jpeg"));
        assert_eq!(ok("image/webp", WEBP), Some("image/webp"));
        assert_eq!(ok(XLSX, &formats::samples::xlsx()), Some(XLSX));
        let iphone_photo = formats::samples::ftyp(b"heic", &[b"mif1", b"heic"]);
        assert_eq!(ok("image/heic", &iphone_photo), Some(HEIC));
        assert_eq!(ok("image/heif", &iphone_photo), Some(HEIF));
        assert_eq!(
            ok(
                "text/csv; charset=utf-8",
                "tên,số tiền\nAn,100\n".as_bytes()
            ),
            Some("text/csv")
        );
        assert_eq!(
            ok("text/plain", b"\xEF\xBB\xBFhello\r\n\tworld"),
            Some("text/plain")
        );

        assert_eq!(ok("image/png", PDF), None);
        assert_eq!(ok("application/pdf", EXE), None);
        assert_eq!(ok("text/plain", EXE), None);
        assert_eq!(ok("text/plain", PDF), None);
        assert_eq!(ok("text/csv", b"a,b\0c"), None);
        assert_eq!(ok("text/plain", b"\xFF\xFE not utf-8"), None);
        assert_eq!(ok(XLSX, PDF), None);
        assert_eq!(ok(XLSX, ZIP), None, "a plain ZIP archive is not a workbook");
        assert_eq!(ok("image/heic", PNG), None);
    }

    #[test]
    fn refusals_say_what_the_bytes_are() {
        let err = media_type_of("invoice.png", Some("image/png"), PDF).unwrap_err();
        assert_eq!(
            err.to_string(),
            "file \"invoice.png\" is declared image/png but its bytes are application/pdf"
        );
        assert!(matches!(
            media_type_of("page.html", Some("text/html"), b"<html>"),
            Err(EvidenceError::Unsupported { media_type, .. }) if media_type == "text/html"
        ));
    }

    #[test]
    fn without_a_useful_declared_type_the_leading_bytes_decide() {
        assert_eq!(media_type_of("f", None, PDF).ok(), Some("application/pdf"));
        assert_eq!(
            media_type_of(
                "budget.xlsx",
                Some("application/octet-stream"),
                &formats::samples::xlsx()
            )
            .ok(),
            Some(XLSX)
        );
        assert_eq!(
            media_type_of(
                "IMG_0042.HEIC",
                None,
                &formats::samples::ftyp(b"heic", &[b"mif1"])
            )
            .ok(),
            Some(HEIC)
        );
        assert_eq!(
            media_type_of("f", Some("application/octet-stream"), PNG).ok(),
            Some("image/png")
        );
        assert!(matches!(
            media_type_of("setup.exe", Some("application/octet-stream"), EXE),
            Err(EvidenceError::Unsupported { .. })
        ));
        assert!(matches!(
            media_type_of("notes", None, b"plain words"),
            Err(EvidenceError::Unsupported { .. })
        ));
    }

    #[test]
    fn display_names_are_kept_verbatim_within_the_ledger_limits() {
        assert_eq!(
            display_name(Some("<img src=x onerror=alert(1)>.pdf")).unwrap(),
            Some("<img src=x onerror=alert(1)>.pdf".to_string())
        );
        assert_eq!(
            display_name(Some("../../etc/passwd")).unwrap().as_deref(),
            Some("../../etc/passwd")
        );
        assert_eq!(display_name(Some("  ")).unwrap(), None);
        assert_eq!(display_name(None).unwrap(), None);
        assert!(display_name(Some("a\nb.pdf")).is_err());
        assert!(display_name(Some(&"x".repeat(201))).is_err());
    }

    #[test]
    fn a_file_name_disguised_by_a_direction_control_or_a_noncharacter_is_refused() {
        for name in [
            "invoice\u{202E}fdp.exe",
            "scan\u{2067}.pdf",
            "receipt\u{FFFE}.pdf",
        ] {
            assert!(
                matches!(display_name(Some(name)), Err(EvidenceError::BadName { .. })),
                "{name:?}"
            );
        }
        assert!(display_name(Some("hóa đơn tháng 11.pdf")).is_ok());
    }
}
