//! ale-math under arbitrary inputs: every operation returns a value or an error (never
//! panics), and what it returns keeps the properties the programs rely on.
#![no_main]

use ale_math::accumulator::{pending_reward, RewardAccumulator, REWARD_SCALE};
use ale_math::checked::mul_div_floor;
use ale_math::consensus::{
    decide, decide_by_costs, record_confusion, vote_costs, vote_weight, Decision, DecisionRule,
    MemberRecord, Tally, WeightRule, CONFUSION_CLASSES,
};
use ale_math::fixed::log2_q16;
use ale_math::gamification::level;
use ale_math::inflation::YearProgress;
use ale_math::split::split_pro_rata;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fn split(u: &mut Unstructured) -> Result<()> {
    let amount: u64 = u.arbitrary()?;
    let weights: Vec<u64> = u.arbitrary()?;
    if let Ok(s) = split_pro_rata(amount, &weights) {
        let paid: u128 = s.shares.iter().map(|&x| x as u128).sum();
        assert_eq!(
            paid + s.dust as u128,
            amount as u128,
            "split must account for every unit"
        );
        assert!(
            (s.dust as usize) < weights.len().max(1),
            "dust is below one unit per holder"
        );
        for (w, share) in weights.windows(2).zip(s.shares.windows(2)) {
            if w[0] <= w[1] {
                assert!(share[0] <= share[1], "a smaller weight never earns more");
            }
        }
    }
    Ok(())
}

/// A decision rule with its threshold and early-stop setting at most `max_bps` (the
/// confusion rule's are confidences, which must stay below 100%).
fn decision_rule(u: &mut Unstructured, max_bps: u16) -> Result<DecisionRule> {
    Ok(DecisionRule {
        min_votes: u.arbitrary()?,
        max_votes: u.arbitrary()?,
        threshold_bps: u.int_in_range(5_001..=max_bps)?,
        early_stop_margin_bps: u.int_in_range(0..=max_bps)?,
    })
}

fn consensus(u: &mut Unstructured) -> Result<()> {
    let rule = decision_rule(u, 10_000)?;
    let weight_rule = if u.arbitrary()? {
        WeightRule::AccuracyLogOdds
    } else {
        WeightRule::RawReputation
    };
    let classes: u8 = u.int_in_range(2..=16)?;
    let mut tally = Tally::default();
    for _ in 0..u.int_in_range(0..=40u8)? {
        let member = MemberRecord {
            reputation: u.arbitrary()?,
            tasks_done: u.arbitrary()?,
            tasks_won: u.arbitrary()?,
            gold_seen: u.arbitrary()?,
            gold_correct: u.arbitrary()?,
            confusion: u.arbitrary()?,
        };
        let label = u.int_in_range(0..=classes - 1)?;
        let Ok(weight) = vote_weight(weight_rule, &member, classes) else {
            continue;
        };
        if tally.add(label, weight).is_err() {
            return Ok(());
        }
    }
    let Ok(decision) = decide(&tally, &rule) else {
        return Ok(());
    };
    let total: u128 = tally.weights.iter().map(|&w| w as u128).sum();
    match decision {
        Decision::Pending => assert!(
            tally.votes < rule.max_votes || tally.votes < rule.min_votes,
            "an item at the vote cap is decided or unresolved"
        ),
        Decision::Unresolved => {
            assert!(tally.votes >= rule.max_votes && tally.votes >= rule.min_votes)
        }
        Decision::Decided { label, share_bps } => {
            assert!(tally.votes >= rule.min_votes);
            let lead = tally.weights[label as usize] as u128;
            for (i, &w) in tally.weights.iter().enumerate() {
                assert!(
                    i == label as usize || (w as u128) < lead,
                    "the decided label leads strictly"
                );
            }
            assert!(
                lead * 10_000 >= rule.threshold_bps as u128 * total,
                "the decided label holds the threshold"
            );
            assert_eq!(share_bps as u128, lead * 10_000 / total);
        }
    }
    Ok(())
}

