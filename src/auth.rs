//! Staff tokens and roles, shared by the HTTP API (which checks tokens) and the CLI (which
//! mints them). A token is 32 random bytes, shown once and stored only as its SHA-256
//! ([`token_hash`]), so the store never holds anything that authenticates. A token may be
//! traded for a browser session ([`session`]), which the store keeps the same way.

use crate::ledger::hash::{sha256, Hash};
use base64::Engine;

pub mod session;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// May append donations, disbursements, transfers and reversals.
    Recorder,
    /// May also open and close campaigns and manage tokens.
    Admin,
}

impl Role {
    /// Parses `recorder` or `admin`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "recorder" => Some(Role::Recorder),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Recorder => "recorder",
            Role::Admin => "admin",
        }
    }
}

/// The most characters a token name may have.
pub const TOKEN_NAME_MAX: usize = 64;

/// Punctuation a token name may hold besides letters, digits and spaces.
const TOKEN_NAME_PUNCTUATION: &str = ".,-'()&/_";

/// Why a token name is not accepted (see [`check_token_name`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenNameError {
    /// Nothing but spaces.
    #[error("a token name must not be empty")]
    Empty,
    /// Over [`TOKEN_NAME_MAX`] characters.
    #[error("a token name has at most {TOKEN_NAME_MAX} characters, not {chars}")]
    TooLong {
        /// How many it has.
        chars: usize,
    },
    /// A space first or last.
    #[error("a token name must not begin or end with a space")]
    EdgeSpace,
    /// A character outside the plain set.
    #[error("a token name holds letters, digits, spaces and . , - ' ( ) & / _ only, not {found:?} (U+{:04X})", u32::from(*found))]
    Character {
        /// The first such character.
        found: char,
    },
}

/// Checks that `name` is a plain token name: 1 to 64 letters of any script (with their
/// combining accents), digits, spaces and `. , - ' ( ) & / _`, not beginning or ending with
/// a space. The name is written into every entry the token records (`recorded_by`), so it
/// must read the same everywhere: no markup, controls, direction overrides or `#`, which
/// separates the name from the token id there.
///
/// # Errors
/// The first [`TokenNameError`] that applies.
pub fn check_token_name(name: &str) -> Result<(), TokenNameError> {
    if name.trim().is_empty() {
        return Err(TokenNameError::Empty);
    }
    let chars = name.chars().count();
    if chars > TOKEN_NAME_MAX {
        return Err(TokenNameError::TooLong { chars });
    }
    if name.starts_with(char::is_whitespace) || name.ends_with(char::is_whitespace) {
        return Err(TokenNameError::EdgeSpace);
    }
    let plain = |c: char| {
        c.is_alphanumeric()
            || c == ' '
            || TOKEN_NAME_PUNCTUATION.contains(c)
            // Combining diacritical marks: Vietnamese typed in decomposed form.
            || ('\u{300}'..='\u{36F}').contains(&c)
    };
    match name.chars().find(|c| !plain(*c)) {
        Some(found) => Err(TokenNameError::Character { found }),
        None => Ok(()),
    }
}

/// A new random token: `ft_` and 43 base64url characters (256 bits).
pub fn new_token() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut bytes);
    format!(
        "ft_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The staff console's sign-in link for `token` on the server at `base` (no trailing `/`):
/// `<base>/staff/#token=<token>`. The token travels in the fragment, which browsers never
/// send to a server, and the console removes it from the address bar at once.
pub fn sign_in_link(base: &str, token: &str) -> String {
    format!("{}/staff/#token={token}", base.trim_end_matches('/'))
}

/// What the store keeps of `token`, and looks it up by: its SHA-256. Looking a token up
/// by its hash means no comparison ever touches the token itself.
pub fn token_hash(token: &str) -> Hash {
    sha256(token.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_in_any_script_are_accepted() {
        for name in [
            "Lan (finance)",
            "Nguyễn Thị Lan",
            "Nguye\u{302}\u{303}n",
            "O'Brien & Sons / field-team_2",
            "Trần Văn B.",
            "مريم",
            "admin",
            &"x".repeat(64),
        ] {
            assert_eq!(check_token_name(name), Ok(()), "{name:?}");
        }
    }

    #[test]
    fn markup_controls_direction_overrides_and_edges_are_refused() {
        assert_eq!(check_token_name(""), Err(TokenNameError::Empty));
        assert_eq!(check_token_name("   "), Err(TokenNameError::Empty));
        assert_eq!(
            check_token_name(&"x".repeat(65)),
            Err(TokenNameError::TooLong { chars: 65 })
        );
        assert_eq!(check_token_name(" Lan"), Err(TokenNameError::EdgeSpace));
        assert_eq!(check_token_name("Lan "), Err(TokenNameError::EdgeSpace));
        for (name, found) in [
            ("<img src=x>", '<'),
            ("Lan\u{202E}gnp", '\u{202E}'),
            ("Lan\u{2066}", '\u{2066}'),
            ("Lan\u{FFFE}", '\u{FFFE}'),
            ("Lan\tB", '\t'),
            ("Lan #3", '#'),
            ("Lan\u{200B}", '\u{200B}'),
        ] {
            assert_eq!(
                check_token_name(name),
                Err(TokenNameError::Character { found }),
                "{name:?}"
            );
        }
        assert_eq!(
            TokenNameError::Character { found: '\u{202E}' }.to_string(),
            "a token name holds letters, digits, spaces and . , - ' ( ) & / _ only, not '\\u{202e}' (U+202E)"
        );
    }
}
