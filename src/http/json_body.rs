//! JSON request bodies: [`ApiJson`] reads one and, when it does not fit the request's type,
//! says which request field is wrong and what it accepts ([`BodyError`]), instead of
//! serde's words (`invalid type: integer 200000, expected a string at line 1 column 40`).

use super::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap};
use serde::de::DeserializeOwned;

/// JSON body extractor whose rejections are [`ApiError`]s naming the field.
pub struct ApiJson<T>(pub T);

/// Why a JSON body was not accepted. Fields are named as the request writes them
/// (`evidence[0].sha256`, `donor_private.email`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// The Content-Type is not JSON.
    NotJsonContentType,
    /// The body could not be read (too large, or the connection failed).
    Unreadable {
        /// Whether it was refused for its size.
        too_large: bool,
    },
    /// The bytes are not JSON.
    Syntax {
        /// Where the parser stopped, counting from 1.
        line: usize,
        /// Where the parser stopped, counting from 1.
        column: usize,
    },
    /// A value of the wrong JSON type.
    WrongType {
        /// The field.
        field: String,
        /// What the field takes, in words (`text (in quotes)`, `true or false`).
        expected: String,
        /// What was sent, in words (`a number`).
        found: String,
    },
    /// A text that is not one of the field's names.
    UnknownVariant {
        /// The field.
        field: String,
        /// What was sent.
        value: String,
        /// Every accepted name.
        allowed: Vec<String>,
    },
    /// A member the request does not have.
    UnknownField {
        /// Its full name.
        field: String,
        /// The members this object accepts.
        allowed: Vec<String>,
    },
    /// A required member is absent.
    MissingField {
        /// Its full name.
        field: String,
    },
    /// A value the field's own rules refuse (e.g. a hash that is not 64 hex digits).
    Invalid {
        /// The field, or `None` for the body as a whole.
        field: Option<String>,
        /// What is wrong, in words.
        problem: String,
    },
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(BodyError::NotJsonContentType.into());
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|r| BodyError::Unreadable {
                too_large: r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            })?;
        parse(&bytes).map(ApiJson).map_err(ApiError::from)
    }
}

/// Whether the Content-Type is `application/json` or `application/<something>+json`.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    match essence.split_once('/') {
        Some((kind, sub)) => {
            kind.eq_ignore_ascii_case("application")
                && (sub.eq_ignore_ascii_case("json") || sub.to_ascii_lowercase().ends_with("+json"))
        }
        None => false,
    }
}

/// Reads `bytes` as one JSON value of type `T`.
///
/// # Errors
/// A [`BodyError`] naming the field at fault and what it accepts.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyError> {
    // Most bodies are right: read them as they are, and only a body that is not is read
    // again keeping the path to each value, to name the field at fault (the same reader
    // underneath, so both readings accept and refuse the same bodies).
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = field_path(e.path());
        explain(path, e.into_inner())
    })?;
    de.end().map_err(|e| explain(None, e))?;
    Ok(value)
}

/// The request-field name of a path (`evidence[0].sha256`), `None` at the top.
fn field_path(path: &serde_path_to_error::Path) -> Option<String> {
    let text = path.to_string();
    (text != "." && !text.is_empty()).then_some(text)
}

fn join(parent: &Option<String>, name: &str) -> String {
    match parent {
        Some(p) => format!("{p}.{name}"),
        None => name.to_string(),
    }
}