fn confusion(u: &mut Unstructured) -> Result<()> {
    let rule = decision_rule(u, 9_999)?;
    let classes: u8 = u.int_in_range(2..=CONFUSION_CLASSES as u8)?;
    let mut tally = Tally::default();
    for _ in 0..u.int_in_range(0..=40u8)? {
        let mut member = MemberRecord {
            confusion: u.arbitrary()?,
            ..MemberRecord::default()
        };
        let said = u.int_in_range(0..=classes - 1)?;
        record_confusion(&mut member.confusion, u.arbitrary()?, said);
        let costs = vote_costs(&member, said, classes).expect("costs of a valid label");
        if tally.add_costs(said, costs, classes).is_err() {
            return Ok(());
        }
    }
    let Ok(decision) = decide_by_costs(&tally, &rule, classes) else {
        return Ok(());
    };
    match decision {
        Decision::Pending => assert!(
            tally.votes < rule.max_votes || tally.votes < rule.min_votes,
            "an item at the vote cap is decided or unresolved"
        ),
        Decision::Unresolved => assert!(tally.votes >= rule.max_votes),
        Decision::Decided { label, share_bps } => {
            assert!(tally.votes >= rule.min_votes);
            let costs = &tally.weights[..classes as usize];
            for (t, &c) in costs.iter().enumerate() {
                assert!(
                    t == label as usize || c > costs[label as usize],
                    "the decided label costs least"
                );
            }
            assert!(share_bps <= 10_000);
        }
    }
    Ok(())
}

fn inflation(u: &mut Unstructured) -> Result<()> {
    let start: i64 = u.arbitrary()?;
    let supply: u64 = u.arbitrary()?;
    let Ok(mut year) = YearProgress::new(start, supply) else {
        return Ok(());
    };
    let (mut total, mut bucket_a) = (0u128, 0u128);
    let mut t = start;
    for _ in 0..u.int_in_range(0..=20u8)? {
        t = t.saturating_add(u.int_in_range(0..=40_000_000i64)?);
        let Ok(emission) = year.advance_to(t) else {
            return Ok(());
        };
        assert_eq!(emission.total, emission.bucket_a + emission.bucket_b);
        total += emission.total as u128;
        bucket_a += emission.bucket_a as u128;
        assert_eq!(
            total, year.emitted as u128,
            "emissions add up to what the year records"
        );
        assert_eq!(
            bucket_a,
            (year.emitted / 2) as u128,
            "bucket A is half of all emitted, rounded down"
        );
        assert!(
            year.emitted <= year.budget,
            "never more than the year's budget"
        );
    }
    Ok(())
}

fn rewards(u: &mut Unstructured) -> Result<()> {
    let total_shares: u64 = u.int_in_range(1..=u64::MAX)?;
    let holder: u64 = u.int_in_range(0..=total_shares)?;
    let mut acc = RewardAccumulator::default();
    let mut distributed = 0u128;
    for _ in 0..u.int_in_range(0..=10u8)? {
        let amount: u64 = u.arbitrary()?;
        if acc.distribute(amount, total_shares).is_err() {
            return Ok(());
        }
        distributed += amount as u128;
        assert!(
            acc.carry < total_shares as u128,
            "the carry stays below one unit per share"
        );
        if let Ok(owed) = pending_reward(holder, acc.per_share, 0) {
            assert!(
                owed as u128 <= distributed,
                "a holder is never owed more than was distributed"
            );
            if holder == total_shares {
                // Rounding loses at most 1 + shares / SCALE units (accumulator.rs).
                let loss_bound = 1 + total_shares as u128 / REWARD_SCALE;
                assert!(
                    owed as u128 + loss_bound >= distributed,
                    "one holder of every share is owed all but rounding"
                );
            }
        }
    }
    Ok(())
}

fn scalars(u: &mut Unstructured) -> Result<()> {
    let (a, b, d): (u64, u64, u64) = u.arbitrary()?;
    if let Ok(q) = mul_div_floor(a, b, d) {
        assert_eq!(q as u128, a as u128 * b as u128 / d as u128);
    }
    let (x, y): (u64, u64) = u.arbitrary()?;
    let (lo, hi) = (x.min(y), x.max(y));
    assert!(
        level(lo) <= level(hi),
        "level never falls as reputation grows"
    );
    if lo > 0 {
        assert!(
            log2_q16(lo).unwrap() <= log2_q16(hi).unwrap(),
            "log2 is monotone"
        );
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = match u.int_in_range(0..=5u8).unwrap_or(0) {
        0 => split(&mut u),
        1 => consensus(&mut u),
        2 => inflation(&mut u),
        3 => rewards(&mut u),
        4 => confusion(&mut u),
        _ => scalars(&mut u),
    };
});
