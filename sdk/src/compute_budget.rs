//! The compute budget the client puts on every transaction it sends: a
//! `SetComputeUnitLimit` sized from what each instruction was measured to take on the
//! SBF build at its largest allowed input, and an optional `SetComputeUnitPrice`
//! (priority fee). Without a limit a cluster grants 200,000 CU per instruction, which
//! a dense settlement passes; with one sized to the work, a transaction asks for no
//! more than it needs, so a priority fee (price x limit) stays small.

use ale_protocol::instruction as protocol_ix;
use ale_staking::instruction as staking_ix;
use anchor_lang::prelude::Pubkey;
use anchor_lang::Discriminator;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_sdk::instruction::Instruction;

/// The most compute units a transaction may request on any cluster.
pub const MAX_TRANSACTION_COMPUTE_UNITS: u32 = 1_400_000;

/// What a cluster grants an instruction when the transaction names no limit.
pub const DEFAULT_INSTRUCTION_COMPUTE_UNITS: u32 = 200_000;

/// Margin over the largest figure measured, in percent: the SBF code comes from
/// upstream LLVM, and input shapes the tests did not reach may cost a little more.
pub const MARGIN_PERCENT: u32 = 25;

/// Added to every ALE instruction's figure: Anchor finds a PDA's bump on chain, and each
/// address that misses costs ~1,500 CU, so the same instruction costs more for some
/// accounts than for others (tests draw fresh keys every run); this covers a dozen
/// misses beyond the measured case.
pub const BUMP_SEARCH_ALLOWANCE: u32 = 20_000;

/// What a compute-budget instruction itself costs (a builtin's fixed charge).
const BUDGET_INSTRUCTION_COMPUTE_UNITS: u32 = 150;

/// The largest compute units each ALE instruction took on the SBF build at its largest
/// allowed input (docs/COMPUTE.md lists the inputs), before the margin: by program, then
/// by instruction discriminator.
const ALE_MEASURED: [(Pubkey, MeasuredTable); 2] = [
    (ale_protocol::ID, PROTOCOL_MEASURED),
    (ale_staking::ID, STAKING_MEASURED),
];

/// (instruction discriminator, compute units measured).
type MeasuredTable = &'static [(&'static [u8], u32)];

const PROTOCOL_MEASURED: MeasuredTable = &[
    (protocol_ix::InitializeProtocol::DISCRIMINATOR, 15_843),
    (protocol_ix::SetConversionRate::DISCRIMINATOR, 6_958),
    (protocol_ix::CreateCommunity::DISCRIMINATOR, 60_273),
    (protocol_ix::RevealQualificationKey::DISCRIMINATOR, 8_264),
    (protocol_ix::RotateQualification::DISCRIMINATOR, 7_576),
    (protocol_ix::CommitQualification::DISCRIMINATOR, 17_156),
    (protocol_ix::JoinCommunity::DISCRIMINATOR, 33_533),
    (protocol_ix::TakeTicket::DISCRIMINATOR, 87_908),
    (protocol_ix::CommitVotes::DISCRIMINATOR, 16_657),
    (
        protocol_ix::RevealVotes::DISCRIMINATOR,
        REVEAL_VOTES_MEASURED,
    ),
    (protocol_ix::ClaimPay::DISCRIMINATOR, 31_578),
    (protocol_ix::ClaimDeposits::DISCRIMINATOR, 32_661),
    (protocol_ix::SetPushPayouts::DISCRIMINATOR, 11_257),
    (protocol_ix::ClaimCommunityReward::DISCRIMINATOR, 35_610),
    (protocol_ix::PostBatch::DISCRIMINATOR, 92_321),
    (protocol_ix::CancelItems::DISCRIMINATOR, 32_187),
    (protocol_ix::RevealGold::DISCRIMINATOR, 10_734),
    (
        protocol_ix::RefundExpired::DISCRIMINATOR,
        REFUND_EXPIRED_MEASURED,
    ),
    (
        protocol_ix::SettleRound::DISCRIMINATOR,
        SETTLE_ROUND_MEASURED,
    ),
    (protocol_ix::CloseExpiredTicket::DISCRIMINATOR, 17_513),
    (protocol_ix::DrawCommunityRewards::DISCRIMINATOR, 52_879),
    (protocol_ix::PushPayouts::DISCRIMINATOR, 106_272),
    (protocol_ix::CloseBatch::DISCRIMINATOR, 21_434),
    (protocol_ix::StartRescore::DISCRIMINATOR, 10_093),
    (
        protocol_ix::RescoreBatch::DISCRIMINATOR,
        RESCORE_BATCH_MEASURED,
    ),
];

