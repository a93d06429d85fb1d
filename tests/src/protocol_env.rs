//! A runtime with both programs initialised as the operator would (ale-staking with
//! ale-protocol as its reporter, genesis minted, protocol config), plus helpers for
//! communities, members, posters and batches.

use ale_embedded::EmbeddedRuntime;
use ale_protocol::instructions::{CommunityParams, JoinProof, PostBatchParams};
use ale_protocol::state::{
    Batch, Community, ItemTable, JoinRule, Ledger, LedgerEntry, ProtocolConfig, RequesterRecord,
};
use ale_sdk::operator::{self, Genesis};
use ale_sdk::protocol::{self as ix, JoinWith, PostBatchAccounts};
use ale_sdk::{pda, staker};
use anchor_lang::prelude::Pubkey;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::TransactionError;

pub const PROTOCOL_FEE_BPS: u16 = 250;
pub const MAX_CREATOR_FEE_BPS: u16 = 1_000;

pub struct ProtocolEnv {
    pub rt: EmbeddedRuntime,
    pub operator: Keypair,
    pub treasury: Keypair,
    /// A stablecoin-like SPL Token mint (6 decimals) and its authority.
    pub usd: Pubkey,
    pub usd_authority: Keypair,
    /// The operator's ALE account holding the genesis supply.
    pub distribution: Pubkey,
}

pub struct Poster {
    pub wallet: Keypair,
    pub token: Pubkey,
    pub mint: Pubkey,
}

impl ProtocolEnv {
    pub async fn new() -> Self {
        let mut rt = EmbeddedRuntime::start().await;
        let operator = rt.funded_wallet(100).await;
        let treasury = Keypair::new();
        let genesis = Genesis {
            protocol_fee_bps: PROTOCOL_FEE_BPS,
            max_creator_fee_bps: MAX_CREATOR_FEE_BPS,
            ..Genesis::with_treasury(treasury.pubkey())
        };
        operator::bootstrap(&mut rt, &operator, &genesis)
            .await
            .expect("bootstrap");
        let distribution = staker::ale_account(&operator.pubkey());
        let usd_authority = Keypair::new();
        let usd = rt.create_mint(&usd_authority.pubkey(), 6).await;
        Self {
            rt,
            operator,
            treasury,
            usd,
            usd_authority,
            distribution,
        }
    }

    /// An open community of yes/no items with the template's consensus defaults.
    pub fn community_params(name: &str) -> CommunityParams {
        ale_sdk::operator::template(name, "image", 2, JoinRule::Open)
    }

    pub async fn protocol_config(&mut self) -> ProtocolConfig {
        self.rt
            .anchor_account(pda::protocol_config())
            .await
            .expect("protocol config")
    }

    pub async fn community(&mut self, address: Pubkey) -> Community {
        self.rt.anchor_account(address).await.expect("community")
    }

    pub async fn batch(&mut self, address: Pubkey) -> Batch {
        self.rt.anchor_account(address).await.expect("batch")
    }

    pub async fn requester(&mut self, poster: &Pubkey) -> RequesterRecord {
        self.rt
            .anchor_account(pda::requester(poster))
            .await
            .expect("requester record")
    }

    /// The ledger's header and its entries in use.
    pub async fn ledger(&mut self, community: &Pubkey) -> (Ledger, Vec<LedgerEntry>) {
        let data = self
            .rt
            .account(pda::ledger(community))
            .await
            .expect("ledger account")
            .data;
        // The header follows the discriminator; entries follow the header.
        let header: Ledger =
            bytemuck::pod_read_unaligned(&data[8..8 + std::mem::size_of::<Ledger>()]);
        let entries = ale_sdk::views::ledger_members(&data).expect("entries");
        (header, entries.to_vec())
    }

    pub async fn create_community(
        &mut self,
        creator: &Keypair,
        params: CommunityParams,
        prerequisite: Option<Pubkey>,
    ) -> Result<Pubkey, TransactionError> {
        let id = self.protocol_config().await.community_count;
        let ix = ix::create_community(creator.pubkey(), id, params, prerequisite);
        self.rt.send(&[ix], &[creator]).await?;
        Ok(pda::community(id))
    }

    pub async fn join(
        &mut self,
        member: &Keypair,
        community: Pubkey,
        with: JoinWith,
        proof: JoinProof,
    ) -> Result<(), TransactionError> {
        let ix = ix::join_community(member.pubkey(), community, with, proof);
        self.rt.send(&[ix], &[member]).await
    }

