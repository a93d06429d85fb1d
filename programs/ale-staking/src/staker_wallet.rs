//! A stake account with its signing owner and the staking config (`StakeOwner`, for
//! every instruction that changes a stake), and that owner moving ALE between its own
//! token account and one of the program's vaults (`StakerWallet`: stake, withdraw,
//! claim).

use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, TransferChecked};

use crate::error::StakingError;
use crate::seeds;
use crate::state::{StakeAccount, StakingConfig};

#[derive(Accounts)]
pub struct StakeOwner<'info> {
    pub owner: Signer<'info>,
    #[account(mut, seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(
        mut,
        seeds = [seeds::STAKE, stake_account.owner.as_ref()],
        bump = stake_account.bump,
        has_one = owner @ StakingError::NotStakeOwner
    )]
    pub stake_account: Box<Account<'info, StakeAccount>>,
}

#[derive(Accounts)]
pub struct StakerWallet<'info> {
    pub staker: StakeOwner<'info>,
    #[account(address = staker.config.ale_mint @ StakingError::WrongMint)]
    pub ale_mint: Box<Account<'info, Mint>>,
    #[account(mut)]
    pub owner_token: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

impl<'info> StakerWallet<'info> {
    /// The owner's token account holds ALE and belongs to the signer.
    pub fn validate_owner_token(&self) -> Result<()> {
        require_keys_eq!(
            self.owner_token.mint,
            self.staker.config.ale_mint,
            StakingError::WrongMint
        );
        require_keys_eq!(
            self.owner_token.owner,
            self.staker.owner.key(),
            StakingError::WrongTokenOwner
        );
        Ok(())
    }

    /// Moves `amount` from the owner's token account into `vault` (the owner signs).
    pub fn deposit(&self, vault: &Account<'info, TokenAccount>, amount: u64) -> Result<()> {
        token::transfer_checked(
            CpiContext::new(
                self.token_program.key(),
                TransferChecked {
                    from: self.owner_token.to_account_info(),
                    mint: self.ale_mint.to_account_info(),
                    to: vault.to_account_info(),
                    authority: self.staker.owner.to_account_info(),
                },
            ),
            amount,
            self.ale_mint.decimals,
        )
    }

    /// Pays `amount` from `vault` (held by the config PDA) to the owner.
    pub fn pay(&self, vault: &Account<'info, TokenAccount>, amount: u64) -> Result<()> {
        let bump = [self.staker.config.bump];
        let signer: &[&[&[u8]]] = &[&[seeds::CONFIG, &bump]];
        token::transfer_checked(
            CpiContext::new_with_signer(
                self.token_program.key(),
                TransferChecked {
                    from: vault.to_account_info(),
                    mint: self.ale_mint.to_account_info(),
                    to: self.owner_token.to_account_info(),
                    authority: self.staker.config.to_account_info(),
                },
                signer,
            ),
            amount,
            self.ale_mint.decimals,
        )
    }
}