/// rescore_batch at its caps, from the s_dog market with a 40% vote budget (4 classes,
/// 109 members; `ale quality --budgets 40 --market-seeds 1` with ALE_SBF=1): a members
/// pass of MAX_RESCORE_MEMBERS_PER_CALL members took 882,939; an items pass of
/// MAX_RESCORE_VOTES_PER_CALL votes less.
pub const RESCORE_BATCH_MEASURED: u32 = 882_939;

/// reveal_votes of a full ticket in a 4-class community (one confusion-cost
/// computation per label said), from the same s_dog market: 103,607.
pub const REVEAL_VOTES_MEASURED: u32 = 103_607;

/// refund_expired at both its caps, from tests/tests/compute_at_caps.rs: 512 refunded
/// items took 98,700 CU and 256 returned deposits ~14,900 more than the call's base, so
/// a call that meets both costs their sum.
pub const REFUND_EXPIRED_MEASURED: u32 = 113_600;

/// settle_round at its caps (`MAX_VOTED_ITEMS_PER_SETTLE` items decided on d_duck, the
/// densest call measured; 256 credited votes on 16 items take 270,282).
pub const SETTLE_ROUND_MEASURED: u32 = 782_145;

const STAKING_MEASURED: MeasuredTable = &[
    (staking_ix::Initialize::DISCRIMINATOR, 51_794),
    (staking_ix::GenesisMint::DISCRIMINATOR, 17_260),
    (staking_ix::CrankInflation::DISCRIMINATOR, 45_732),
    (staking_ix::OpenStakeAccount::DISCRIMINATOR, 21_679),
    (staking_ix::Stake::DISCRIMINATOR, 26_495),
    (staking_ix::RequestUnstake::DISCRIMINATOR, 12_327),
    (staking_ix::Withdraw::DISCRIMINATOR, 26_495),
    (staking_ix::ClaimRewards::DISCRIMINATOR, 25_943),
    (staking_ix::CloseStakeAccount::DISCRIMINATOR, 17_179),
    (staking_ix::RegisterCommunity::DISCRIMINATOR, 13_880),
    (staking_ix::ReportPaidWork::DISCRIMINATOR, 6_322),
    (staking_ix::DrawCommunityReward::DISCRIMINATOR, 52_879),
];

/// Other programs the client calls, by their largest measured instruction.
const OTHER_MEASURED: &[(Pubkey, u32)] = &[
    (spl_token_interface::ID, 4_645),
    (spl_token_2022_interface::ID, 6_000),
    (spl_associated_token_account_interface::program::ID, 33_682),
    (solana_sdk_ids::system_program::ID, 150),
];

/// The compute units the client requests for `ix`: its measured ceiling plus the
/// margin. An instruction of a program the table does not know gets what a cluster
/// would grant it anyway.
pub fn instruction_compute_units(ix: &Instruction) -> u32 {
    if ix.program_id == solana_sdk_ids::compute_budget::ID {
        return BUDGET_INSTRUCTION_COMPUTE_UNITS;
    }
    if let Some((_, table)) = ALE_MEASURED
        .iter()
        .find(|(program, _)| *program == ix.program_id)
    {
        return table
            .iter()
            .find(|(discriminator, _)| ix.data.starts_with(discriminator))
            .map_or(DEFAULT_INSTRUCTION_COMPUTE_UNITS, |(_, cu)| {
                with_margin(*cu)
                    .saturating_add(BUMP_SEARCH_ALLOWANCE)
                    .min(MAX_TRANSACTION_COMPUTE_UNITS)
            });
    }
    OTHER_MEASURED
        .iter()
        .find(|(program, _)| *program == ix.program_id)
        .map_or(DEFAULT_INSTRUCTION_COMPUTE_UNITS, |(_, cu)| {
            with_margin(*cu)
        })
}

fn with_margin(measured: u32) -> u32 {
    let padded = u64::from(measured) * u64::from(100 + MARGIN_PERCENT) / 100;
    // Round up to a thousand: the figures move a little with every build.
    let rounded = padded.div_ceil(1_000) * 1_000;
    u32::try_from(rounded)
        .unwrap_or(MAX_TRANSACTION_COMPUTE_UNITS)
        .min(MAX_TRANSACTION_COMPUTE_UNITS)
}

/// How the client budgets its transactions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ComputeBudget {
    /// Priority fee in micro-lamports per compute unit; `None` sends no price.
    pub unit_price_micro_lamports: Option<u64>,
}

