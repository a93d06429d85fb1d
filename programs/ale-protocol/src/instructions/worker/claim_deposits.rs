use anchor_lang::prelude::*;

use crate::error::ProtocolError;
use crate::events::DepositsClaimed;
use crate::rewards_claim::*;

/// A member claims the vote deposits returned to it and those it won from losers.
#[event_cpi]
#[derive(Accounts)]
pub struct ClaimDeposits<'info> {
    pub claim: RewardsClaim<'info>,
}

impl ClaimDeposits<'_> {
    pub fn validate(&self) -> Result<()> {
        self.claim.validate()
    }
}

#[access_control(ctx.accounts.validate())]
pub fn claim_deposits(ctx: Context<ClaimDeposits>) -> Result<()> {
    let claim = &ctx.accounts.claim;
    let amount = claim.seat.with_entry(|entry| {
        let amount = entry.deposit_claimable;
        require!(amount > 0, ProtocolError::NothingToClaim);
        entry.deposit_claimable = 0;
        Ok(amount)
    })?;
    claim.pay(amount)?;
    emit_cpi!(DepositsClaimed {
        community: claim.seat.community.key(),
        member: claim.seat.member.key(),
        amount,
    });
    Ok(())
}
