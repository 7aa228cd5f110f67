//! Evidence for disbursements: which files are accepted (size, media type checked against the
//! file's leading bytes), storing them by SHA-256 in a [`BlobStore`], and checking that the
//! evidence a disbursement lists is stored as listed.

use crate::blobs::{Blob, BlobError, BlobStore};
use crate::ledger::entry::{Evidence, MAX_SHORT_TEXT};
use crate::ledger::hash::Hash;
use bytes::Bytes;
use std::sync::Arc;

mod formats;
mod upload;

pub use formats::sniff;
use formats::{is_text, HEIC, HEIF, XLSX};
pub use upload::Upload;

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

/// Why a file or a disbursement's evidence list was refused.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    /// The file is larger than the limit.
    #[error("file {name:?} is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The file's display name.
        name: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file has no bytes.
    #[error("file {name:?} is empty")]
    Empty {
        /// The file's display name.
        name: String,
    },
    /// The media type is not one evidence may have.
    #[error("file {name:?}: media type {media_type:?} is not accepted; use one of {}", ALLOWED_MEDIA_TYPES.join(", "))]
    Unsupported {
        /// The file's display name.
        name: String,
        /// The declared (or missing) media type.
        media_type: String,
    },
    /// The bytes are not what the declared media type says.
    #[error("file {name:?} is declared {declared} but its bytes {}", match detected {
        Some(d) => format!("are {d}"),
        None => format!("do not look like {declared}"),
    })]
    Mismatch {
        /// The file's display name.
        name: String,
        /// The declared media type.
        declared: String,
        /// What the leading bytes say, when they say something.
        detected: Option<&'static str>,
    },
    /// The file name cannot be kept as a display name.
    #[error("file name {name:?}: {problem}")]
    BadName {
        /// The name as sent.
        name: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A listed document is not in the evidence store.
    #[error(
        "evidence {0} is not in the evidence store; upload it first with POST /api/v1/evidence"
    )]
    NotStored(Hash),
    /// A listed document's size differs from the stored file's.
    #[error(
        "evidence {sha256} is listed with size {listed} but the stored file has {stored} bytes"
    )]
    SizeMismatch {
        /// The document.
        sha256: Hash,
        /// The size in the request.
        listed: u64,
        /// The stored file's size.
        stored: u64,
    },
    /// A listed document's media type differs from the stored file's.
    #[error("evidence {sha256} is listed as {listed} but was stored as {stored}")]
    TypeMismatch {
        /// The document.
        sha256: Hash,
        /// The media type in the request.
        listed: String,
        /// The stored media type.
        stored: String,
    },
    /// The blob store failed.
    #[error(transparent)]
    Blob(#[from] BlobError),
}

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

/// The evidence store of a running server: where files go and how large they may be.
#[derive(Debug, Clone)]
pub struct EvidenceStore {
    /// Where the files live.
    pub blobs: BlobStore,
    /// The largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Files stored by upload requests still in progress (shared by every clone).
    tentative: Arc<upload::Tentative>,
}

impl EvidenceStore {
    /// Files in `blobs`, each at most `max_file_bytes`.
    pub fn new(blobs: BlobStore, max_file_bytes: u64) -> Self {
        EvidenceStore {
            blobs,
            max_file_bytes,
            tentative: Arc::default(),
        }
    }

    /// Starts an upload request: files added to it are stored at once, and removed again if
    /// the request is abandoned (see [`Upload`]).
    pub fn begin_upload(&self) -> Upload {
        Upload::new(self.clone())
    }

    /// An in-memory store with the default limit (tests and embedding; nothing survives).
    pub fn in_memory() -> Self {
        Self::new(BlobStore::in_memory(), DEFAULT_MAX_FILE_BYTES)
    }

    /// Checks one uploaded file and stores it for good; returns the [`Evidence`] a
    /// disbursement lists. (An upload of several files that must succeed or fail together
    /// uses [`EvidenceStore::begin_upload`].)
    ///
    /// # Errors
    /// [`EvidenceError`]: too large, empty, a refused media type or name, or a storage failure.
    pub async fn upload(
        &self,
        name: Option<&str>,
        declared: Option<&str>,
        bytes: Bytes,
    ) -> Result<Evidence, EvidenceError> {
        let mut upload = self.begin_upload();
        match upload.add(name, declared, bytes).await {
            Ok(evidence) => {
                upload.keep();
                Ok(evidence)
            }
            Err(e) => {
                upload.abandon().await;
                Err(e)
            }
        }
    }

