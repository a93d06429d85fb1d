//! The staking walk-through on the embedded runtime: the operator initialises
//! ale-staking and mints the genesis supply, three stakers stake half of it, a keeper
//! cranks inflation weekly for a year, and the stakers claim (the white paper's
//! vector: 200M ALE to 2.5B staked).

use ale_math::inflation::{GENESIS_SUPPLY, ONE_ALE, SECONDS_PER_YEAR};
use ale_staking::state::{RewardPot, StakingConfig};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use solana_sdk::signature::{Keypair, Signer};

use ale_embedded::EmbeddedRuntime;
use ale_sdk::operator::{self, Genesis};
use ale_sdk::{pda, staker, staking};

pub struct StakerReport {
    pub name: &'static str,
    pub staked: u64,
    pub claimed: u64,
}

pub struct StakingWalkthrough {
    pub stakers: Vec<StakerReport>,
    pub supply_before: u64,
    pub supply_after: u64,
    pub emitted: u64,
    pub bucket_a_minted: u64,
    pub bucket_b_allocated: u64,
    pub bucket_b_forfeited: u64,
    pub cranks: u32,
}

const WEEK: i64 = 7 * 86_400;

pub async fn staking_walkthrough(show_progress: bool) -> Result<StakingWalkthrough> {
    let mut rt = EmbeddedRuntime::start().await;
    let operator = rt.funded_wallet(10).await;
    let genesis = Genesis::with_treasury(Keypair::new().pubkey());
    operator::bootstrap(&mut rt, &operator, &genesis).await?;
    let distribution = staker::ale_account(&operator.pubkey());
    let supply_before = rt.mint_supply(pda::ale_mint()).await;

    let plan = [
        ("alice", 1_000_000_000 * ONE_ALE),
        ("bob", 1_000_000_000 * ONE_ALE),
        ("carol", 500_000_000 * ONE_ALE),
    ];
    let mut stakers: Vec<(&'static str, Keypair, _, u64)> = Vec::new();
    for (name, amount) in plan {
        let wallet = rt.funded_wallet(1).await;
        let token = rt
            .create_token_account(&pda::ale_mint(), &wallet.pubkey())
            .await;
        rt.token_transfer(&distribution, &token, &operator, amount)
            .await
            .context("fund staker")?;
        let ixs = [
            staking::open_stake_account(wallet.pubkey()),
            staking::crank_inflation(),
            staking::stake(wallet.pubkey(), token, amount),
        ];
        rt.send(&ixs, &[&wallet]).await.context("stake")?;
        stakers.push((name, wallet, token, amount));
    }

    let config: StakingConfig = rt.anchor_account(pda::staking_config()).await?;
    let weeks = (SECONDS_PER_YEAR / WEEK) as u64;
    let bar = if show_progress {
        ProgressBar::new(weeks + 1)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(ProgressStyle::with_template(
        "keeper cranks {bar:40} {pos}/{len} weeks",
    )?);
    let mut cranks = 0;
    for week in 1..=weeks as i64 {
        rt.warp_to_timestamp(config.genesis_ts + week * WEEK).await;
        rt.send(&[staking::crank_inflation()], &[])
            .await
            .context("crank")?;
        cranks += 1;
        bar.inc(1);
    }
    rt.warp_to_timestamp(config.genesis_ts + SECONDS_PER_YEAR)
        .await;
    rt.send(&[staking::crank_inflation()], &[])
        .await
        .context("crank")?;
    cranks += 1;
    bar.finish_and_clear();

    let mut reports = Vec::new();
    for (name, wallet, token, staked) in &stakers {
        rt.send(
            &[staking::claim_rewards(wallet.pubkey(), *token)],
            &[wallet],
        )
        .await
        .context("claim")?;
        reports.push(StakerReport {
            name,
            staked: *staked,
            claimed: rt.token_balance(*token).await,
        });
    }

    let config: StakingConfig = rt.anchor_account(pda::staking_config()).await?;
    let pot: RewardPot = rt.anchor_account(pda::reward_pot()).await?;
    Ok(StakingWalkthrough {
        stakers: reports,
        supply_before,
        supply_after: rt.mint_supply(pda::ale_mint()).await,
        emitted: config.total_emitted,
        bucket_a_minted: config.bucket_a_minted,
        bucket_b_allocated: config.bucket_b_allocated,
        bucket_b_forfeited: pot.total_forfeited,
        cranks,
    })
}

/// Base units as ALE with thousands separators: 1,234.500000000.
pub fn ale(base_units: u64) -> String {
    let whole = (base_units / ONE_ALE).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{grouped}.{:09}", base_units % ONE_ALE)
}

impl StakingWalkthrough {
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("## ALE staking: one year on the embedded runtime\n\n");
        out.push_str(&format!(
            "genesis supply {} ALE; {} keeper cranks over 365 days\n\n",
            ale(GENESIS_SUPPLY),
            self.cranks
        ));
        out.push_str(
            "| staker | staked (ALE) | rewards claimed (ALE) | APY |\n|---|---:|---:|---:|\n",
        );
        for s in &self.stakers {
            let apy_bps = (s.claimed as u128 * 10_000 / s.staked as u128) as u64;
            out.push_str(&format!(
                "| {} | {} | {} | {}.{:02}% |\n",
                s.name,
                ale(s.staked),
                ale(s.claimed),
                apy_bps / 100,
                apy_bps % 100
            ));
        }
        let claimed: u64 = self.stakers.iter().map(|s| s.claimed).sum();
        out.push_str(&format!(
            "\nemitted {} ALE = bucket A {} (stakers claimed {}) + bucket B {}\n",
            ale(self.emitted),
            ale(self.bucket_a_minted),
            ale(claimed),
            ale(self.bucket_b_allocated)
        ));
        out.push_str(&format!(
            "bucket B forfeited (no community did paid work yet, never minted): {} ALE\n",
            ale(self.bucket_b_forfeited)
        ));
        out.push_str(&format!(
            "supply {} -> {} ALE\n",
            ale(self.supply_before),
            ale(self.supply_after)
        ));
        out
    }
}
