//! How a command fails: [`CliError`], and the exit code each failure gives.

use crate::startup::StartupError;

/// A command's failure, with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Verification found a problem: exit 1.
    #[error("verification FAILED: {0}")]
    Verification(String),
    /// Usage, configuration or I/O problem: exit 2.
    #[error("{0}")]
    Usage(String),
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Verification(_) => 1,
            CliError::Usage(_) => 2,
        }
    }
}

impl From<StartupError> for CliError {
    fn from(e: StartupError) -> Self {
        CliError::Usage(e.to_string())
    }
}

impl From<crate::store::StoreError> for CliError {
    fn from(e: crate::store::StoreError) -> Self {
        CliError::Usage(e.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Usage(e.to_string())
    }
}

impl From<crate::platform::PlatformError> for CliError {
    fn from(e: crate::platform::PlatformError) -> Self {
        CliError::Usage(e.to_string())
    }
}
