//! The `ale` binary end to end: every actor runs as a separate process with its own
//! keypair file. A worker's commit and reveal happen in different processes, so the
//! saved ballot is all that carries the salt across. The same sequence runs on a
//! persistent embedded ledger (its clock warped) and, from
//! tools/validator/rpc-check.sh, on a local validator in real time, which it also
//! stops in the middle and lets run on.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod support;
use support::Validator;

struct Cli {
    dir: PathBuf,
    validator: Option<Validator>,
}

impl Cli {
    fn new(validator: Option<Validator>) -> Self {
        let dir = std::env::temp_dir().join(format!("ale-cli-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self { dir, validator }
    }

    fn run(&self, wallet: &str, args: &[&str]) -> Result<String, String> {
        let out = Command::new(env!("CARGO_BIN_EXE_ale"))
            .current_dir(&self.dir)
            .env("RUST_LOG", "error")
            .env_remove("RUST_BACKTRACE")
            .args(["--keypair", &format!("{wallet}.json"), "--json"])
            .args(
                self.validator
                    .iter()
                    .flat_map(|v| ["--url", v.url.as_str()]),
            )
            .args(args)
            .output()
            .expect("run ale");
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    fn ok(&self, wallet: &str, args: &[&str]) -> Value {
        let out = self
            .run(wallet, args)
            .unwrap_or_else(|e| panic!("ale {args:?} failed: {e}"));
        // Anchor's native logs may precede the JSON on stdout: parse from the first
        // line that starts a JSON value.
        let start = out
            .lines()
            .position(|l| {
                l.starts_with(['{', '[', '"'])
                    || l.parse::<f64>().is_ok()
                    || l == "true"
                    || l == "false"
            })
            .unwrap_or_else(|| panic!("no JSON in {out}"));
        let json: Vec<&str> = out.lines().skip(start).collect();
        serde_json::from_str(&json.join("\n")).unwrap_or_else(|e| panic!("{e}: {out}"))
    }

    fn wallet(&self, name: &str) -> String {
        let address = self.ok(name, &["wallet", "new", "--out", &format!("{name}.json")]);
        self.ok(name, &["wallet", "airdrop", "--sol", "5"]);
        address.as_str().expect("address").to_string()
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.join(p)
    }

    /// `args` again until `done` holds of its output: on a validator the clock is
    /// waited for (up to five minutes), where the embedded one is warped.
    fn ok_once(&self, wallet: &str, args: &[&str], done: impl Fn(&Value) -> bool) -> Value {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
        loop {
            let out = self.ok(wallet, args);
            if done(&out) || std::time::Instant::now() > deadline {
                return out;
            }
            std::thread::sleep(std::time::Duration::from_secs(3));
        }
    }

    /// Past the current window: warped on the embedded ledger; on a validator, the
    /// commands that follow wait for it themselves.
    fn past_window(&self) {
        if self.validator.is_none() {
            self.ok("w1", &["wallet", "warp", "3600"]);
        }
    }
}

fn text(v: &Value) -> &str {
    v.as_str().expect("a string")
}

#[test]
fn every_actor_through_the_cli_on_a_persistent_embedded_ledger() {
    every_actor(&Cli::new(None));
}

#[test]
#[ignore = "needs a local validator with ALE deployed: tools/validator/rpc-check.sh runs it"]
fn every_actor_through_the_cli_on_a_local_validator() {
    let cli = Cli::new(Some(Validator::from_env()));
    // The operator is the one who deployed: genesis ALE is in its account.
    let deployer = std::env::var("ALE_OPERATOR_KEYPAIR").expect("ALE_OPERATOR_KEYPAIR");
    std::fs::copy(deployer, cli.path("operator.json")).expect("operator keypair");
    every_actor(&cli);
}

fn every_actor(cli: &Cli) {
    let on_validator = cli.validator.is_some();
    if on_validator {
        cli.ok("operator", &["wallet", "airdrop", "--sol", "5"]);
    } else {
        cli.wallet("operator");
    }
    for name in ["treasury", "creator", "poster", "w1", "w2", "w3"] {
        cli.wallet(name);
    }
    let treasury = text(&cli.ok("treasury", &["wallet", "address"])).to_string();

    // Operator: a treasury that is the operator's own wallet is refused (its genesis
    // communities could never settle), before anything is sent.
    let operator = text(&cli.ok("operator", &["wallet", "address"])).to_string();
    let refused = cli
        .run("operator", &["operator", "init", "--treasury", &operator])
        .unwrap_err();
    assert!(refused.contains("must not be the operator"), "{refused}");

    // Operator: idempotent initialiser with the genesis communities.
    let communities = cli.ok("operator", &["operator", "init", "--treasury", &treasury]);
    let names: Vec<&str> = communities
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c[0].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "Bot-or-Not",
            "Image Recognition",
            "Client: Acme Vision",
            "RLHF"
        ]
    );
    let again = cli.ok("operator", &["operator", "init", "--treasury", &treasury]);
    assert_eq!(again, communities, "a second init changes nothing");

    // Creator and a stablecoin. A validator's ledger outlives one run: the community's
    // name is this run's.
    let cats = format!("Cats {}", std::process::id());
    let cats = cats.as_str();
    let window = if on_validator { "60s" } else { "1h" };
    cli.ok(
        "creator",
        &[
            "creator",
            "create-community",
            "--name",
            cats,
            "--skill",
            "image",
            "--window",
            window,
        ],
    );
    let mint = text(&cli.ok("operator", &["wallet", "create-mint", "--decimals", "6"])).to_string();
    let poster = text(&cli.ok("poster", &["wallet", "address"])).to_string();
    cli.ok(
        "operator",
        &[
            "wallet", "mint-to", "--mint", &mint, "--to", &poster, "--amount", "1000000",
        ],
    );

    // Image Recognition asks for reputation in Bot-or-Not: a newcomer is refused by name.
    let refused = cli
        .run("w1", &["worker", "join", "Image Recognition"])
        .unwrap_err();
    assert!(
        refused.contains("not a member of the prerequisite"),
        "{refused}"
    );

    // A wallet with no SOL is told so by name, before anything lands.
    if on_validator {
        cli.ok("pauper", &["wallet", "new", "--out", "pauper.json"]);
        let refused = cli.run("pauper", &["worker", "join", cats]).unwrap_err();
        assert!(refused.contains("has no SOL"), "{refused}");
    }
    for w in ["w1", "w2", "w3"] {
        cli.ok(w, &["worker", "join", cats]);
    }
    std::fs::write(cli.path("items.txt"), "img-1\nimg-2\nimg-3\nimg-4\n").expect("items");
    let batch = text(&cli.ok(
        "poster",
        &[
            "poster",
            "post",
            "--community",
            cats,
            "--items",
            "items.txt",
            "--mint",
            &mint,
            "--price",
            "1000",
            "--duration",
            if on_validator { "180s" } else { "12h" },
        ],
    ))
    .to_string();
    assert_eq!(
        cli.ok("poster", &["wallet", "balance", "--mint", &mint]),
        996_000
    );

    // Workers label: img-1 and img-3 are cats (1); all three agree, which the
    // template's early-stop margin decides in the first round. w1's take draws the
    // round's sortition seed, then it commits; w2 and w3 read their assignment first
    // and take with their labels, committed in the same transaction.
    let cat =
        |i: &serde_json::Value| (i.as_u64().expect("index").is_multiple_of(2) as u8).to_string();
    let items = cli.ok("w1", &["worker", "take", &batch]);
    let labels: Vec<String> = items.as_array().expect("items").iter().map(cat).collect();
    cli.ok(
        "w1",
        &["worker", "commit", &batch, "--labels", &labels.join(",")],
    );
    for w in ["w2", "w3"] {
        let items = cli.ok(w, &["worker", "assignment", &batch]);
        let labels: Vec<String> = items.as_array().expect("items").iter().map(cat).collect();
        let taken = cli.ok(
            w,
            &["worker", "take", &batch, "--labels", &labels.join(",")],
        );
        assert_eq!(taken, items, "{w} took the items it labelled");
    }
    // Too early to reveal: the ballot stays saved.
    assert_eq!(cli.ok("w1", &["worker", "reveal"]), 0);
    let ballots = std::fs::read_dir(cli.path(".ale/ballots"))
        .expect("ballots")
        .count();
    assert_eq!(ballots, 3);

    // The cluster goes away: a worker is told so at once, and its ballot stays.
    if let Some(validator) = &cli.validator {
        validator.pause();
        let down = cli.run("w1", &["worker", "reveal"]).unwrap_err();
        assert!(down.contains("no Solana RPC at"), "{down}");
        let kept = std::fs::read_dir(cli.path(".ale/ballots"))
            .expect("ballots")
            .count();
        assert_eq!(kept, 3, "every ballot and salt kept");
        validator.resume();
    }
    cli.past_window();
    for w in ["w1", "w2", "w3"] {
        assert_eq!(
            cli.ok_once(w, &["worker", "reveal"], |n| n != 0),
            1,
            "{w} reveals from its saved ballot"
        );
    }
    cli.past_window();
    // The keeper, like the worker, reports a cluster that is down and does its work
    // once it is back.
    if let Some(validator) = &cli.validator {
        validator.pause();
        let down = cli.run("operator", &["keeper", "--once"]).unwrap_err();
        assert!(down.contains("no Solana RPC at"), "{down}");
        validator.resume();
    }
    let report = cli.ok_once("operator", &["keeper", "--once"], |r| {
        r["rounds_settled"] != 0
    });
    assert_eq!(report["rounds_settled"], 1);
    assert_eq!(report["failed"], 0);

    let progress = cli.ok("poster", &["poster", "progress", &batch]);
    assert_eq!(progress["decided"], 4);
    let labels = cli.ok(
        "poster",
        &[
            "poster",
            "export",
            &batch,
            "--items",
            "items.txt",
            "--out",
            "labels",
        ],
    );
    let decided: Vec<(&str, u64)> = labels
        .as_array()
        .expect("labels")
        .iter()
        .map(|l| {
            (
                l["item"].as_str().expect("item"),
                l["label"].as_u64().expect("label"),
            )
        })
        .collect();
    assert_eq!(
        decided,
        [("img-1", 1), ("img-2", 0), ("img-3", 1), ("img-4", 0)]
    );
    assert!(Path::new(&cli.path("labels/labels.csv")).exists());
    assert!(Path::new(&cli.path("labels/labels.jsonl")).exists());

    // Workers claim their pay once; a second claim is refused by name.
    let paid = cli
        .ok("w1", &["worker", "claim", cats, "--mint", &mint])
        .as_u64()
        .expect("amount");
    assert!(paid > 0);
    let nothing = cli
        .run("w1", &["worker", "claim", cats, "--mint", &mint])
        .unwrap_err();
    assert!(nothing.contains("NothingToClaim"), "{nothing}");
    let board = cli.ok("w1", &["leaderboard", cats]);
    assert_eq!(board.as_array().expect("rows").len(), 3, "members only");
    assert_eq!(board[0]["tasks_won"], 4);

    // A vote budget: 3.5 votes an item over 4 items (14 votes) escrowed at 100 a vote;
    // a target confidence outside (0.5, 1) is refused before anything is sent.
    let balance = |cli: &Cli| {
        cli.ok("poster", &["wallet", "balance", "--mint", &mint])
            .as_u64()
            .expect("balance")
    };
    let before = balance(cli);
    let budget_post = |target: &'static str| {
        let mut args: Vec<&str> = vec![
            "poster",
            "post",
            "--community",
            cats,
            "--items",
            "items.txt",
            "--mint",
            mint.as_str(),
            "--price",
            "100",
            "--votes-per-item",
            "3.5",
            "--target-confidence",
        ];
        args.push(target);
        args
    };
    let refused = cli.run("poster", &budget_post("1.5")).unwrap_err();
    assert!(refused.contains("above 0.5 and below 1"), "{refused}");
    let budgeted = text(&cli.ok("poster", &budget_post("0.99"))).to_string();
    assert_eq!(before - balance(cli), 14 * 100);
    let progress = cli.ok("poster", &["poster", "progress", &budgeted]);
    assert_eq!(progress["vote_budget"], 14);

