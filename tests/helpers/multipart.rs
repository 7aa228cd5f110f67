//! `POST /api/v1/evidence` as a client sends it: multipart/form-data built by hand (the test
//! client has no multipart support), one part per file.

use serde_json::Value;

/// One part of an upload: form field, file name, declared media type, bytes.
pub struct Part<'a> {
    pub field: &'a str,
    pub name: &'a str,
    pub media_type: &'a str,
    pub bytes: &'a [u8],
}

/// A part in the `file` field, the only one the server reads.
pub fn file<'a>(name: &'a str, media_type: &'a str, bytes: &'a [u8]) -> Part<'a> {
    Part {
        field: "file",
        name,
        media_type,
        bytes,
    }
}

/// One file of an upload in the `file` field: display name, declared media type, bytes.
pub type FilePart<'a> = (&'a str, &'a str, &'a [u8]);

/// An upload's answer.
pub struct Uploaded {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: reqwest::header::HeaderMap,
    /// The JSON body (`Null` when it is not JSON).
    pub json: Value,
}

const BOUNDARY: &str = "fundtrail-multipart-7MA4YWxkTrZu0gW";

/// Sends `parts` to the server at `base` (`http://host:port`), as `Bearer token` when one is
/// given.
pub async fn post(
    client: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    parts: &[Part<'_>],
) -> reqwest::Response {
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                p.field, p.name, p.media_type
            )
            .as_bytes(),
        );
        body.extend_from_slice(p.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let mut request = client
        .post(format!("{base}/api/v1/evidence"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    request.send().await.expect("request sent")
}

/// Uploads `files` in fields named `file` to the server at `base` (`http://host:port`) as
/// `token`.
pub async fn upload(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    files: &[FilePart<'_>],
) -> Uploaded {
    let parts: Vec<Part<'_>> = files
        .iter()
        .map(|(name, media_type, bytes)| file(name, media_type, bytes))
        .collect();
    let response = post(client, base, Some(token), &parts).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    Uploaded {
        status,
        headers,
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
    }
}
