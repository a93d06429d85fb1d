//! Which mints a batch may pay in. Escrowed pay and credited pay sit in vaults the
//! protocol owns, but a mint's authorities keep powers over every account of the mint:
//! a permanent delegate moves tokens out of any of them, a freeze authority freezes them,
//! a transfer fee or hook (even one added or raised after posting) taxes or blocks the
//! vault's transfers. Posting refuses every Token-2022 extension that grants such a
//! power, and a freeze authority unless the operator vetted the mint (THREATS.md, P-2).

use anchor_lang::prelude::*;
use anchor_spl::token_2022::spl_token_2022;
use anchor_spl::token_interface::Mint;
use spl_token_2022::extension::{BaseStateWithExtensions, ExtensionType, StateWithExtensions};

use crate::error::ProtocolError;
use crate::state::ProtocolConfig;

/// Extensions that change how a mint is described or displayed, never who can move,
/// freeze or tax its tokens. Every other extension, including ones added to Token-2022
/// later, is refused.
pub const HARMLESS_MINT_EXTENSIONS: [ExtensionType; 8] = [
    ExtensionType::MetadataPointer,
    ExtensionType::TokenMetadata,
    ExtensionType::GroupPointer,
    ExtensionType::TokenGroup,
    ExtensionType::GroupMemberPointer,
    ExtensionType::TokenGroupMember,
    ExtensionType::InterestBearingConfig,
    ExtensionType::ScaledUiAmount,
];

/// Refuses a mint whose authorities could take, freeze or tax pay the protocol holds.
pub fn check_payment_mint(
    mint_info: &AccountInfo,
    mint: &Mint,
    config: &ProtocolConfig,
) -> Result<()> {
    if *mint_info.owner == spl_token_2022::ID {
        let data = mint_info.try_borrow_data()?;
        let state = StateWithExtensions::<spl_token_2022::state::Mint>::unpack(&data)
            .map_err(|_| error!(ProtocolError::UnsupportedMint))?;
        let extensions = state
            .get_extension_types()
            .map_err(|_| error!(ProtocolError::UnsupportedMint))?;
        if let Some(refused) = extensions
            .iter()
            .find(|e| !HARMLESS_MINT_EXTENSIONS.contains(e))
        {
            msg!("mint extension refused: {:?}", refused);
            return err!(ProtocolError::MintExtensionRefused);
        }
    }
    require!(
        mint.freeze_authority.is_none() || config.is_vetted(&mint_info.key()),
        ProtocolError::MintFreezeAuthority
    );
    Ok(())
}
