//! A runtime with ale-staking initialised (reporter: the test stub), the genesis
//! supply minted to a distribution account, and helpers to make stakers.

use ale_embedded::EmbeddedRuntime;
use ale_sdk::TxOutcome;
use ale_sdk::{pda, staking};
use ale_staking::constants::{DEFAULT_COOLDOWN_SECONDS, DEFAULT_EPOCH_SECONDS};
use ale_staking::instructions::InitializeParams;
use ale_staking::state::{CommunityWork, RewardPot, StakeAccount, StakingConfig};
use anchor_lang::prelude::Pubkey;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::TransactionError;

use crate::reporter_stub;

pub struct StakingEnv {
    pub rt: EmbeddedRuntime,
    pub admin: Keypair,
    /// ALE token account of the admin that received the genesis supply.
    pub distribution: Pubkey,
}

pub struct Staker {
    pub wallet: Keypair,
    pub token: Pubkey,
}

impl StakingEnv {
    /// Initialised with default parameters and the genesis minted.
    pub async fn new() -> Self {
        Self::with_params(DEFAULT_COOLDOWN_SECONDS, DEFAULT_EPOCH_SECONDS).await
    }

    pub async fn with_params(cooldown_seconds: i64, epoch_seconds: i64) -> Self {
        let mut env = Self::initialized(cooldown_seconds, epoch_seconds).await;
        let ix = staking::genesis_mint(env.admin.pubkey(), env.distribution);
        let admin = env.admin.insecure_clone();
        env.rt.send(&[ix], &[&admin]).await.expect("genesis mint");
        env
    }

    /// Initialised, genesis not yet minted.
    pub async fn initialized(cooldown_seconds: i64, epoch_seconds: i64) -> Self {
        let mut rt = EmbeddedRuntime::start_with(reporter_stub::add_to).await;
        let admin = rt.funded_wallet(10).await;
        let params = InitializeParams {
            cooldown_seconds,
            epoch_seconds,
            protocol_program: reporter_stub::REPORTER_STUB_ID,
        };
        rt.send(&[staking::initialize(admin.pubkey(), params)], &[&admin])
            .await
            .expect("initialize");
        let distribution = rt
            .create_token_account(&pda::ale_mint(), &admin.pubkey())
            .await;
        Self {
            rt,
            admin,
            distribution,
        }
    }

    pub async fn config(&mut self) -> StakingConfig {
        self.rt
            .anchor_account(pda::staking_config())
            .await
            .expect("config")
    }

    pub async fn pot(&mut self) -> RewardPot {
        self.rt
            .anchor_account(pda::reward_pot())
            .await
            .expect("reward pot")
    }

    pub async fn community_work(&mut self, community: &Pubkey) -> CommunityWork {
        self.rt
            .anchor_account(pda::community_work(community))
            .await
            .expect("community work")
    }

    pub async fn stake_account(&mut self, owner: &Pubkey) -> StakeAccount {
        self.rt
            .anchor_account(pda::stake_account(owner))
            .await
            .expect("stake account")
    }

    pub async fn supply(&mut self) -> u64 {
        self.rt.mint_supply(pda::ale_mint()).await
    }

    pub async fn balance(&mut self, token_account: Pubkey) -> u64 {
        self.rt.token_balance(token_account).await
    }

    /// A wallet with an ALE account holding `amount` from the distribution, and an
    /// open stake account.
    pub async fn staker(&mut self, amount: u64) -> Staker {
        let wallet = self.rt.funded_wallet(1).await;
        let token = self
            .rt
            .create_token_account(&pda::ale_mint(), &wallet.pubkey())
            .await;
        if amount > 0 {
            let admin = self.admin.insecure_clone();
            self.rt
                .token_transfer(&self.distribution, &token, &admin, amount)
                .await
                .expect("fund staker");
        }
        self.rt
            .send(&[staking::open_stake_account(wallet.pubkey())], &[&wallet])
            .await
            .expect("open stake account");
        Staker { wallet, token }
    }

    pub async fn crank(&mut self) -> Result<TxOutcome, TransactionError> {
        self.rt
            .send_with_events(&[staking::crank_inflation()], &[])
            .await
    }

    /// Sends `ix` signed by `signer`, preceded by an inflation crank (users' staking
    /// instructions need a current emission).
    pub async fn send_cranked(
        &mut self,
        ix: solana_sdk::instruction::Instruction,
        signer: &Keypair,
    ) -> Result<TxOutcome, TransactionError> {
        self.rt
            .send_with_events(&[staking::crank_inflation(), ix], &[signer])
            .await
    }

    pub async fn stake(
        &mut self,
        staker: &Staker,
        amount: u64,
    ) -> Result<TxOutcome, TransactionError> {
        let ix = staking::stake(staker.wallet.pubkey(), staker.token, amount);
        self.send_cranked(ix, &staker.wallet).await
    }

    pub async fn claim(&mut self, staker: &Staker) -> Result<TxOutcome, TransactionError> {
        let ix = staking::claim_rewards(staker.wallet.pubkey(), staker.token);
        self.send_cranked(ix, &staker.wallet).await
    }

    pub async fn warp_by(&mut self, seconds: i64) {
        let now = self.rt.now().await;
        self.rt.warp_to_timestamp(now + seconds).await;
    }
}