    /// A new funded wallet that joined the open `community`.
    pub async fn member(&mut self, community: Pubkey) -> Keypair {
        let member = self.rt.funded_wallet(1).await;
        self.join(&member, community, JoinWith::Nothing, JoinProof::default())
            .await
            .expect("join");
        member
    }

    /// A client company holding `amount` of the stablecoin.
    pub async fn usd_poster(&mut self, amount: u64) -> Poster {
        let (mint, authority) = (self.usd, self.usd_authority.insecure_clone());
        self.poster_of(mint, &authority, amount).await
    }

    /// A client company holding `amount` of `mint`.
    pub async fn poster_of(&mut self, mint: Pubkey, authority: &Keypair, amount: u64) -> Poster {
        let wallet = self.rt.funded_wallet(10).await;
        let token = self.rt.create_token_account(&mint, &wallet.pubkey()).await;
        self.rt.mint_to(&mint, authority, &token, amount).await;
        Poster {
            wallet,
            token,
            mint,
        }
    }

    /// A client company paying in ALE, funded from the genesis distribution.
    pub async fn ale_poster(&mut self, amount: u64) -> Poster {
        let wallet = self.rt.funded_wallet(10).await;
        let token = self
            .rt
            .create_token_account(&pda::ale_mint(), &wallet.pubkey())
            .await;
        let operator = self.operator.insecure_clone();
        self.rt
            .token_transfer(&self.distribution, &token, &operator, amount)
            .await
            .expect("fund ALE poster");
        Poster {
            wallet,
            token,
            mint: pda::ale_mint(),
        }
    }

    pub fn batch_params(
        &self,
        batch_id: u64,
        item_count: u32,
        price: u64,
        deadline: i64,
    ) -> PostBatchParams {
        PostBatchParams {
            batch_id,
            item_count,
            items_root: [7; 32],
            price,
            deadline,
            gold_root: [0; 32],
            gold_count: 0,
            vote_budget: 0,
            target_confidence_bps: 0,
        }
    }

    /// Posts a batch of `params` (the item table sized for `table_items`); returns its
    /// address.
    pub async fn post(
        &mut self,
        poster: &Poster,
        community: Pubkey,
        params: PostBatchParams,
        table_items: u32,
    ) -> Result<Pubkey, TransactionError> {
        let table = Keypair::new();
        let lamports = self.rt.rent_for(ItemTable::space(table_items)).await;
        let token_program = self.rt.account(poster.mint).await.expect("mint").owner;
        let batch = pda::batch(&community, params.batch_id);
        let ixs = [
            ix::create_item_table(
                poster.wallet.pubkey(),
                table.pubkey(),
                table_items,
                lamports,
            ),
            ix::post_batch(
                PostBatchAccounts {
                    poster: poster.wallet.pubkey(),
                    community,
                    item_table: table.pubkey(),
                    mint: poster.mint,
                    poster_token: poster.token,
                    token_program,
                },
                params,
            ),
        ];
        self.rt.send(&ixs, &[&poster.wallet, &table]).await?;
        Ok(batch)
    }

    /// Posts a batch with the community's next id and a deadline a day away.
    pub async fn post_simple(
        &mut self,
        poster: &Poster,
        community: Pubkey,
        item_count: u32,
        price: u64,
    ) -> Result<Pubkey, TransactionError> {
        let id = self.community(community).await.batch_count;
        let deadline = self.rt.now().await + 86_400;
        let params = self.batch_params(id, item_count, price, deadline);
        self.post(poster, community, params, item_count).await
    }

    /// The operator vets `mint` (a 1:1 conversion rate): its freeze authority is then
    /// accepted, and it may take a community's reserved mint slots.
    pub async fn vet_mint(&mut self, mint: Pubkey) {
        let operator = self.operator.insecure_clone();
        let rate = ale_protocol::state::ConversionRate {
            mint,
            ale_numerator: 1,
            denominator: 1,
        };
        self.rt
            .send(
                &[ix::set_conversion_rate(operator.pubkey(), rate)],
                &[&operator],
            )
            .await
            .expect("set conversion rate");
    }

    /// deposited = credited + fees + refunds + left in escrow, against the vault.
    pub async fn assert_escrow_conserved(&mut self, batch: Pubkey) {
        let b = self.batch(batch).await;
        let vault = self.rt.token_balance(b.vault).await;
        assert_eq!(
            b.deposited as u128,
            b.credited as u128 + b.fees_paid as u128 + b.refunded as u128 + vault as u128,
            "escrow conservation of {batch}"
        );
    }
}
