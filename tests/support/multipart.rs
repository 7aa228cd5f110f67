//! `POST /api/v1/evidence` as a client sends it: multipart/form-data built by hand (the test
//! client has no multipart support), one part per file.

#![allow(dead_code)]

use serde_json::Value;

/// One file of an upload: display name, declared media type, bytes.
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

/// Uploads `files` in fields named `file` to the server at `base` (`http://host:port`) as
/// `token`.
pub async fn upload(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    files: &[FilePart<'_>],
) -> Uploaded {
    let boundary = "fundtrail-multipart-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, media_type, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {media_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let response = client
        .post(format!("{base}/api/v1/evidence"))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    Uploaded {
        status,
        headers,
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
    }
}
