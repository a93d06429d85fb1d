use anchor_lang::prelude::*;

use crate::constants::MINT_SLOTS;

/// How paid work in a mint other than ALE is valued for bucket B: ALE base units per
/// base unit of the mint, as a fraction, set by the operator.
#[derive(
    AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq, InitSpace,
)]
pub struct ConversionRate {
    pub mint: Pubkey,
    pub ale_numerator: u64,
    pub denominator: u64,
}

/// Protocol-wide settings set by the operator.
#[account]
#[derive(InitSpace)]
pub struct ProtocolConfig {
    pub admin: Pubkey,
    /// Owner of the token accounts that receive protocol fees and split dust.
    pub treasury: Pubkey,
    pub protocol_fee_bps: u16,
    pub max_creator_fee_bps: u16,
    pub community_count: u64,
    pub bump: u8,
    pub reporter_bump: u8,
    /// ALE's mint (ale-staking's PDA): paid work in ALE counts one for one.
    pub ale_mint: Pubkey,
    pub conversion_rates: [ConversionRate; MINT_SLOTS],
    pub reserved: [u8; 64],
}

impl ProtocolConfig {
    /// ALE, or a mint the operator gave a conversion rate: the mints whose freeze
    /// authority the protocol accepts (mint_policy).
    pub fn is_vetted(&self, mint: &Pubkey) -> bool {
        *mint == self.ale_mint || self.rate_of(mint).is_some()
    }

    /// The operator's conversion rate for `mint`, if it set one.
    fn rate_of(&self, mint: &Pubkey) -> Option<&ConversionRate> {
        self.conversion_rates
            .iter()
            .find(|r| r.mint == *mint && r.denominator > 0)
    }

    /// Paid work, in ALE base units, of `amount` of `mint` (0 when the mint has no rate).
    pub fn paid_work_in_ale(&self, mint: &Pubkey, amount: u64) -> Result<u64> {
        if *mint == self.ale_mint {
            return Ok(amount);
        }
        let Some(rate) = self.rate_of(mint) else {
            return Ok(0);
        };
        ale_math::checked::mul_div_floor(amount, rate.ale_numerator, rate.denominator)
            .map_err(|_| error!(crate::error::ProtocolError::MathOverflow))
    }
}

// Borsh sizes pinned like the zero-copy layouts: a field added or resized must be a
// deliberate change (rent, `space`, reserved bytes), not a side effect.
static_assertions::const_assert_eq!(<ProtocolConfig as anchor_lang::Space>::INIT_SPACE, 366);
