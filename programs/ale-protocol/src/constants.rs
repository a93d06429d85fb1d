//! Caps and limits, each with the reasoning that sizes it.

use static_assertions::const_assert;

/// Label schema: at least a yes/no question, at most 16 classes (labels fit a nibble).
pub const MIN_CLASSES: u8 = 2;
pub const MAX_CLASSES: u8 = 16;

/// Payment mints one community can hold balances in. Ledger entries keep one claimable
/// balance per slot, so the entry stays fixed-size (ALE, two stablecoins, one more).
pub const MINT_SLOTS: usize = 4;
/// Of a community's mint slots, how many only ALE and operator-vetted mints may take.
pub const VETTED_MINT_SLOTS: usize = 2;

/// Bytes of one ledger entry (state::LedgerEntry, checked there).
pub const LEDGER_ENTRY_BYTES: u32 = 192;
/// Ledger entries added by one growth step: 53 x 192 bytes = 10,176 bytes, inside the
/// 10,240 bytes one instruction may grow an account by.
pub const LEDGER_GROWTH_ENTRIES: u32 = 53;
/// Entries of a new ledger: 32 x 192 + header = 6,208 bytes, inside one `init` by CPI.
pub const LEDGER_INITIAL_ENTRIES: u32 = 32;
/// The most entries one ledger account holds: its 10 MiB size limit.
pub const LEDGER_MAX_ENTRIES: u32 = ((10 * 1024 * 1024) - 64) / LEDGER_ENTRY_BYTES;

/// Onboarding qualification: at most 32 gold items (one byte per answer).
pub const MAX_QUALIFICATION_ITEMS: u8 = 32;

/// The most items of one batch: its item table is created by the client with a
/// top-level `create_account` (up to 10 MiB): 264 bytes per item (state and 16 vote
/// slots) x 32,768 items = 8.25 MiB, header included.
pub const MAX_BATCH_ITEMS: u32 = 32_768;

/// Items one ticket assigns: larger tickets spread the worker's one signature per
/// round over more votes (d_duck, 30 market runs each: 185 lamports per vote with 128,
/// 242 with 64, same accuracy). The sealed take carries the items (4 bytes each) and
/// the commitment: with the signature (65 bytes), header and blockhash (36), 16
/// account keys (512) and discriminator, round, option tag, length and commitment (49),
/// 128 items and the message framing (~25) make ~1,200 bytes at most, under 1,232 (the
/// largest measured, a full ticket on d_duck's 108 items: 955). With the optional stake
/// and deposit accounts (5 more keys) a sealed take fits 88 items; the worker client
/// does not name them yet (the builders and tests do). The reveal, one label byte per item,
/// is smaller. The ticket account holds the items: 8 + 627 bytes, rent returned at reveal
/// or close.
pub const MAX_TICKET_ITEMS: usize = 128;
/// Items a sortition looks at before it gives up filling a ticket: up to 256 item reads
/// (~300 CU each with the voter check) ~ 77,000 CU, well inside take_ticket's budget.
pub const MAX_SORTITION_PROBES: u32 = 256;

/// A batch's target confidence that never stops an item early: its vote budget is spent
/// to the end (the default of a budget, as in the simulator's rule).
pub const NEVER_STOP_EARLY_BPS: u16 = 10_000;

/// Votes one `rescore_batch` call walks in an items pass, and members one call turns
/// into costs in a members pass (docs/COMPUTE.md has their measured cost).
pub const MAX_RESCORE_VOTES_PER_CALL: u32 = 1_024;
pub const MAX_RESCORE_MEMBERS_PER_CALL: u32 = 48;

/// Items one settle call walks from the cursor (the keeper's `max_items` may ask fewer).
/// An item with no votes this round costs ~150 CU (status read, reservations lapsed), so
/// a sparse round settles in one call instead of one call per 16 items.
pub const MAX_ITEMS_PER_SETTLE: u32 = 1_024;
/// Votes one settle call credits (the votes of the items it decides): at least 200
/// required per transaction. Per vote: one ledger entry read and write and a pro-rata
/// share (~1,500 CU). Items that stay pending are tallied but credit nothing.
pub const MAX_VOTES_PER_SETTLE: u32 = 256;
/// Items with votes one settle call tallies. Measured on the SBF build (docs/COMPUTE.md):
/// a decided or pending item costs up to ~11,000 CU (tally, the decision rule, u128
/// pro-rata arithmetic through the 128-bit helpers), a credited vote ~1,000 CU. 128 items
/// took 1,218,399 CU on d_duck, too close to the 1,400,000 CU a transaction may ask for;
/// 64 keep the worst call near 900,000, so the client's budget (measured + 25%) stays
/// under the cluster's ceiling. No heap per item (winners live in a stack array of
/// MAX_VOTES_PER_ITEM), so the 32 KiB bump heap does not grow with the call. The account
/// list is fixed: it never grows with voters.
pub const MAX_VOTED_ITEMS_PER_SETTLE: u32 = 64;

/// Items one `cancel_items` or `refund_expired` call walks; the cursor makes the work
/// resumable. Measured on the SBF build (docs/COMPUTE.md): ~11,000 CU a call, ~146 CU a
/// refunded item, ~25 a skipped one, ~100 a returned deposit (2,048 refunded items took
/// 270,709 CU, past the 200,000 CU default, where the paper estimate of ~100 CU an item
/// had put them well under). 512 items with MAX_VOTES_PER_REFUND_CALL deposits come to
/// ~112,000 CU, so the client's budget (+25 %, bump allowance) stays under the default.
pub const MAX_ITEMS_PER_REFUND_CALL: u32 = 512;
/// Revealed votes whose deposits one `refund_expired` call returns (one ledger entry
/// write each): the call stops before an item that would pass it, as settlement does.
pub const MAX_VOTES_PER_REFUND_CALL: u32 = 256;
const_assert!(MAX_VOTES_PER_REFUND_CALL as usize >= crate::state::MAX_VOTES_PER_ITEM);

/// Fees are in basis points.
pub const BPS_DENOMINATOR: u64 = 10_000;
/// Ceiling of the protocol fee the operator may set.
pub const MAX_PROTOCOL_FEE_BPS: u16 = 1_000;
/// Ceiling of the ceiling the operator may set on creator fees.
pub const MAX_CREATOR_FEE_CAP_BPS: u16 = 2_000;

/// Commit and reveal windows: one minute to thirty days each.
pub const MIN_WINDOW_SECONDS: u32 = 60;
pub const MAX_WINDOW_SECONDS: u32 = 30 * 86_400;

/// Name and skill tag sizes (UTF-8, zero-padded).
pub const NAME_LEN: usize = 32;
pub const SKILL_TAG_LEN: usize = 16;

/// Members one push_payouts call pays: each adds its token account to the transaction
/// (32 bytes, one of the 64 accounts) and one token transfer (~4,700 CU). 16 members
/// make a 21-account, ~900-byte transaction of ~100,000 CU.
pub const MAX_PUSHES_PER_CALL: usize = 16;

/// Largest initial reputation and reward per win a creator may set. Reputation sums
/// over a whole ledger in u64: at this step a community overflows only after ~1.8e13
/// wins, so settlement never fails on it (THREATS.md, C-13).
pub const MAX_REPUTATION_STEP: u64 = 1_000_000;

/// Largest vote deposit a creator may ask: 1,000,000 ALE (9 decimals).
pub const MAX_VOTE_DEPOSIT: u64 = 1_000_000_000_000_000;
