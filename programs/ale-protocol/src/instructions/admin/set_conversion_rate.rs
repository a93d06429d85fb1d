use anchor_lang::prelude::*;

use crate::error::ProtocolError;
use crate::events::ConversionRateSet;
use crate::seeds;
use crate::state::{ConversionRate, ProtocolConfig};

/// The operator values a payment mint in ALE for bucket B's paid work (replacing its
/// rate if it has one). Paid work in a mint without a rate counts for nothing.
#[event_cpi]
#[derive(Accounts)]
pub struct SetConversionRate<'info> {
    pub admin: Signer<'info>,
    #[account(
        mut,
        seeds = [seeds::PROTOCOL_CONFIG],
        bump = config.bump,
        has_one = admin @ ProtocolError::NotProtocolAdmin
    )]
    pub config: Box<Account<'info, ProtocolConfig>>,
}

impl SetConversionRate<'_> {
    pub fn validate(&self, rate: &ConversionRate) -> Result<()> {
        require!(
            rate.ale_numerator > 0 && rate.denominator > 0 && rate.mint != Pubkey::default(),
            ProtocolError::InvalidConversionRate
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(&rate))]
pub fn set_conversion_rate(ctx: Context<SetConversionRate>, rate: ConversionRate) -> Result<()> {
    let rates = &mut ctx.accounts.config.conversion_rates;
    let slot = rates
        .iter()
        .position(|r| r.mint == rate.mint)
        .or_else(|| rates.iter().position(|r| r.mint == Pubkey::default()))
        .ok_or(ProtocolError::ConversionRatesFull)?;
    rates[slot] = rate;
    emit_cpi!(ConversionRateSet {
        mint: rate.mint,
        ale_numerator: rate.ale_numerator,
        denominator: rate.denominator,
    });
    Ok(())
}