/// Every `` `name` `` quoted in serde's text after `after`.
fn quoted_after(text: &str, after: &str) -> Vec<String> {
    text.split_once(after)
        .map(|(_, rest)| {
            rest.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The first `` `name` `` in serde's text.
fn first_quoted(text: &str) -> String {
    text.split('`').nth(1).unwrap_or_default().to_string()
}

/// Sorts serde's error into a [`BodyError`]. serde's messages for these cases are fixed
/// texts (`serde::de::Error`'s provided methods), so their shape is stable.
fn explain(path: Option<String>, e: serde_json::Error) -> BodyError {
    use serde_json::error::Category;
    if matches!(
        e.classify(),
        Category::Syntax | Category::Eof | Category::Io
    ) {
        return BodyError::Syntax {
            line: e.line(),
            column: e.column(),
        };
    }
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    if let Some(rest) = message.strip_prefix("missing field ") {
        return BodyError::MissingField {
            field: join(&path, &first_quoted(rest)),
        };
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        // The path already ends with the unknown key.
        return BodyError::UnknownField {
            field: path.unwrap_or_else(|| first_quoted(rest)),
            allowed: quoted_after(rest, "expected"),
        };
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return BodyError::UnknownVariant {
            field: path.unwrap_or_else(|| "body".into()),
            value: first_quoted(rest),
            allowed: quoted_after(rest, "expected"),
        };
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return BodyError::WrongType {
                field: path.clone().unwrap_or_else(|| "body".into()),
                expected: expected_in_words(path.as_deref(), expected),
                found: found_in_words(found),
            };
        }
    }
    BodyError::Invalid {
        field: path,
        problem: message.to_string(),
    }
}

/// What serde expected, in words a treasurer reads.
fn expected_in_words(field: Option<&str>, expected: &str) -> String {
    let amount = field.is_some_and(|f| f == "amount" || f == "goal");
    match expected {
        "a string" | "a borrowed string" if amount => "text such as \"250000\" (in quotes)".into(),
        "a string" | "a borrowed string" => "text (in quotes)".into(),
        "a boolean" => "true or false".into(),
        "a sequence" => "a list in square brackets [ ]".into(),
        "u64" | "u32" | "i64" | "i32" | "usize" => "a whole number such as 12".into(),
        "variant identifier" => "text (in quotes)".into(),
        e if e.starts_with("struct ") || e == "a map" => "an object in braces { }".into(),
        e => e.to_string(),
    }
}

/// What serde found, in words (`integer `200000`` is `a number`).
fn found_in_words(found: &str) -> String {
    let kind = found.split(' ').next().unwrap_or(found);
    match kind {
        "integer" | "floating" => "a number".into(),
        "string" => "text".into(),
        "boolean" => "true or false".into(),
        "null" => "null".into(),
        "map" => "an object".into(),
        "sequence" => "a list".into(),
        _ => found.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Request {
        amount: String,
        channel: Option<Kind>,
        count: Option<u64>,
        #[serde(default)]
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        BankTransfer,
        Cash,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        name: String,
    }

    fn error(body: &str) -> BodyError {
        parse::<Request>(body.as_bytes()).expect_err("refused")
    }

    #[test]
    fn serde_errors_become_the_field_and_what_it_accepts() {
        assert_eq!(
            error(r#"{"amount": 200000}"#),
            BodyError::WrongType {
                field: "amount".into(),
                expected: "text such as \"250000\" (in quotes)".into(),
                found: "a number".into()
            }
        );
        assert_eq!(
            error(r#"{"amount": "1", "channel": "bank"}"#),
            BodyError::UnknownVariant {
                field: "channel".into(),
                value: "bank".into(),
                allowed: vec!["bank_transfer".into(), "cash".into()]
            }
        );
        assert_eq!(
            error(r#"{"amount": "1", "foo": 1}"#),
            BodyError::UnknownField {
                field: "foo".into(),
                allowed: vec![
                    "amount".into(),
                    "channel".into(),
                    "count".into(),
                    "items".into()
                ]
            }
        );
        assert_eq!(
            error(r#"{"channel": "cash"}"#),
            BodyError::MissingField {
                field: "amount".into()
            }
        );
        assert_eq!(
            error(r#"{"amount": "1", "items": [{"name": "a"}, {}]}"#),
            BodyError::MissingField {
                field: "items[1].name".into()
            }
        );
        assert_eq!(
            error(r#"{"amount": "1", "items": [{"name": "a", "nme": "b"}]}"#),
            BodyError::UnknownField {
                field: "items[0].nme".into(),
                allowed: vec!["name".into()]
            }
        );
        assert_eq!(
            error(r#"{"amount": "1", "count": "3"}"#),
            BodyError::WrongType {
                field: "count".into(),
                expected: "a whole number such as 12".into(),
                found: "text".into()
            }
        );
        assert_eq!(
            error(r#"{"amount": "1",}"#),
            BodyError::Syntax {
                line: 1,
                column: 16
            }
        );
        assert_eq!(
            error(r#"{"amount": "1"} x"#),
            BodyError::Syntax {
                line: 1,
                column: 17
            }
        );
        assert!(matches!(error("[1]"), BodyError::WrongType { .. }));
    }

    #[test]
    fn only_json_content_types_are_read() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, value.parse().expect("header"));
            is_json(&headers)
        };
        assert!(with("application/json"));
        assert!(with("application/json; charset=utf-8"));
        assert!(with("Application/JSON"));
        assert!(with("application/merge-patch+json"));
        assert!(!with("application/x-www-form-urlencoded"));
        assert!(!with("text/json"));
        assert!(!is_json(&HeaderMap::new()));
    }
}
