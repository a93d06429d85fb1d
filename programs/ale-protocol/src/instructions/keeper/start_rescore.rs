use ale_math::consensus::CONFUSION_CLASSES;
use anchor_lang::prelude::*;

use crate::error::ProtocolError;
use crate::seeds;
use crate::state::{Batch, Community, Rescore};

/// Permissionless, once a vote budget's last round has its reveals and before it
/// settles, in a community of the confusion rule: claims the re-score workspace the
/// caller created (`Rescore::space(member_count)` bytes, owned by this program, still
/// zeroed) for the batch. `rescore_batch` then runs the EM passes; its last call closes
/// the workspace and gives the rent back to the caller.
#[derive(Accounts)]
pub struct StartRescore<'info> {
    pub payer: Signer<'info>,
    #[account(seeds = [seeds::COMMUNITY, community.id.to_le_bytes().as_ref()], bump = community.bump)]
    pub community: Box<Account<'info, Community>>,
    #[account(mut, has_one = community)]
    pub batch: Box<Account<'info, Batch>>,
    #[account(zero)]
    pub rescore: AccountLoader<'info, Rescore>,
}

impl StartRescore<'_> {
    pub fn validate(&self) -> Result<()> {
        let batch = &self.batch;
        let round = batch.settled_rounds;
        let now = Clock::get()?.unix_timestamp;
        require!(
            batch.needs_rescore(self.community.consensus.weight_rule, round)?
                && batch.settleable(round, now)?
                && batch.settle_cursor == 0
                && self.community.num_classes as usize <= CONFUSION_CLASSES,
            ProtocolError::RescoreNotDue
        );
        require!(
            batch.rescore == Pubkey::default(),
            ProtocolError::RescoreAlreadyStarted
        );
        require!(
            self.rescore.to_account_info().data_len()
                == Rescore::space(self.community.member_count),
            ProtocolError::WrongRescoreSize
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn start_rescore(ctx: Context<StartRescore>) -> Result<()> {
    let mut rescore = ctx.accounts.rescore.load_init()?;
    rescore.batch = ctx.accounts.batch.key();
    rescore.payer = ctx.accounts.payer.key();
    rescore.members = ctx.accounts.community.member_count;
    rescore.num_classes = ctx.accounts.community.num_classes;
    ctx.accounts.batch.rescore = ctx.accounts.rescore.key();
    Ok(())
}
