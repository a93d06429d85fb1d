//! Walks the inflation schedule forward to `now`, in segments that never cross an
//! epoch or an inflation-year boundary, so that each epoch's bucket-B allocation and
//! each year's budget are exact. Pure state changes: the caller mints bucket A.

use ale_math::checked::CheckedMath;
use anchor_lang::prelude::*;

use crate::constants::{MAX_EMISSION_SEGMENTS, MIN_ACTIVE_STAKE_FOR_REWARDS};
use crate::error::{OrMathOverflow, StakingError};
use crate::events::{EpochClosed, EpochExpired, InflationCranked, InflationYearStarted};
use crate::state::{RewardPot, StakingConfig, EPOCH_CLOSED, EPOCH_FORFEITED};

/// What one crank call did, for the handler to mint and to emit.
#[derive(Default)]
pub struct EmissionReport {
    pub summary: Option<InflationCranked>,
    pub years_started: Vec<InflationYearStarted>,
    pub epochs_closed: Vec<EpochClosed>,
    pub epochs_expired: Vec<EpochExpired>,
}

impl EmissionReport {
    pub fn bucket_a_to_mint(&self) -> u64 {
        self.summary.as_ref().map_or(0, |s| s.bucket_a_to_stakers)
    }
}

/// Advances emission up to `now` over at most MAX_EMISSION_SEGMENTS segments.
/// `mint_supply` is the ALE supply before this call's bucket-A mint.
pub fn advance_emission(
    config: &mut StakingConfig,
    pot: &mut RewardPot,
    now: i64,
    mint_supply: u64,
) -> Result<EmissionReport> {
    let mut report = EmissionReport::default();
    let from_ts = config.last_emission_ts;
    if now <= from_ts {
        return Ok(report);
    }
    let mut year = config.year();
    let mut acc = config.accumulator();
    let mut t = from_ts;
    let (mut emitted, mut to_stakers, mut withheld, mut to_pot) = (0u64, 0u64, 0u64, 0u64);

    for _ in 0..MAX_EMISSION_SEGMENTS {
        if t >= now {
            break;
        }
        let year_end = year.year_end().or_overflow()?;
        if t >= year_end {
            // The year is fully emitted: budget the next one on the supply now,
            // counting the bucket-A mint this call is about to make.
            let supply = mint_supply.safe_add(to_stakers).or_overflow()?;
            year = year.next_year(supply).or_overflow()?;
            config.year_index = config.year_index.safe_add(1).or_overflow()?;
            report.years_started.push(InflationYearStarted {
                year_index: config.year_index,
                year_start: year.year_start,
                supply,
                budget: year.budget,
            });
            continue;
        }
        let epoch = config.epoch_at(t)?;
        let epoch_end = config.epoch_start(epoch + 1)?;
        let segment_end = now.min(year_end).min(epoch_end);
        let emission = year.advance_to(segment_end).or_overflow()?;

        emitted = add(emitted, emission.total)?;
        if config.total_active_stake >= MIN_ACTIVE_STAKE_FOR_REWARDS {
            acc.distribute(emission.bucket_a, config.total_active_stake)
                .or_overflow()?;
            to_stakers = add(to_stakers, emission.bucket_a)?;
        } else {
            withheld = add(withheld, emission.bucket_a)?;
        }

        if pot.overtaken(epoch) {
            // Nobody cranked for a whole ring of epochs: this epoch's slot already
            // holds a later one, so its bucket B could never be drawn. It is forfeited
            // (never minted) instead of failing, so the crank always catches up and
            // staking never freezes (THREATS.md, K-5).
            to_pot = add(to_pot, emission.bucket_b)?;
            pot.total_forfeited = add(pot.total_forfeited, emission.bucket_b)?;
            report.epochs_expired.push(EpochExpired {
                epoch,
                undrawn: emission.bucket_b,
            });
            t = segment_end;
            continue;
        }
        let (slot, expired) = pot.slot_mut(epoch)?;
        slot.allocation = add(slot.allocation, emission.bucket_b)?;
        to_pot = add(to_pot, emission.bucket_b)?;
        if segment_end == epoch_end {
            slot.flags |= EPOCH_CLOSED;
            let undistributable = slot.paid_work == 0;
            if undistributable {
                slot.flags |= EPOCH_FORFEITED;
            }
            let closed = EpochClosed {
                epoch,
                allocation: slot.allocation,
                paid_work: slot.paid_work,
                undistributable,
            };
            if undistributable {
                pot.total_forfeited = add(pot.total_forfeited, closed.allocation)?;
            }
            report.epochs_closed.push(closed);
        }
        if let Some(e) = expired {
            report.epochs_expired.push(EpochExpired {
                epoch: e.epoch,
                undrawn: e.undrawn,
            });
        }
        t = segment_end;
    }

    config.set_year(year);
    config.set_accumulator(acc);
    config.last_emission_ts = t;
    config.total_emitted = add(config.total_emitted, emitted)?;
    config.bucket_a_minted = add(config.bucket_a_minted, to_stakers)?;
    config.bucket_a_withheld = add(config.bucket_a_withheld, withheld)?;
    config.bucket_b_allocated = add(config.bucket_b_allocated, to_pot)?;
    report.summary = Some(InflationCranked {
        from_ts,
        to_ts: t,
        emitted,
        bucket_a_to_stakers: to_stakers,
        bucket_a_withheld: withheld,
        bucket_b_allocated: to_pot,
        caught_up: t >= now,
    });
    Ok(report)
}

fn add(a: u64, b: u64) -> Result<u64> {
    a.checked_add(b)
        .ok_or_else(|| error!(StakingError::MathOverflow))
}
