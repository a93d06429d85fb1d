//! The keeper killed at every crank it sends, before and after the crank lands, and
//! restarted each time: every balance and record comes out as if it had run once.

use std::collections::HashMap;
use std::time::Duration;

use ale_embedded::EmbeddedRuntime;
use ale_keeper::{Keeper, KeeperConfig, PassReport};
use ale_protocol::state::{item_states_mut, ItemStatus};
use ale_sdk::transport::{AccountFilter, ClientError, Transport};
use ale_sdk::{pda, TxOutcome};
use ale_tests::pool::{params, Pool};
use anchor_lang::prelude::Pubkey;
use solana_sdk::account::Account;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signer};
use spl_associated_token_account_interface::address::get_associated_token_address;

/// A transport that lets the keeper send `allowed` transactions, then hangs on the
/// next one (after letting it land, if `land_the_last`): the test drops the keeper's
/// future there, as a kill would.
struct Killable<'a> {
    inner: &'a mut EmbeddedRuntime,
    allowed: u32,
    land_the_last: bool,
    kill: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Transport for Killable<'_> {
    fn fee_payer(&self) -> Pubkey {
        self.inner.fee_payer()
    }

    async fn send_transaction(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<TxOutcome, ClientError> {
        if self.allowed == 0 {
            if self.land_the_last {
                let _ = self.inner.send_transaction(ixs, signers).await;
            }
            if let Some(kill) = self.kill.take() {
                let _ = kill.send(());
            }
            std::future::pending::<()>().await;
        }
        self.allowed -= 1;
        self.inner.send_transaction(ixs, signers).await
    }

    async fn get_account(&mut self, address: Pubkey) -> Result<Option<Account>, ClientError> {
        self.inner.get_account(address).await
    }

    async fn unix_timestamp(&mut self) -> Result<i64, ClientError> {
        self.inner.unix_timestamp().await
    }

    async fn next_slot(&mut self) -> Result<u64, ClientError> {
        self.inner.next_slot().await
    }

    async fn minimum_balance(&mut self, bytes: usize) -> Result<u64, ClientError> {
        self.inner.minimum_balance(bytes).await
    }

    async fn program_accounts(
        &mut self,
        program: Pubkey,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
        self.inner.program_accounts(program, filters).await
    }
}

/// Runs the keeper to idle, killing it at its first send of every life, alternately
/// before and after that send lands. Returns the kills and the last life's report.
async fn run_with_kills(rt: &mut EmbeddedRuntime, keeper: &Keeper) -> (u32, PassReport) {
    let mut kills = 0;
    loop {
        let (kill, killed) = tokio::sync::oneshot::channel();
        let mut transport = Killable {
            inner: rt,
            allowed: 0,
            land_the_last: kills % 2 == 1,
            kill: Some(kill),
        };
        tokio::select! {
            report = keeper.run_until_idle(&mut transport) => {
                return (kills, report.expect("keeper pass"));
            }
            _ = killed => kills += 1,
        }
        assert!(kills < 200, "the keeper makes no progress across restarts");
    }
}

