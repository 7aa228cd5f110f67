//! Evidence files: staff upload them (`POST /evidence`, multipart), anyone downloads them by
//! SHA-256 (`GET /evidence/{sha256}`). Downloads are served so that a hostile file can never
//! run in this origin: always an attachment, never sniffed, under a CSP that allows nothing.

use super::auth::{Recorder, Staff};
use super::error::{ApiError, ErrorBody};
use super::schema::EvidenceSchema;
use super::sorted::Sorted;
use super::{ApiPath, AppState};
use crate::evidence::{EvidenceError, Upload, MAX_FILES_PER_UPLOAD};
use crate::ledger::entry::Evidence;
use crate::ledger::hash::Hash;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The multipart field that carries files (it may repeat).
pub const FILE_FIELD: &str = "file";

/// The Content-Security-Policy of a downloaded evidence file: nothing may load or run.
pub const EVIDENCE_CSP: &str = "default-src 'none'; sandbox";

/// The largest upload request: [`MAX_FILES_PER_UPLOAD`] files at the per-file limit, plus room
/// for the multipart framing.
pub fn upload_body_limit(max_file_bytes: u64) -> usize {
    let total = max_file_bytes
        .saturating_mul(MAX_FILES_PER_UPLOAD as u64)
        .saturating_add(64 * 1024);
    usize::try_from(total).unwrap_or(usize::MAX)
}

fn multipart_error(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the upload is larger than the limit: at most {MAX_FILES_PER_UPLOAD} files, each within the per-file limit"),
        )
        .field(FILE_FIELD)
    } else {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_multipart", e.body_text())
    }
}

/// Reads what is left of the request and drops it, so a refusal sent mid-upload reaches a
/// client that is still writing instead of being lost to a connection reset.
async fn drain(multipart: &mut Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

/// Body of `POST /evidence`: `multipart/form-data` with one to
/// [`MAX_FILES_PER_UPLOAD`] fields named `file`.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built: the handler reads the fields as they arrive.
pub struct EvidenceUpload {
    /// The files (PDF, JPEG, PNG, WebP, HEIC, CSV, plain text or XLSX), each with its file
    /// name and media type.
    #[schema(value_type = Vec<String>, format = Binary)]
    file: Vec<Vec<u8>>,
}

/// A file's bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Described, never built: downloads are streamed.
pub struct FileBytes(Vec<u8>);

/// The files stored, as a disbursement lists them.
#[derive(Serialize, ToSchema)]
pub struct Stored {
    /// One per file, in the request's order.
    #[schema(value_type = Vec<EvidenceSchema>)]
    evidence: Vec<Evidence>,
}

/// Stores each file of the multipart fields named `file` by its SHA-256 and answers the
/// objects a disbursement lists (recorder). The request succeeds or fails whole: when any
/// file is refused, the files stored before it in the same request are removed again
/// (unless another request or a disbursement met them meanwhile).
#[utoipa::path(
    post, path = "/evidence", tag = "evidence",
    request_body(content = EvidenceUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored", body = Stored),
        (status = 400, description = "The multipart body is malformed", body = ErrorBody),
        (status = 413, description = "A file over the limit, or too many files", body = ErrorBody),
        (status = 415, description = "Not multipart, or a file of a refused type", body = ErrorBody),
        (status = 422, description = "No file, an empty file, a field not named `file`, or content that is not what its type says", body = ErrorBody),
        (status = 507, description = "The evidence store is full; nothing was stored", body = ErrorBody),
    )
)]
pub async fn upload(
    State(s): State<AppState>,
    _staff: Staff<Recorder>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let mut multipart = multipart.map_err(|_| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send Content-Type: multipart/form-data with one or more fields named file",
        )
    })?;
    let mut upload = s.evidence.begin_upload();
    match store_files(&mut multipart, &mut upload, s.evidence.max_file_bytes).await {
        Ok(stored) => {
            upload.keep();
            Ok((StatusCode::CREATED, Sorted(Stored { evidence: stored })).into_response())
        }
        Err(refusal) => {
            drain(&mut multipart).await;
            upload.abandon().await;
            Err(refusal)
        }
    }
}