impl ComputeBudget {
    /// `ixs` with the compute-budget instructions in front: a limit that covers every
    /// instruction (and the budget instructions themselves), and the price if one is
    /// set. A transaction that already carries a compute-budget instruction is the
    /// caller's own choice and goes as it is.
    pub fn apply(&self, ixs: &[Instruction]) -> Vec<Instruction> {
        if ixs
            .iter()
            .any(|ix| ix.program_id == solana_sdk_ids::compute_budget::ID)
        {
            return ixs.to_vec();
        }
        let budget_instructions = 1 + u32::from(self.unit_price_micro_lamports.is_some());
        let limit = ixs
            .iter()
            .map(instruction_compute_units)
            .fold(
                budget_instructions * BUDGET_INSTRUCTION_COMPUTE_UNITS,
                u32::saturating_add,
            )
            .min(MAX_TRANSACTION_COMPUTE_UNITS);
        let mut budgeted = Vec::with_capacity(ixs.len() + 2);
        budgeted.push(ComputeBudgetInstruction::set_compute_unit_limit(limit));
        if let Some(price) = self.unit_price_micro_lamports {
            budgeted.push(ComputeBudgetInstruction::set_compute_unit_price(price));
        }
        budgeted.extend_from_slice(ixs);
        budgeted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use solana_compute_budget_interface::ComputeBudgetInstruction as Budget;

    fn ale_ix(program: Pubkey, discriminator: &[u8]) -> Instruction {
        Instruction::new_with_bytes(program, discriminator, vec![])
    }

    #[test]
    fn the_limit_covers_every_instruction_with_the_margin() {
        let take = ale_ix(ale_protocol::ID, protocol_ix::TakeTicket::DISCRIMINATOR);
        let commit = ale_ix(ale_protocol::ID, protocol_ix::CommitVotes::DISCRIMINATOR);
        let ixs = ComputeBudget::default().apply(&[take.clone(), commit.clone()]);
        assert_eq!(ixs.len(), 3);
        let expected = with_margin(87_908) + with_margin(16_657) + 2 * BUMP_SEARCH_ALLOWANCE + 150;
        assert_eq!(ixs[0], Budget::set_compute_unit_limit(expected));
        assert_eq!(&ixs[1..], &[take, commit]);
        assert!(with_margin(87_908) >= 87_908 * 5 / 4);
    }

    #[test]
    fn a_price_is_sent_only_when_set_and_a_callers_own_budget_stands() {
        let claim = ale_ix(ale_staking::ID, staking_ix::ClaimRewards::DISCRIMINATOR);
        let priced = ComputeBudget {
            unit_price_micro_lamports: Some(5_000),
        }
        .apply(std::slice::from_ref(&claim));
        assert_eq!(priced[1], Budget::set_compute_unit_price(5_000));
        assert_eq!(priced.len(), 3);
        let own = vec![Budget::set_compute_unit_limit(7), claim];
        assert_eq!(ComputeBudget::default().apply(&own), own);
    }

    #[test]
    fn every_instruction_but_settle_and_rescore_fits_the_default_grant() {
        let every = ALE_MEASURED
            .iter()
            .flat_map(|(program, table)| table.iter().map(move |(d, _)| (*program, *d)));
        for (program, discriminator) in every {
            let limit = instruction_compute_units(&ale_ix(program, discriminator));
            if [
                protocol_ix::SettleRound::DISCRIMINATOR,
                protocol_ix::RescoreBatch::DISCRIMINATOR,
            ]
            .contains(&discriminator)
            {
                assert!(
                    limit <= MAX_TRANSACTION_COMPUTE_UNITS,
                    "{discriminator:?} asks {limit}"
                );
            } else {
                assert!(
                    limit <= DEFAULT_INSTRUCTION_COMPUTE_UNITS,
                    "{discriminator:?} asks {limit}"
                );
            }
        }
    }

    #[test]
    fn a_dense_transaction_asks_for_no_more_than_a_cluster_allows() {
        let settle = ale_ix(ale_protocol::ID, protocol_ix::SettleRound::DISCRIMINATOR);
        let ixs = ComputeBudget::default().apply(&[settle.clone(), settle]);
        assert_eq!(
            ixs[0],
            Budget::set_compute_unit_limit(MAX_TRANSACTION_COMPUTE_UNITS)
        );
        let unknown = Instruction::new_with_bytes(Pubkey::new_unique(), &[], vec![]);
        assert_eq!(
            instruction_compute_units(&unknown),
            DEFAULT_INSTRUCTION_COMPUTE_UNITS
        );
    }
}
