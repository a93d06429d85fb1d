//! Read-only views: a community's leaderboard, where a re-score stands.

use ale_protocol::state::{ledger_entries, Community, Ledger, LedgerEntry, Rescore};
use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use serde::Serialize;

use crate::error::state_error;
use crate::transport::{ClientError, Transport};

/// The ledger's members: its entries up to the header's length (the rest is capacity).
/// Where a batch's closing re-score stands: its workspace's header.
pub fn rescore_header(data: &[u8]) -> Result<Rescore, ClientError> {
    let header_end = 8 + std::mem::size_of::<Rescore>();
    let header = data
        .get(..header_end)
        .ok_or_else(|| state_error("re-score account shorter than its header"))?;
    Rescore::try_deserialize(&mut &header[..]).map_err(state_error)
}

pub fn ledger_members(data: &[u8]) -> Result<&[LedgerEntry], ClientError> {
    let header_end = 8 + std::mem::size_of::<Ledger>();
    let header = data
        .get(..header_end)
        .ok_or_else(|| state_error("ledger shorter than its header"))?;
    let header = Ledger::try_deserialize(&mut &header[..]).map_err(state_error)?;
    ledger_entries(data)
        .map_err(state_error)?
        .get(..header.len as usize)
        .ok_or_else(|| state_error("ledger length past its capacity"))
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LeaderboardRow {
    pub worker: String,
    pub reputation: u64,
    pub level: u8,
    pub tasks_done: u32,
    pub tasks_won: u32,
    pub badges: u32,
}

impl LeaderboardRow {
    pub fn of(worker: String, e: &LedgerEntry) -> Self {
        Self {
            worker,
            reputation: e.reputation,
            level: ale_math::gamification::level(e.reputation),
            tasks_done: e.tasks_done,
            tasks_won: e.tasks_won,
            badges: e.badges,
        }
    }
}

/// Ranks rows by reputation, then wins; keeps the first `top`.
pub fn rank(mut rows: Vec<LeaderboardRow>, top: usize) -> Vec<LeaderboardRow> {
    rows.sort_by(|a, b| {
        b.reputation
            .cmp(&a.reputation)
            .then(b.tasks_won.cmp(&a.tasks_won))
    });
    rows.truncate(top);
    rows
}

/// The community's `top` members by reputation, named by wallet address.
pub async fn leaderboard<T: Transport>(
    t: &mut T,
    community: Pubkey,
    top: usize,
) -> Result<Vec<LeaderboardRow>, ClientError> {
    let c: Community = t.read(community).await?;
    let ledger = t.data(c.ledger).await?;
    let rows = ledger_members(&ledger)?
        .iter()
        .map(|e| LeaderboardRow::of(e.member.to_string(), e))
        .collect();
    Ok(rank(rows, top))
}

/// Markdown table of a leaderboard.
pub fn render_leaderboard(rows: &[LeaderboardRow]) -> String {
    let mut out = String::from(
        "| worker | reputation | level | tasks | won | badges |\n|---|---:|---:|---:|---:|---|\n",
    );
    for row in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:#06b} |\n",
            row.worker, row.reputation, row.level, row.tasks_done, row.tasks_won, row.badges
        ));
    }
    out
}