    // A staker: genesis went to the operator's ALE account (a validator's operator
    // may have staked in an earlier run: the changes are what counts).
    let before = cli.ok("operator", &["staker", "show"]);
    let view = cli.ok("operator", &["staker", "stake", "1000000000000"]);
    assert_eq!(
        view["active"].as_u64().unwrap() - before["active"].as_u64().unwrap(),
        1_000_000_000_000u64
    );
    let view = cli.ok("operator", &["staker", "unstake", "400000000000"]);
    assert_eq!(
        view["cooling"].as_u64().unwrap() - before["cooling"].as_u64().unwrap(),
        400_000_000_000u64
    );
    let early = cli.run("operator", &["staker", "withdraw"]).unwrap_err();
    assert!(early.contains("CooldownNotElapsed"), "{early}");

    // RPC is chosen by URL; a malformed one is refused before anything is sent.
    let bad = cli
        .run("operator", &["--url", "devnet", "staker", "show"])
        .unwrap_err();
    assert!(bad.contains("embedded:PATH or an http(s) RPC URL"), "{bad}");
    // An http URL where no cluster answers: one message, at once.
    let nobody = cli
        .run(
            "operator",
            &["--url", "http://127.0.0.1:9", "staker", "show"],
        )
        .unwrap_err();
    assert!(
        nobody.contains("no Solana RPC at http://127.0.0.1:9"),
        "{nobody}"
    );
    let _ = std::fs::remove_dir_all(&cli.dir);
}
