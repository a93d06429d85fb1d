//! A member taking ALE out of its community's rewards vault into its own ALE account:
//! the accounts and checks shared by the deposit and bucket-B reward claims.

use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::ProtocolError;
use crate::seat::*;
use crate::seeds;
use crate::state::{Community, ProtocolConfig};

#[derive(Accounts)]
pub struct RewardsClaim<'info> {
    pub seat: MemberSeat<'info>,
    #[account(seeds = [seeds::PROTOCOL_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, ProtocolConfig>>,
    #[account(address = config.ale_mint @ ProtocolError::WrongMint)]
    pub ale_mint: Box<Account<'info, Mint>>,
    #[account(mut, seeds = [seeds::COMMUNITY_REWARDS, seat.community.key().as_ref()], bump)]
    pub rewards_vault: Box<Account<'info, TokenAccount>>,
    #[account(mut)]
    pub member_token: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

impl RewardsClaim<'_> {
    /// The destination is the signer's own ALE account.
    pub fn validate(&self) -> Result<()> {
        self.seat.require_own_account(
            self.member_token.owner,
            self.member_token.mint,
            self.ale_mint.key(),
        )
    }

    /// Pays `amount` ALE from the rewards vault to the member.
    pub fn pay(&self, amount: u64) -> Result<()> {
        Community::pay_from_vault(
            &self.seat.community,
            self.token_program.key(),
            self.rewards_vault.to_account_info(),
            self.ale_mint.to_account_info(),
            self.ale_mint.decimals,
            self.member_token.to_account_info(),
            amount,
        )
    }
}
