use anchor_lang::prelude::*;

use crate::error::StakingError;
use crate::events::CommunityRegistered;
use crate::seeds;
use crate::state::{CommunityWork, StakingConfig};

/// Creates the paid-work record of a community of ale-protocol.
#[event_cpi]
#[derive(Accounts)]
#[instruction(community: Pubkey)]
pub struct RegisterCommunity<'info> {
    #[account(seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, StakingConfig>>,
    #[account(address = config.protocol_reporter @ StakingError::UnauthorizedReporter)]
    pub reporter: Signer<'info>,
    #[account(mut)]
    pub payer: Signer<'info>,
    #[account(
        init,
        payer = payer,
        space = CommunityWork::SPACE,
        seeds = [seeds::COMMUNITY_WORK, community.as_ref()],
        bump
    )]
    pub community_work: AccountLoader<'info, CommunityWork>,
    pub system_program: Program<'info, System>,
}

pub fn register_community(ctx: Context<RegisterCommunity>, community: Pubkey) -> Result<()> {
    let mut work = ctx.accounts.community_work.load_init()?;
    work.community = community;
    work.bump = ctx.bumps.community_work;
    work.invariant()?;
    drop(work);
    emit_cpi!(CommunityRegistered { community });
    Ok(())
}
