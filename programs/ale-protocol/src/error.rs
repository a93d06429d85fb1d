use ale_math::MathError;
use anchor_lang::prelude::*;

#[error_code]
pub enum ProtocolError {
    #[msg("signer is not the protocol admin")]
    NotProtocolAdmin,
    #[msg("conversion rate must have a non-zero numerator and denominator")]
    InvalidConversionRate,
    #[msg("the protocol already holds its maximum number of conversion rates")]
    ConversionRatesFull,
    #[msg("a protocol fee parameter is out of range")]
    InvalidFeeConfig,
    #[msg("community name or skill tag is empty or too long")]
    InvalidName,
    #[msg("label schema must have 2 to 16 classes")]
    InvalidLabelSchema,
    #[msg("consensus rule is out of range")]
    InvalidConsensusRule,
    #[msg("commit or reveal window is out of range")]
    InvalidWindows,
    #[msg("creator fee is above the protocol's cap")]
    CreatorFeeTooHigh,
    #[msg("join rule is invalid (qualification size, pass mark or prerequisite)")]
    InvalidJoinRule,
    #[msg("community id is not the next one")]
    CommunityIdMismatch,
    #[msg("wallet is already a member of this community")]
    AlreadyMember,
    #[msg("community has reached its member limit")]
    LedgerFull,
    #[msg("ledger does not belong to the named community")]
    WrongLedger,
    #[msg("ledger entry at this index is not the signer's")]
    WrongMemberIndex,
    #[msg("reputation in the prerequisite community is below the required minimum")]
    InsufficientReputation,
    #[msg("this instruction does not match the community's join rule")]
    JoinRuleMismatch,
    #[msg("qualification answers do not match the committed key")]
    QualificationKeyMismatch,
    #[msg("qualification key is already revealed for this round")]
    QualificationKeyRevealed,
    #[msg("qualification key is not revealed yet")]
    QualificationKeyNotRevealed,
    #[msg("qualification commitment belongs to another round")]
    StaleQualificationRound,
    #[msg("revealed answers do not match the candidate's commitment")]
    QualificationCommitMismatch,
    #[msg("fewer correct answers than the pass mark")]
    QualificationFailed,
    #[msg("signer is not the community creator")]
    NotCreator,
    #[msg("batch must have at least one item")]
    ZeroItems,
    #[msg("batch has more items than allowed")]
    TooManyItems,
    #[msg("item table account does not have the batch's size")]
    WrongItemTableSize,
    #[msg("price (per item, or per vote with a vote budget) must be greater than zero")]
    ZeroPrice,
    #[msg("arithmetic overflow")]
    MathOverflow,
    #[msg("deadline leaves less than one commit and reveal window")]
    DeadlineTooSoon,
    #[msg("gold items exceed the batch's items")]
    InvalidGoldItems,
    #[msg("batch id is not the community's next")]
    BatchIdMismatch,
    #[msg("token account or mint is not the batch's")]
    WrongMint,
    #[msg("vault is not the batch's escrow vault")]
    WrongVault,
    #[msg("item table is not the batch's")]
    WrongItemTable,
    #[msg("refund destination is not a token account of the batch's poster in the batch's mint")]
    WrongRefundAccount,
    #[msg("token account is not owned by the signer")]
    WrongTokenOwner,
    #[msg("token balance is lower than the amount")]
    InsufficientFunds,
    #[msg("mint takes a transfer fee or otherwise delivers less than sent")]
    UnsupportedMint,
    #[msg("community already holds balances in its maximum number of mints (its last two slots are kept for ALE and operator-vetted mints)")]
    MintSlotsFull,
    #[msg("signer is not the batch's poster")]
    NotPoster,
    #[msg("item range is outside the batch")]
    ItemOutOfRange,
    #[msg("more items than one call may process")]
    TooManyItemsPerCall,
    #[msg("no unstarted item in the range")]
    NothingToCancel,
    #[msg("the batch deadline has not passed")]
    DeadlineNotReached,
    #[msg("every item of the batch has been refunded or decided already")]
    NothingToRefund,
    #[msg("batch still has undecided items or balances")]
    BatchNotFinished,
    #[msg("batch is not taking votes now (outside a commit window or past the deadline)")]
    NotAcceptingVotes,
    #[msg("the previous round is not settled yet")]
    RoundNotSettled,
    #[msg("worker already holds a ticket for this round of this batch")]
    AlreadyHasTicket,
    #[msg("no item is available to this worker in this round")]
    NoItemsAvailable,
    #[msg("worker reached the community's daily task limit")]
    RateLimited,
    #[msg("stake below the community's minimum to vote")]
    InsufficientStake,
    #[msg("slot hashes sysvar account is not the real one")]
    WrongSlotHashes,
    #[msg("the commit window of this ticket's round has closed")]
    CommitWindowClosed,
    #[msg("reveal before the commit window has closed")]
    RevealTooEarly,
    #[msg("the reveal window of this ticket's round has closed")]
    RevealWindowClosed,
    #[msg("ticket has no commitment to reveal")]
    NotCommitted,
    #[msg("revealed labels and salt do not match the commitment")]
    RevealMismatch,
    #[msg("label index outside the community's label schema")]
    WrongLabel,
    #[msg("not the ticket's worker")]
    NotTicketOwner,
    #[msg("the ticket's reveal window is still open")]
    TicketStillOpen,
    #[msg("settlement cursor is not the batch's current one")]
    StaleCursor,
    #[msg("the round is not over: its reveal window is open and a committed ticket is not revealed yet")]
    RoundNotOver,
    #[msg("token account is not the treasury's or the creator's for this mint")]
    WrongFeeAccount,
    #[msg("nothing to claim in this mint")]
    NothingToClaim,
    #[msg("gold answers are revealed once the batch is finished or past its deadline")]
    GoldNotRevealable,
    #[msg("gold answer is not under the batch's gold root")]
    GoldProofInvalid,
    #[msg("gold item already revealed")]
    GoldAlreadyRevealed,
    #[msg("more gold reveals than the batch committed to, or than one call may carry")]
    TooManyGoldReveals,
    #[msg("this community asks a vote deposit: the member's ALE account and the community vault are needed")]
    DepositAccountsMissing,
    #[msg("a state invariant does not hold")]
    InvariantViolated,
    #[msg("the protocol treasury cannot create a community: settlement pays the treasury's and the creator's fees into two distinct accounts")]
    CreatorIsTreasury,
    #[msg("this round's sortition seed is not drawn yet: take the ticket first, then commit")]
    RoundSeedNotDrawn,
    #[msg("the items sent are not the ones the sortition assigns now: compute them again")]
    AssignmentChanged,
    #[msg("the mint has a Token-2022 extension that lets its authority take, freeze, tax or block escrowed pay (permanent delegate, transfer fee or hook, pausable, default-frozen accounts, close authority, confidential or non-transferable): pay in another mint")]
    MintExtensionRefused,
    #[msg("the mint has a freeze authority and the operator has not vetted it (no conversion rate): pay in a vetted mint or one without a freeze authority")]
    MintFreezeAuthority,
    #[msg("votes committed in the batch's open round are not settled yet: settle the round after its reveal window (refunds open one round later regardless)")]
    RefundWaitsForSettlement,
    #[msg("vote deposit is above the protocol's limit (MAX_VOTE_DEPOSIT)")]
    VoteDepositTooHigh,
    #[msg("tickets of this batch are still open: reveal them or close them (close_expired_ticket) before closing the batch")]
    TicketsStillOpen,
    #[msg("a vote budget must give every item at least the community's minimum votes and at most its maximum (item count x min_votes ..= item count x max_votes)")]
    VoteBudgetOutOfRange,
    #[msg("target confidence must be 0 (the community's early stop), above 5000 and below 10000 bps, or 10000 (never stop early)")]
    InvalidTargetConfidence,
    #[msg("the batch's vote budget is spent (or reserved by this round's tickets): no votes left to take")]
    VoteBudgetSpent,
    #[msg("a re-score is only for a vote budget's last round in a community of the confusion rule, once its reveals are over and before it settles")]
    RescoreNotDue,
    #[msg("this batch's re-score has already started")]
    RescoreAlreadyStarted,
    #[msg("re-score account does not have Rescore::space(member_count) bytes")]
    WrongRescoreSize,
    #[msg("not this batch's re-score account, or not its payer")]
    WrongRescoreAccount,
    #[msg("the batch's last round is decided by its re-score: run rescore_batch to the end first")]
    RescoreNotFinished,
}

/// Maps an ale-math failure to a program error, logging where it happened.
pub trait OrMathOverflow<T> {
    fn or_overflow(self) -> Result<T>;
}

impl<T> OrMathOverflow<T> for std::result::Result<T, MathError> {
    fn or_overflow(self) -> Result<T> {
        self.map_err(|e| {
            msg!("math: {}", e);
            error!(ProtocolError::MathOverflow)
        })
    }
}
