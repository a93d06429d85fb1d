use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::ProtocolError;
use crate::events::DepositsClaimed;
use crate::seat::*;
use crate::seeds;
use crate::state::{Community, ProtocolConfig};

/// A member claims the vote deposits returned to it and those it won from losers.
#[event_cpi]
#[derive(Accounts)]
pub struct ClaimDeposits<'info> {
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

impl ClaimDeposits<'_> {
    pub fn validate(&self) -> Result<()> {
        require_keys_eq!(
            self.member_token.owner,
            self.seat.member.key(),
            ProtocolError::WrongTokenOwner
        );
        require_keys_eq!(
            self.member_token.mint,
            self.ale_mint.key(),
            ProtocolError::WrongMint
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn claim_deposits(ctx: Context<ClaimDeposits>) -> Result<()> {
    let amount = ctx.accounts.seat.with_entry(|entry| {
        let amount = entry.deposit_claimable;
        require!(amount > 0, ProtocolError::NothingToClaim);
        entry.deposit_claimable = 0;
        Ok(amount)
    })?;
    Community::pay_from_vault(
        &ctx.accounts.seat.community,
        ctx.accounts.token_program.key(),
        ctx.accounts.rewards_vault.to_account_info(),
        ctx.accounts.ale_mint.to_account_info(),
        ctx.accounts.ale_mint.decimals,
        ctx.accounts.member_token.to_account_info(),
        amount,
    )?;
    emit_cpi!(DepositsClaimed {
        community: ctx.accounts.seat.community.key(),
        member: ctx.accounts.seat.member.key(),
        amount,
    });
    Ok(())
}
