//! A community with members, a poster and fee accounts, for tests of validation pools.

use ale_protocol::events::{RoundSettled, TicketTaken};
use ale_protocol::instructions::CommunityParams;
use ale_protocol::state::{Batch, LedgerEntry, WeightRule};
use ale_sdk::pda;
use ale_sdk::protocol as ix;
use ale_sdk::protocol::vote_commitment;
use ale_sdk::staking;
use ale_sdk::transport::TxOutcome;
use anchor_lang::prelude::Pubkey;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::TransactionError;

use crate::{Poster, ProtocolEnv};

pub const PRICE: u64 = 1_000;

/// A community deciding by raw reputation with exactly `votes` votes per item in one
/// round, its members, a poster, and the fee accounts settlement pays.
pub struct Pool {
    pub env: ProtocolEnv,
    pub community: Pubkey,
    pub members: Vec<Keypair>,
    pub poster: Poster,
    pub treasury_token: Pubkey,
    pub creator_token: Pubkey,
}

pub fn params(votes: u8) -> CommunityParams {
    let mut p = ProtocolEnv::community_params("Cat or not");
    p.consensus.min_votes = votes;
    p.consensus.max_votes = votes;
    p.consensus.threshold_bps = 6_000;
    p.consensus.early_stop_margin_bps = 0;
    p.consensus.weight_rule = WeightRule::RawReputation;
    p.consensus.initial_reputation = 1;
    p.consensus.reward_per_win = 1;
    p
}

impl Pool {
    pub async fn new(params: CommunityParams, members: usize) -> Self {
        let mut env = ProtocolEnv::new().await;
        let creator = env.rt.funded_wallet(5).await;
        let community = env.create_community(&creator, params, None).await.unwrap();
        let mut list = Vec::new();
        for _ in 0..members {
            list.push(env.member(community).await);
        }
        let poster = env.usd_poster(1_000_000).await;
        let usd = env.usd;
        let treasury = env.treasury.pubkey();
        let treasury_token = env.rt.create_token_account(&usd, &treasury).await;
        let creator_token = env.rt.create_token_account(&usd, &creator.pubkey()).await;
        Self {
            env,
            community,
            members: list,
            poster,
            treasury_token,
            creator_token,
        }
    }

    /// `wallet` joins the (open) community as the next member.
    pub async fn add_member(&mut self, wallet: &Keypair) {
        self.env
            .join(
                wallet,
                self.community,
                ix::JoinWith::Nothing,
                Default::default(),
            )
            .await
            .unwrap();
        self.members.push(wallet.insecure_clone());
    }

    pub async fn post(&mut self, items: u32) -> (Pubkey, Batch) {
        let address = self
            .env
            .post_simple(&self.poster, self.community, items, PRICE)
            .await
            .unwrap();
        let batch = self.env.batch(address).await;
        (address, batch)
    }

    pub async fn take(
        &mut self,
        m: usize,
        batch: Pubkey,
        b: &Batch,
        round: u32,
    ) -> Result<Vec<u32>, TransactionError> {
        let member = self.members[m].insecure_clone();
        let ix = ix::take_ticket(member.pubkey(), batch, b, round, false, None);
        let outcome = self.env.rt.send_with_events(&[ix], &[&member]).await?;
        Ok(outcome.events::<TicketTaken>()[0].items.clone())
    }

    pub fn ticket(&self, m: usize, batch: Pubkey, round: u32) -> Pubkey {
        pda::ticket(&batch, &self.members[m].pubkey(), round)
    }

    pub async fn commit(
        &mut self,
        m: usize,
        batch: Pubkey,
        round: u32,
        labels: &[u8],
        salt: [u8; 32],
    ) -> Result<(), TransactionError> {
        let member = self.members[m].insecure_clone();
        let ticket = self.ticket(m, batch, round);
        let c = vote_commitment(labels, &salt, &member.pubkey(), &ticket);
        self.env
            .rt
            .send(
                &[ix::commit_votes(member.pubkey(), batch, ticket, c)],
                &[&member],
            )
            .await
    }

