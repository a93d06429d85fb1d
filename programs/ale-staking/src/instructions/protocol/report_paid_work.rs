use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;

use crate::error::{OrMathOverflow, StakingError};
use crate::events::PaidWorkReported;
use crate::seeds;
use crate::state::{CommunityWork, RewardPot, StakingConfig};

/// Records paid work (worker payouts valued in ALE base units) of a community in the
/// current epoch; the community's bucket-B share of the epoch is pro rata to it.
#[event_cpi]
#[derive(Accounts)]
#[instruction(community: Pubkey)]
pub struct ReportPaidWork<'info> {
    #[account(seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(address = config.protocol_reporter @ StakingError::UnauthorizedReporter)]
    pub reporter: Signer<'info>,
    #[account(mut, address = config.reward_pot)]
    pub reward_pot: AccountLoader<'info, RewardPot>,
    #[account(mut, seeds = [seeds::COMMUNITY_WORK, community.as_ref()], bump)]
    pub community_work: AccountLoader<'info, CommunityWork>,
}

impl ReportPaidWork<'_> {
    pub fn validate(&self, amount: u64) -> Result<()> {
        require!(self.config.genesis_done, StakingError::GenesisNotDone);
        require!(amount > 0, StakingError::ZeroAmount);
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(amount))]
pub fn report_paid_work(
    ctx: Context<ReportPaidWork>,
    community: Pubkey,
    amount: u64,
) -> Result<()> {
    let epoch = ctx.accounts.config.epoch_at(Clock::get()?.unix_timestamp)?;
    let community_epoch_total = {
        let mut pot = ctx.accounts.reward_pot.load_mut()?;
        let (slot, _expired) = pot.slot_mut(epoch)?;
        slot.paid_work = slot.paid_work.safe_add(amount).or_overflow()?;
        let mut work = ctx.accounts.community_work.load_mut()?;
        let entry = work.slot_mut(epoch)?;
        entry.paid_work = entry.paid_work.safe_add(amount).or_overflow()?;
        let total = entry.paid_work;
        work.invariant()?;
        pot.invariant(ctx.accounts.config.bucket_b_allocated)?;
        total
    };
    emit_cpi!(PaidWorkReported {
        community,
        epoch,
        amount,
        community_epoch_total
    });
    Ok(())
}
