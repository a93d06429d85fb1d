//! What the operator and community creators do: the deploy-time initialiser
//! (migrations/) and community creation.
//!
//! `bootstrap` is idempotent: each step first reads whether it is done (staking config,
//! genesis, protocol config, each genesis community by name) and sends only what is
//! missing, so it can be run again after a failure or against a cluster already set up.

use std::collections::HashMap;

use ale_protocol::instructions::{CommunityParams, ProtocolParams};
use ale_protocol::state::{Community, JoinRule, ProtocolConfig};
use ale_staking::constants::{DEFAULT_COOLDOWN_SECONDS, DEFAULT_EPOCH_SECONDS};
use ale_staking::instructions::InitializeParams;
use ale_staking::state::StakingConfig;
use anchor_lang::prelude::Pubkey;
use solana_sdk::signature::{Keypair, Signer};
use spl_associated_token_account_interface::address::get_associated_token_address;
use spl_associated_token_account_interface::instruction::create_associated_token_account_idempotent;
use tracing::info;

use crate::error::{Result, SdkError, StepContext};
use crate::protocol::{self as ix, default_consensus};
use crate::transport::{ClientError, Transport};
use crate::{pda, staking};

/// What the deploy sets up.
#[derive(Clone, Debug)]
pub struct Genesis {
    pub treasury: Pubkey,
    pub protocol_fee_bps: u16,
    pub max_creator_fee_bps: u16,
    pub cooldown_seconds: i64,
    pub epoch_seconds: i64,
    /// Communities created in order (a later one may require reputation in an
    /// earlier one, named by `GenesisCommunity::prerequisite`).
    pub communities: Vec<GenesisCommunity>,
}

#[derive(Clone, Debug)]
pub struct GenesisCommunity {
    pub name: &'static str,
    pub skill_tag: &'static str,
    pub num_classes: u8,
    /// (earlier community's name, reputation needed there); `None`: open.
    pub prerequisite: Option<(&'static str, u64)>,
}

impl Genesis {
    /// Programs and genesis only, no communities.
    pub fn with_treasury(treasury: Pubkey) -> Self {
        Self {
            treasury,
            protocol_fee_bps: 250,
            max_creator_fee_bps: 1_000,
            cooldown_seconds: DEFAULT_COOLDOWN_SECONDS,
            epoch_seconds: DEFAULT_EPOCH_SECONDS,
            communities: Vec::new(),
        }
    }

    /// The launch set: Bot-or-Not (open) -> Image Recognition (reputation in
    /// Bot-or-Not) -> a client community (reputation in Image Recognition) -> RLHF
    /// (high reputation in Image Recognition). Reputation thresholds in the template's
    /// units (initial 1, +1 per win): 5 wins, then 50.
    pub fn launch(treasury: Pubkey) -> Self {
        Self {
            communities: vec![
                GenesisCommunity {
                    name: "Bot-or-Not",
                    skill_tag: "bot-or-not",
                    num_classes: 2,
                    prerequisite: None,
                },
                GenesisCommunity {
                    name: "Image Recognition",
                    skill_tag: "image",
                    num_classes: 8,
                    prerequisite: Some(("Bot-or-Not", 5)),
                },
                GenesisCommunity {
                    name: "Client: Acme Vision",
                    skill_tag: "image",
                    num_classes: 4,
                    prerequisite: Some(("Image Recognition", 5)),
                },
                GenesisCommunity {
                    name: "RLHF",
                    skill_tag: "rlhf",
                    num_classes: 2,
                    prerequisite: Some(("Image Recognition", 50)),
                },
            ],
            ..Self::with_treasury(treasury)
        }
    }
}

/// What `bootstrap` found done and what it did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bootstrap {
    pub steps_sent: u32,
    pub steps_already_done: u32,
    pub communities: Vec<(String, Pubkey)>,
}

