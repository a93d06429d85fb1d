//! ale-protocol: communities, reputation ledgers, task batches with escrow, validation
//! pools, settlement and claims. Depends on ale-staking (CPI through its reporter PDA),
//! never the reverse. Its instructions arrive with the protocol issues; until then the
//! program is deployed empty so that ids, the workspace and the runtime are in place.

use anchor_lang::prelude::*;

declare_id!("2Qv6kZnQBjav2g3QcpyWe5gdijkoXdtpKcTJNo3s5Jz5");

#[program]
pub mod ale_protocol {}
