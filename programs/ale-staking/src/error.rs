use ale_math::MathError;
use anchor_lang::prelude::*;

#[error_code]
pub enum StakingError {
    #[msg("signer is not the admin of the staking config")]
    NotAdmin,
    #[msg("a configuration parameter is out of its allowed range")]
    InvalidParameter,
    #[msg("the genesis supply has already been minted")]
    GenesisAlreadyMinted,
    #[msg("the genesis supply has not been minted yet")]
    GenesisNotDone,
    #[msg("amount must be greater than zero")]
    ZeroAmount,
    #[msg("arithmetic overflow")]
    MathOverflow,
    #[msg("token account is not of the ALE mint")]
    WrongMint,
    #[msg("vault account is not the one named in the config")]
    WrongVault,
    #[msg("token account is not owned by the stake owner")]
    WrongTokenOwner,
    #[msg("signer does not own this stake account")]
    NotStakeOwner,
    #[msg("token balance is lower than the amount")]
    InsufficientBalance,
    #[msg("active stake is lower than the amount")]
    InsufficientStake,
    #[msg("the unstake cooldown has not elapsed")]
    CooldownNotElapsed,
    #[msg("no stake is waiting to be withdrawn")]
    NothingToWithdraw,
    #[msg("no rewards to claim")]
    NothingToClaim,
    #[msg("inflation is behind the clock: crank it first, in the same transaction")]
    EmissionNotCurrent,
    #[msg("stake account still holds stake or rewards")]
    StakeAccountNotEmpty,
    #[msg("signer is not the ale-protocol reporter PDA")]
    UnauthorizedReporter,
    #[msg("epoch has not been closed by the inflation crank yet")]
    EpochNotClosed,
    #[msg("epoch is no longer held in the reward ring")]
    EpochExpired,
    #[msg("community reported no paid work in this epoch")]
    NoPaidWork,
    #[msg("community reward for this epoch was already drawn")]
    AlreadyDrawn,
    #[msg("a state invariant does not hold")]
    InvariantViolated,
}

/// Maps an ale-math failure to a program error, logging where it happened.
pub trait OrMathOverflow<T> {
    fn or_overflow(self) -> Result<T>;
}

impl<T> OrMathOverflow<T> for std::result::Result<T, MathError> {
    fn or_overflow(self) -> Result<T> {
        self.map_err(|e| {
            msg!("math: {}", e);
            error!(StakingError::MathOverflow)
        })
    }
}
