use std::panic::Location;

/// A failed checked operation, with the source location of the call that failed
/// (Drift-style: the error says where, not only what).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MathError {
    #[error("arithmetic overflow at {file}:{line}")]
    Overflow { file: &'static str, line: u32 },
    #[error("division by zero at {file}:{line}")]
    DivisionByZero { file: &'static str, line: u32 },
    #[error("value does not fit the target integer at {file}:{line}")]
    Conversion { file: &'static str, line: u32 },
    #[error("invalid input: {0}")]
    InvalidInput(&'static str),
}

impl MathError {
    #[track_caller]
    pub fn overflow() -> Self {
        let at = Location::caller();
        MathError::Overflow {
            file: at.file(),
            line: at.line(),
        }
    }

    #[track_caller]
    pub fn division_by_zero() -> Self {
        let at = Location::caller();
        MathError::DivisionByZero {
            file: at.file(),
            line: at.line(),
        }
    }

    #[track_caller]
    pub fn conversion() -> Self {
        let at = Location::caller();
        MathError::Conversion {
            file: at.file(),
            line: at.line(),
        }
    }
}

pub type MathResult<T> = Result<T, MathError>;