#[tokio::test]
async fn a_keeper_killed_at_every_crank_settles_refunds_and_closes_exactly_once() {
    let mut pool = Pool::new(params(3), 6).await;
    let price = ale_tests::pool::PRICE;
    let poster_start = pool.env.rt.token_balance(pool.poster.token).await;
    let (batch, b) = pool.post(40).await;

    // Round 0: five members vote (member 4 against the rest), member 5 takes a
    // ticket and walks away, so the keeper has a ticket to close.
    let mut voted: HashMap<usize, u32> = HashMap::new();
    let mut ballots = Vec::new();
    for m in 0..6 {
        let Ok(items) = pool.take(m, batch, &b, 0).await else {
            continue;
        };
        if m == 5 {
            continue;
        }
        let labels = vec![u8::from(m != 4); items.len()];
        let salt = [m as u8; 32];
        pool.commit(m, batch, 0, &labels, salt).await.unwrap();
        ballots.push((m, labels, salt));
    }
    pool.env
        .rt
        .warp_to_timestamp(b.commit_end(0).unwrap())
        .await;
    for (m, labels, salt) in &ballots {
        pool.reveal(*m, batch, &b, 0, labels, *salt).await.unwrap();
        *voted.entry(*m).or_default() += labels.len() as u32;
    }
    pool.env
        .rt
        .warp_to_timestamp(b.reveal_end(0).unwrap())
        .await;

    let keeper = Keeper::new(KeeperConfig {
        backoff: Duration::from_millis(1),
        ..KeeperConfig::default()
    });
    let (kills_settling, _) = run_with_kills(&mut pool.env.rt, &keeper).await;
    let settled = pool.env.batch(batch).await;
    assert_eq!(settled.settled_rounds, 1, "the round settled once");
    assert!(settled.items_decided > 0);

    // Deadline: refunds; the batch stays open for the poster's export grace.
    pool.env.rt.warp_to_timestamp(b.deadline).await;
    let (kills_refunding, _) = run_with_kills(&mut pool.env.rt, &keeper).await;
    let done = pool.env.batch(batch).await;
    assert_eq!(done.items_decided + done.items_refunded, 40);
    assert_eq!(done.refund_cursor, 40);
    pool.env.assert_escrow_conserved(batch).await;

    // Every member credited once per decided item it voted on (the item table still
    // holds the votes), paid what the community vault holds.
    let entries = pool.entries().await;
    let community = pool.env.community(pool.community).await;
    let mut table = pool.env.rt.account(done.item_table).await.unwrap().data;
    let mut decided_votes: HashMap<u32, u32> = HashMap::new();
    for item in item_states_mut(&mut table).unwrap().iter() {
        if item.status() == Some(ItemStatus::Decided) {
            for v in &item.votes[..item.vote_count as usize] {
                *decided_votes.entry(v.member).or_default() += 1;
            }
        }
    }
    for (index, entry) in entries.iter().enumerate() {
        let expected = decided_votes.get(&(index as u32)).copied().unwrap_or(0);
        assert_eq!(
            entry.tasks_done, expected,
            "member {index} credited once per vote"
        );
    }
    assert_eq!(
        entries.iter().map(|e| e.reputation).sum::<u64>(),
        community.total_reputation
    );
    let vault = pool
        .env
        .rt
        .token_balance(pda::community_vault(&pool.community, &pool.env.usd))
        .await;
    assert_eq!(vault, entries.iter().map(|e| e.claimable[0]).sum::<u64>());
    let treasury = get_associated_token_address(&pool.env.treasury.pubkey(), &pool.env.usd);
    let creator = get_associated_token_address(&community.creator, &pool.env.usd);
    let fees = pool.env.rt.token_balance(treasury).await + pool.env.rt.token_balance(creator).await;
    assert_eq!(fees, done.fees_paid);
    assert_eq!(vault + fees, done.credited + done.fees_paid);

    // After the grace period: unrevealed tickets are closed and the batch with them.
    pool.env
        .rt
        .warp_to_timestamp(b.deadline + keeper.config.close_grace_seconds)
        .await;
    let (kills_closing, _) = run_with_kills(&mut pool.env.rt, &keeper).await;
    assert!(pool.env.rt.account(batch).await.is_none(), "batch closed");
    for m in 0..6 {
        let ticket = pool.ticket(m, batch, 0);
        assert!(
            pool.env.rt.account(ticket).await.is_none(),
            "ticket {m} closed"
        );
    }
    let poster_end = pool.env.rt.token_balance(pool.poster.token).await;
    assert_eq!(
        poster_start - poster_end,
        price * done.items_decided as u64,
        "the poster paid for decided items only"
    );
    println!(
        "keeper killed {} times while settling, {} while refunding, {} while closing",
        kills_settling, kills_refunding, kills_closing
    );
    assert!(kills_settling >= 4 && kills_refunding >= 2 && kills_closing >= 2);
}
