use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::ProtocolError;
use crate::events::DepositsClaimed;
use crate::seeds;
use crate::state::{ledger_entries_mut, Community, Ledger, Membership, ProtocolConfig};

/// A member claims the vote deposits returned to it and those it won from losers.
#[event_cpi]
#[derive(Accounts)]
pub struct ClaimDeposits<'info> {
    pub member: Signer<'info>,
    #[account(seeds = [seeds::PROTOCOL_CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, ProtocolConfig>>,
    #[account(seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()], bump = community.bump)]
    pub community: Box<Account<'info, Community>>,
    #[account(
        seeds = [seeds::MEMBERSHIP, community.key().as_ref(), member.key().as_ref()],
        bump = membership.bump
    )]
    pub membership: Box<Account<'info, Membership>>,
    #[account(mut, address = community.ledger @ ProtocolError::WrongLedger)]
    pub ledger: AccountLoader<'info, Ledger>,
    #[account(address = config.ale_mint @ ProtocolError::WrongMint)]
    pub ale_mint: Box<Account<'info, Mint>>,
    #[account(mut, seeds = [seeds::COMMUNITY_REWARDS, community.key().as_ref()], bump)]
    pub rewards_vault: Box<Account<'info, TokenAccount>>,
    #[account(mut)]
    pub member_token: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

impl ClaimDeposits<'_> {
    pub fn validate(&self) -> Result<()> {
        require_keys_eq!(
            self.member_token.owner,
            self.member.key(),
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
    let amount = {
        let info = ctx.accounts.ledger.to_account_info();
        let mut data = info.try_borrow_mut_data()?;
        let entry = ledger_entries_mut(&mut data)?
            .get_mut(ctx.accounts.membership.index as usize)
            .ok_or(ProtocolError::WrongMemberIndex)?;
        let amount = entry.deposit_claimable;
        require!(amount > 0, ProtocolError::NothingToClaim);
        entry.deposit_claimable = 0;
        amount
    };
    Community::pay_from_vault(
        &ctx.accounts.community,
        ctx.accounts.token_program.key(),
        ctx.accounts.rewards_vault.to_account_info(),
        ctx.accounts.ale_mint.to_account_info(),
        ctx.accounts.ale_mint.decimals,
        ctx.accounts.member_token.to_account_info(),
        amount,
    )?;
    emit_cpi!(DepositsClaimed {
        community: ctx.accounts.community.key(),
        member: ctx.accounts.member.key(),
        amount,
    });
    Ok(())
}