/// Reads the fields of `multipart` and stores each file in `upload`.
///
/// # Errors
/// The first refusal: a field not named `file`, too many files, a file too large, empty or
/// of a refused type, a storage failure, or no file at all.
async fn store_files(
    multipart: &mut Multipart,
    upload: &mut Upload,
    limit: u64,
) -> Result<Vec<Evidence>, ApiError> {
    let mut stored = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let part = field.name().unwrap_or_default().to_string();
        if part != FILE_FIELD {
            return Err(ApiError::invalid(
                &part,
                format!("unexpected multipart field {part:?}; send files in fields named file"),
            ));
        }
        if stored.len() == MAX_FILES_PER_UPLOAD {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_many_files",
                format!("at most {MAX_FILES_PER_UPLOAD} files per request; nothing was stored; send the others in another request"),
            )
            .field(FILE_FIELD));
        }
        let name = field.file_name().map(str::to_string);
        let declared = field.content_type().map(str::to_string);
        let mut bytes = bytes::BytesMut::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if (bytes.len() + chunk.len()) as u64 > limit {
                return Err(EvidenceError::TooLarge {
                    name: name.unwrap_or_default(),
                    limit,
                }
                .into());
            }
            bytes.extend_from_slice(&chunk);
        }
        let evidence = upload
            .add(name.as_deref(), declared.as_deref(), bytes.freeze())
            .await?;
        stored.push(evidence);
    }
    if stored.is_empty() {
        return Err(ApiError::invalid(
            FILE_FIELD,
            "send one or more files in multipart fields named file",
        ));
    }
    Ok(stored)
}

/// A file name for the download, from the hash and the media type only.
fn download_name(sha256: &Hash, media_type: &str) -> String {
    let ext = match media_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "text/csv" => "csv",
        "text/plain" => "txt",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "image/heic" => "heic",
        "image/heif" => "heif",
        _ => "bin",
    };
    format!("{sha256}.{ext}")
}

/// A stored evidence file, as an attachment with its stored media type. The bytes are
/// served as stored; whoever downloads them checks them against the ledger.
#[utoipa::path(
    get, path = "/evidence/{sha256}", tag = "evidence",
    params(("sha256" = String, Path, description = "The file's SHA-256, 64 lower-case hex digits")),
    responses(
        (status = 200, description = "The file, as an attachment, with the media type it was stored with", content(
            (FileBytes = "application/pdf"), (FileBytes = "image/jpeg"), (FileBytes = "image/png"),
            (FileBytes = "image/webp"), (FileBytes = "image/heic"), (FileBytes = "image/heif"),
            (FileBytes = "text/csv"), (FileBytes = "text/plain"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 400, description = "Not a SHA-256", body = ErrorBody),
        (status = 404, description = "No such file", body = ErrorBody),
    )
)]
pub async fn download(
    State(s): State<AppState>,
    ApiPath(sha256): ApiPath<String>,
) -> Result<Response, ApiError> {
    let hash = Hash::from_hex(&sha256)
        .map_err(|m| ApiError::new(StatusCode::BAD_REQUEST, "bad_path", m).field("sha256"))?;
    // Read in chunks as the client takes them: a download holds one chunk, not the file.
    let blob = s
        .evidence
        .blobs
        .read(&hash)
        .await
        .map_err(crate::evidence::EvidenceError::from)?
        .ok_or_else(|| ApiError::not_found(format!("no evidence file {hash}")))?;
    let media_type = HeaderValue::from_str(&blob.info.media_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        download_name(&hash, &blob.info.media_type)
    ))
    .unwrap_or(HeaderValue::from_static("attachment"));
    let headers = [
        (header::CONTENT_TYPE, media_type),
        (header::CONTENT_DISPOSITION, disposition),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(EVIDENCE_CSP),
        ),
        (
            header::HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::CONTENT_LENGTH, HeaderValue::from(blob.info.size)),
    ];
    Ok((headers, axum::body::Body::from_stream(blob.chunks)).into_response())
}