    pub async fn reveal(
        &mut self,
        m: usize,
        batch: Pubkey,
        b: &Batch,
        round: u32,
        labels: &[u8],
        salt: [u8; 32],
    ) -> Result<(), TransactionError> {
        // A reveal needs no signature: the runtime's fee payer sends it.
        let member = self.members[m].pubkey();
        let ticket = self.ticket(m, batch, round);
        let ix = ix::reveal_votes(member, batch, b, ticket, labels.to_vec(), salt);
        self.env.rt.send(&[ix], &[]).await
    }

    /// Moves to the end of `round`'s commit window, reveals each `(member, labels)`
    /// ballot (committed with `salt`), and moves to the end of the reveal window.
    pub async fn reveal_round(
        &mut self,
        batch: Pubkey,
        b: &Batch,
        round: u32,
        ballots: &[(usize, Vec<u8>)],
        salt: [u8; 32],
    ) {
        self.env
            .rt
            .warp_to_timestamp(b.commit_end(round).unwrap())
            .await;
        for (m, labels) in ballots {
            self.reveal(*m, batch, b, round, labels, salt)
                .await
                .unwrap();
        }
        self.env
            .rt
            .warp_to_timestamp(b.reveal_end(round).unwrap())
            .await;
    }

    pub async fn settle(
        &mut self,
        batch: Pubkey,
        b: &Batch,
        cursor: u32,
        max_items: u32,
    ) -> Result<RoundSettled, TransactionError> {
        let ix = ix::settle_round(
            batch,
            b,
            self.treasury_token,
            self.creator_token,
            cursor,
            max_items,
        );
        let outcome = self.env.rt.send_with_events(&[ix], &[]).await?;
        Ok(outcome.events::<RoundSettled>().remove(0))
    }

    pub async fn entries(&mut self) -> Vec<LedgerEntry> {
        self.env.ledger(&self.community).await.1
    }

    /// Once the first epoch is over (7 days after genesis, or now if later), cranks
    /// inflation and sends a keeper's draw of the community's epoch-0 bucket B.
    pub async fn draw_first_epoch(&mut self) -> Result<TxOutcome, TransactionError> {
        let config: ale_staking::state::StakingConfig = self
            .env
            .rt
            .anchor_account(pda::staking_config())
            .await
            .expect("staking config");
        let now = self.env.rt.now().await;
        let first_epoch_over = config.genesis_ts + 7 * 86_400;
        self.env
            .rt
            .warp_to_timestamp(now.max(first_epoch_over))
            .await;
        self.env.rt.send(&[staking::crank_inflation()], &[]).await?;
        let keeper = self.env.rt.funded_wallet(1).await;
        let draw = ix::draw_community_rewards(keeper.pubkey(), self.community, 0);
        self.env.rt.send_with_events(&[draw], &[&keeper]).await
    }

    /// A new member holding `ale` ALE from the genesis distribution, `staked` of it
    /// staked before it joins (so its stake covers its whole accrual window).
    pub async fn add_ale_member(&mut self, ale: u64, staked: u64) -> Poster {
        let holder = self.env.ale_poster(ale).await;
        if staked > 0 {
            let ixs = [
                staking::open_stake_account(holder.wallet.pubkey()),
                staking::crank_inflation(),
                staking::stake(holder.wallet.pubkey(), holder.token, staked),
            ];
            self.env
                .rt
                .send(&ixs, &[&holder.wallet])
                .await
                .expect("stake");
        }
        self.add_member(&holder.wallet).await;
        holder
    }

    /// From now on settlement pays its fees into new ALE accounts of the treasury and
    /// the creator (batches posted in ALE).
    pub async fn pay_fees_in_ale(&mut self) {
        let ale = pda::ale_mint();
        let creator = self.env.community(self.community).await.creator;
        let treasury = self.env.treasury.pubkey();
        self.treasury_token = self.env.rt.create_token_account(&ale, &treasury).await;
        self.creator_token = self.env.rt.create_token_account(&ale, &creator).await;
    }
}
