//! What the SDK's actors (operator, poster, worker) answer when they cannot do what
//! was asked. A refusal by the cluster or a program stays a `ClientError`, by name;
//! the rest says which local file, which argument or which step was at fault.

use std::path::PathBuf;

use anchor_lang::prelude::Pubkey;

use crate::transport::ClientError;

#[derive(Debug, thiserror::Error)]
pub enum SdkError {
    /// The cluster or a program refused, or an account did not read back.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// A local file (items, ballots, export) could not be read or written.
    #[error("{}: {source}", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A local file's content is not what it should be (CSV or JSON).
    #[error("{}: {what}", path.display())]
    FileFormat { path: PathBuf, what: String },
    /// An argument is wrong; nothing was sent.
    #[error("invalid input: {0}")]
    Input(String),
    /// Joining needs membership of the prerequisite `community` (its ledger is the
    /// proof), and the wallet has none.
    #[error("{member} is not a member of the prerequisite community {community}")]
    NotInPrerequisite { member: Pubkey, community: Pubkey },
    /// Other takes changed the assignment every time it was computed: try again.
    #[error("the assignment changed {attempts} times in a row: the round is busy, try again")]
    RoundBusy { attempts: usize },
    /// One step of a multi-transaction flow was refused; the earlier steps landed.
    #[error("{step}: {source}")]
    Step {
        step: String,
        #[source]
        source: ClientError,
    },
}

pub type Result<T, E = SdkError> = std::result::Result<T, E>;

impl SdkError {
    /// The program error's name, if a program refused.
    pub fn error_name(&self) -> Option<&'static str> {
        match self {
            Self::Client(e) | Self::Step { source: e, .. } => e.error_name(),
            _ => None,
        }
    }

    pub fn file(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::File {
            path: path.into(),
            source,
        }
    }

    pub fn file_format(path: impl Into<PathBuf>, what: impl ToString) -> Self {
        Self::FileFormat {
            path: path.into(),
            what: what.to_string(),
        }
    }
}

/// Names the step a refusal happened in.
pub(crate) trait StepContext<T> {
    fn step(self, step: impl FnOnce() -> String) -> Result<T>;
}

impl<T> StepContext<T> for Result<T, ClientError> {
    fn step(self, step: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| SdkError::Step {
            step: step(),
            source,
        })
    }
}

/// An error of the programs' own code run off-chain (layouts, checked math) over
/// accounts read back: the state does not add up.
pub(crate) fn state_error(e: impl std::fmt::Display) -> ClientError {
    ClientError::State(e.to_string())
}
