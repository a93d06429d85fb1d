//! SPL token set-up any cluster accepts: a new mint, minting to an owner's associated
//! account. The CLI's wallet helpers, the lab's market and the tests use these.

use anchor_lang::prelude::Pubkey;
use solana_sdk::program_pack::Pack;
use solana_sdk::signature::{Keypair, Signer};
use spl_associated_token_account_interface::address::get_associated_token_address_with_program_id;
use spl_associated_token_account_interface::instruction::create_associated_token_account_idempotent;
use spl_token_interface::state::Mint;

use crate::transport::{ClientError, Transport};

/// A new SPL Token mint of `decimals` whose mint authority is `authority`, paid by
/// `authority`; returns its address.
pub async fn create_mint<T: Transport>(
    t: &mut T,
    authority: &Keypair,
    decimals: u8,
) -> Result<Pubkey, ClientError> {
    let mint = Keypair::new();
    let rent = t.minimum_balance(Mint::LEN).await?;
    let ixs = [
        solana_system_interface::instruction::create_account(
            &authority.pubkey(),
            &mint.pubkey(),
            rent,
            Mint::LEN as u64,
            &spl_token_interface::ID,
        ),
        spl_token_interface::instruction::initialize_mint2(
            &spl_token_interface::ID,
            &mint.pubkey(),
            &authority.pubkey(),
            None,
            decimals,
        )
        .map_err(|e| ClientError::account(mint.pubkey(), e))?,
    ];
    t.send_transaction(&ixs, &[authority, &mint]).await?;
    Ok(mint.pubkey())
}

/// Mints `amount` of `mint` (whose authority signs and pays) to `owner`'s associated
/// token account, opening it if need be; returns that account.
pub async fn mint_to_owner<T: Transport>(
    t: &mut T,
    authority: &Keypair,
    mint: Pubkey,
    owner: &Pubkey,
    amount: u64,
) -> Result<Pubkey, ClientError> {
    let token_program = t.token_program_of(mint).await?;
    let destination = get_associated_token_address_with_program_id(owner, &mint, &token_program);
    let ixs = [
        create_associated_token_account_idempotent(
            &authority.pubkey(),
            owner,
            &mint,
            &token_program,
        ),
        spl_token_2022_interface::instruction::mint_to(
            &token_program,
            &mint,
            &destination,
            &authority.pubkey(),
            &[],
            amount,
        )
        .map_err(|e| ClientError::account(mint, e))?,
    ];
    t.send_transaction(&ixs, &[authority]).await?;
    Ok(destination)
}