    /// Checks one uploaded file and returns it with its media type, ready to store.
    ///
    /// # Errors
    /// [`EvidenceError`]: too large, empty, or a refused media type or name.
    fn check(
        &self,
        name: Option<&str>,
        declared: Option<&str>,
        bytes: &[u8],
    ) -> Result<(Option<String>, &'static str), EvidenceError> {
        let name = display_name(name)?;
        let shown = name.clone().unwrap_or_default();
        if bytes.len() as u64 > self.max_file_bytes {
            return Err(EvidenceError::TooLarge {
                name: shown,
                limit: self.max_file_bytes,
            });
        }
        if bytes.is_empty() {
            return Err(EvidenceError::Empty { name: shown });
        }
        let media_type = media_type_of(&shown, declared, bytes)?;
        Ok((name, media_type))
    }

    /// Checks that every listed document is stored with the listed size and media type.
    ///
    /// # Errors
    /// The first [`EvidenceError::NotStored`], [`EvidenceError::SizeMismatch`] or
    /// [`EvidenceError::TypeMismatch`], or a storage failure.
    pub async fn check_listed(&self, evidence: &[Evidence]) -> Result<(), EvidenceError> {
        for e in evidence {
            // A file still in an upload request is kept from now on, whatever that request's
            // fate: this disbursement may list it.
            let info = self
                .tentative
                .while_relied_on(&e.sha256, self.blobs.info(&e.sha256))
                .await?
                .ok_or(EvidenceError::NotStored(e.sha256))?;
            if info.size != e.size {
                return Err(EvidenceError::SizeMismatch {
                    sha256: e.sha256,
                    listed: e.size,
                    stored: info.size,
                });
            }
            if info.media_type != e.media_type {
                return Err(EvidenceError::TypeMismatch {
                    sha256: e.sha256,
                    listed: e.media_type.clone(),
                    stored: info.media_type,
                });
            }
        }
        Ok(())
    }

    /// The stored file `sha256`, as stored now (not checked against the hash).
    ///
    /// # Errors
    /// A storage failure.
    pub async fn open(&self, sha256: &Hash) -> Result<Option<Blob>, EvidenceError> {
        Ok(self.blobs.get(sha256).await?)
    }
}

#[cfg(test)]
mod tests {
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

    #[tokio::test]
    async fn a_listed_document_must_be_stored_with_the_listed_size_and_type() {
        let store = EvidenceStore::in_memory();
        let stored = store
            .upload(
                Some("a.pdf"),
                Some("application/pdf"),
                Bytes::from_static(PDF),
            )
            .await
            .unwrap();

        assert!(store
            .check_listed(std::slice::from_ref(&stored))
            .await
            .is_ok());
        let mut bigger = stored.clone();
        bigger.size += 1;
        assert!(matches!(
            store.check_listed(&[bigger]).await,
            Err(EvidenceError::SizeMismatch { .. })
        ));
        let mut png = stored.clone();
        png.media_type = "image/png".into();
        assert!(matches!(
            store.check_listed(&[png]).await,
            Err(EvidenceError::TypeMismatch { .. })
        ));
        let mut unknown = stored;
        unknown.sha256 = crate::ledger::hash::sha256(b"other");
        assert!(matches!(
            store.check_listed(&[unknown]).await,
            Err(EvidenceError::NotStored(_))
        ));
    }

    #[tokio::test]
    async fn files_over_the_limit_and_empty_files_are_refused() {
        let store = EvidenceStore::new(BlobStore::in_memory(), 8);

        let big = store
            .upload(
                Some("big.pdf"),
                Some("application/pdf"),
                Bytes::from_static(PDF),
            )
            .await;
        let empty = store
            .upload(Some("e.txt"), Some("text/plain"), Bytes::new())
            .await;

        assert!(matches!(big, Err(EvidenceError::TooLarge { limit: 8, .. })));
        assert!(matches!(empty, Err(EvidenceError::Empty { .. })));
    }
}