/// Sets up both programs, genesis (to the operator's ALE account) and the genesis
/// communities, skipping every step already done.
pub async fn bootstrap<T: Transport>(
    t: &mut T,
    operator: &Keypair,
    genesis: &Genesis,
) -> Result<Bootstrap> {
    // Settlement pays the treasury's and the community creator's fee accounts as two
    // distinct writable accounts: a community whose creator is the treasury could
    // never settle.
    if !genesis.communities.is_empty() && genesis.treasury == operator.pubkey() {
        return Err(SdkError::Input(
            "the treasury must not be the operator's wallet, which creates the genesis communities"
                .into(),
        ));
    }
    let mut done = Bootstrap::default();
    let staking = t
        .read_optional::<StakingConfig>(pda::staking_config())
        .await?;
    if staking.is_none() {
        let params = InitializeParams {
            cooldown_seconds: genesis.cooldown_seconds,
            epoch_seconds: genesis.epoch_seconds,
            protocol_program: ale_protocol::ID,
        };
        t.send_transaction(
            &[staking::initialize(operator.pubkey(), params)],
            &[operator],
        )
        .await
        .step(|| "initialize staking".into())?;
        done.steps_sent += 1;
    } else {
        done.steps_already_done += 1;
    }
    if !staking.is_some_and(|s| s.genesis_done) {
        let distribution = get_associated_token_address(&operator.pubkey(), &pda::ale_mint());
        let open = create_associated_token_account_idempotent(
            &operator.pubkey(),
            &operator.pubkey(),
            &pda::ale_mint(),
            &anchor_spl::token::ID,
        );
        t.send_transaction(
            &[open, staking::genesis_mint(operator.pubkey(), distribution)],
            &[operator],
        )
        .await
        .step(|| "genesis mint".into())?;
        done.steps_sent += 1;
        info!(%distribution, "genesis minted");
    } else {
        done.steps_already_done += 1;
    }
    if t.read_optional::<ProtocolConfig>(pda::protocol_config())
        .await?
        .is_none()
    {
        let params = ProtocolParams {
            treasury: genesis.treasury,
            protocol_fee_bps: genesis.protocol_fee_bps,
            max_creator_fee_bps: genesis.max_creator_fee_bps,
        };
        t.send_transaction(
            &[ix::initialize_protocol(operator.pubkey(), params)],
            &[operator],
        )
        .await
        .step(|| "initialize protocol".into())?;
        done.steps_sent += 1;
    } else {
        done.steps_already_done += 1;
    }

    let mut by_name = communities_by_name(t).await?;
    for spec in &genesis.communities {
        let address = match by_name.get(spec.name).copied() {
            Some(address) => {
                done.steps_already_done += 1;
                address
            }
            None => {
                let join_rule = match spec.prerequisite {
                    None => JoinRule::Open,
                    Some((name, min_reputation)) => JoinRule::MinReputation {
                        prerequisite: *by_name.get(name).ok_or_else(|| {
                            SdkError::Input(format!("{name} comes before {}", spec.name))
                        })?,
                        min_reputation,
                    },
                };
                let params = template(spec.name, spec.skill_tag, spec.num_classes, join_rule);
                let address = create_community(t, operator, params).await?;
                by_name.insert(spec.name.to_string(), address);
                done.steps_sent += 1;
                address
            }
        };
        done.communities.push((spec.name.to_string(), address));
    }
    Ok(done)
}

/// The template's commit and reveal windows: one hour each.
pub const TEMPLATE_WINDOW_SECONDS: u32 = 3_600;

/// A community from the template's defaults.
pub fn template(
    name: &str,
    skill_tag: &str,
    num_classes: u8,
    join_rule: JoinRule,
) -> CommunityParams {
    CommunityParams {
        name: name.into(),
        skill_tag: skill_tag.into(),
        num_classes,
        join_rule,
        qualification_items_root: [0; 32],
        qualification_key_commitment: [0; 32],
        consensus: default_consensus(num_classes),
        commit_window_seconds: TEMPLATE_WINDOW_SECONDS,
        reveal_window_seconds: TEMPLATE_WINDOW_SECONDS,
        min_stake_to_vote: 0,
        vote_deposit: 0,
        creator_fee_bps: 500,
        rate_limit_per_day: 0,
        max_members: 0,
    }
}

/// Fails unless `operator` is the admin of both programs' configs. The first caller of
/// an initialiser becomes its admin: one who got in between a deploy and `bootstrap`
/// owns a deployment nobody should use (THREATS.md, O-10). `ale operator deploy` and
/// `ale operator init` run it after `bootstrap`; a market or demo that only uses a
/// cluster someone else set up does not.
pub async fn ensure_admin<T: Transport>(t: &mut T, operator: &Keypair) -> Result<()> {
    let staking_admin = t.read::<StakingConfig>(pda::staking_config()).await?.admin;
    let protocol_admin = t
        .read::<ProtocolConfig>(pda::protocol_config())
        .await?
        .admin;
    for (program, admin) in [
        ("ale-staking", staking_admin),
        ("ale-protocol", protocol_admin),
    ] {
        if admin != operator.pubkey() {
            return Err(SdkError::Input(format!(
                "{program} was initialised by {admin}, not by the operator {}: do not use this deployment; deploy again under new program ids",
                operator.pubkey()
            )));
        }
    }
    Ok(())
}

/// Creates a community with the next id; returns its address.
pub async fn create_community<T: Transport>(
    t: &mut T,
    creator: &Keypair,
    params: CommunityParams,
) -> Result<Pubkey> {
    let config: ProtocolConfig = t.read(pda::protocol_config()).await?;
    let id = config.community_count;
    let prerequisite = match params.join_rule {
        JoinRule::MinReputation { prerequisite, .. } => Some(prerequisite),
        _ => None,
    };
    let name = params.name.clone();
    t.send_transaction(
        &[ix::create_community(
            creator.pubkey(),
            id,
            params,
            prerequisite,
        )],
        &[creator],
    )
    .await
    .step(|| format!("create community {name}"))?;
    Ok(pda::community(id))
}

/// The community named `name`, if any.
pub async fn find_community<T: Transport>(
    t: &mut T,
    name: &str,
) -> Result<Option<Pubkey>, ClientError> {
    Ok(communities_by_name(t).await?.get(name).copied())
}

/// Every community's address by name (the first created, where names repeat).
pub async fn communities_by_name<T: Transport>(
    t: &mut T,
) -> Result<HashMap<String, Pubkey>, ClientError> {
    let mut by_name = HashMap::new();
    let Some(config) = t
        .read_optional::<ProtocolConfig>(pda::protocol_config())
        .await?
    else {
        return Ok(by_name);
    };
    for id in 0..config.community_count {
        if let Some(c) = t.read_optional::<Community>(pda::community(id)).await? {
            by_name
                .entry(community_name(&c))
                .or_insert(pda::community(id));
        }
    }
    Ok(by_name)
}

/// A community's name (stored zero-padded).
pub fn community_name(c: &Community) -> String {
    String::from_utf8_lossy(&c.name)
        .trim_end_matches('\0')
        .to_string()
}
