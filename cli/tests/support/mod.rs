//! A local validator (tools/validator/start.sh) a test may stop and let run on.

use std::path::PathBuf;
use std::process::Command;

pub struct Validator {
    pub url: String,
    pub ledger: PathBuf,
}

impl Validator {
    /// The validator tools/validator/rpc-check.sh started: its ledger directory in
    /// ALE_VALIDATOR_LEDGER, its URL in ALE_VALIDATOR_URL (default the local one).
    pub fn from_env() -> Self {
        let ledger = std::env::var("ALE_VALIDATOR_LEDGER")
            .expect("ALE_VALIDATOR_LEDGER: the ledger directory of a running validator");
        Self {
            url: std::env::var("ALE_VALIDATOR_URL").unwrap_or("http://127.0.0.1:8899".into()),
            ledger: PathBuf::from(ledger),
        }
    }

    fn signal(&self, signal: &str) {
        let pidfile = format!("{}.pid", self.ledger.display());
        let pid = std::fs::read_to_string(&pidfile).expect("the validator's pid file");
        let status = Command::new("kill")
            .args([signal, pid.trim()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill {signal} {pid}");
    }

    /// Stops the validator where it stands (SIGSTOP): it answers nothing, its clock and
    /// slots stand still. Not a stop and restart on its ledger: solana-test-validator
    /// 3.1.12 resumes a ledger from its last snapshot, losing later slots (and, its
    /// tower having voted past them, it suspends voting), so the cluster would lose
    /// landed transactions, which no real cluster does.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Lets it run on (SIGCONT).
    pub fn resume(&self) {
        self.signal("-CONT");
    }
}
