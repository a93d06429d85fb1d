use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use crate::error::ProtocolError;
use crate::events::PayClaimed;
use crate::seat::*;
use crate::seeds;
use crate::state::Community;

/// A member claims its credited pay in one mint: the balance is zeroed in the same
/// instruction that moves it, to a token account the member owns.
#[event_cpi]
#[derive(Accounts)]
pub struct ClaimPay<'info> {
    pub seat: MemberSeat<'info>,
    #[account(mint::token_program = token_program)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        mut,
        seeds = [seeds::COMMUNITY_VAULT, seat.community.key().as_ref(), mint.key().as_ref()],
        bump
    )]
    pub community_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut)]
    pub member_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl ClaimPay<'_> {
    pub fn validate(&self) -> Result<()> {
        self.seat.require_own_account(
            self.member_token.owner,
            self.member_token.mint,
            self.mint.key(),
        )?;
        require!(
            self.seat.community.mints.contains(&self.mint.key()),
            ProtocolError::WrongMint
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn claim_pay(ctx: Context<ClaimPay>) -> Result<()> {
    let community = &ctx.accounts.seat.community;
    let mint = ctx.accounts.mint.key();
    let slot = community
        .mints
        .iter()
        .position(|m| *m == mint)
        .ok_or(ProtocolError::WrongMint)?;
    let amount = ctx.accounts.seat.with_entry(|entry| {
        let amount = entry.claimable[slot];
        require!(amount > 0, ProtocolError::NothingToClaim);
        entry.claimable[slot] = 0;
        Ok(amount)
    })?;
    Community::pay_from_vault(
        community,
        ctx.accounts.token_program.key(),
        ctx.accounts.community_vault.to_account_info(),
        ctx.accounts.mint.to_account_info(),
        ctx.accounts.mint.decimals,
        ctx.accounts.member_token.to_account_info(),
        amount,
    )?;
    emit_cpi!(PayClaimed {
        community: ctx.accounts.seat.community.key(),
        member: ctx.accounts.seat.member.key(),
        mint,
        amount,
    });
    Ok(())
}
