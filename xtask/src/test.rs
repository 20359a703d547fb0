//! `cargo xtask test`: setup, then every check and suite, then a one-screen
//! summary. A failing step does not stop the others, so one run shows
//! everything that is wrong; the exit status is failure if any step failed.

use std::process::Command;
use std::time::Instant;

use crate::cmd::{self, Outcome};
use crate::{build, setup, tools};

/// Tests passed and failed.
type Counts = (u64, u64);

/// Why a step failed, with the tests it counted before it did (so a failed
/// suite's failures reach the summary's total).
struct Failure {
    message: String,
    counts: Option<Counts>,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self {
            message,
            counts: None,
        }
    }
}

/// What a step gives: the tests it counted, if it runs tests.
type StepOutcome = Result<Option<Counts>, Failure>;

/// One step's outcome for the summary.
struct Report {
    name: &'static str,
    ok: bool,
    seconds: f64,
    /// Tests passed and failed, for steps that run tests.
    counts: Option<(u64, u64)>,
}

/// Runs everything (setup first, unless skipped for a quick local loop).
pub fn run(skip_setup: bool) -> Outcome {
    if !skip_setup {
        setup::run()?;
    }
    let root = tools::root();
    let mut reports = Vec::new();
    let mut step = |name: &'static str, action: &mut dyn FnMut() -> StepOutcome| {
        println!("\n== {name}");
        let started = Instant::now();
        let result = action();
        let (ok, counts) = match result {
            Ok(counts) => (true, counts),
            Err(failure) => {
                eprintln!("{name}: {}", failure.message);
                (false, failure.counts)
            }
        };
        reports.push(Report {
            name,
            ok,
            seconds: started.elapsed().as_secs_f64(),
            counts,
        });
    };

    step("formatting (cargo fmt --check)", &mut || {
        cmd::run(cmd::cargo(&root).args(["fmt", "--all", "--", "--check"]))?;
        Ok(None)
    });
    step("lints (cargo clippy -D warnings)", &mut || {
        cmd::run(cmd::cargo(&root).args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
        Ok(None)
    });
    step("lints for wasm32 (edge glue, widget)", &mut || {
        cmd::run(cmd::cargo(&root).args([
            "clippy",
            "--package",
            "callme-edge",
            "--package",
            "callme-widget",
            "--features",
            "callme-widget/button,callme-widget/history,callme-widget/tables",
            "--target",
            tools::WASM_TARGET,
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
        Ok(None)
    });
    step("shared builds for wasm32", &mut || {
        build::shared_for_wasm()?;
        Ok(None)
    });
    step("unit and integration tests (cargo test)", &mut || {
        let (ok, output) =
            cmd::run_teed(cmd::cargo(&root).args(["test", "--workspace", "--no-fail-fast"]))?;
        verdict(ok, cargo_test_counts(&output))
    });

    step(
        "phone numbers against Google's libphonenumber (differential)",
        &mut || {
            // Two checks: the committed tables are what the pinned metadata
            // gives, and the edge agrees with libphonenumber on every number.
            crate::numbers::check_fresh()?;
            crate::numbers::differential()?;
            Ok(Some((2, 0)))
        },
    );
    step(
        "widget components in Chromium (wasm-bindgen-test)",
        &mut || {
            let mut test = cmd::cargo(&root);
            test.args([
                "test",
                "--package",
                "callme-widget",
                "--target",
                tools::WASM_TARGET,
                "--features",
                "button,history,tables",
                "--test",
                "web",
                "--test",
                "wire",
            ])
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                tools::WASM_BINDGEN
                    .install_root()
                    .join("bin/wasm-bindgen-test-runner"),
            )
            .env("CHROMEDRIVER", crate::platform::chromedriver()?);
            let (ok, output) = cmd::run_teed(&mut test)?;
            verdict(ok, cargo_test_counts(&output))
        },
    );
    step(
        "host-page types (tsc --noEmit on an example of every event and method)",
        &mut || {
            // The example also holds `@ts-expect-error` lines: types too
            // loose to catch those mistakes fail the check.
            cmd::run(
                Command::new(tools::node22())
                    .current_dir(&root)
                    .arg("node_modules/typescript/bin/tsc")
                    .args(["--project", "widget/types"]),
            )?;
            Ok(Some((1, 0)))
        },
    );
    step("widget bundles and edge worker build", &mut || {
        build::widget()?;
        build::edge()?;
        build::sandbox()?;
        Ok(None)
    });
    step(
        "production upload (wrangler deploy --dry-run --env production)",
        &mut || {
            // What a site owner's deploy would publish: the widget's files
            // and the worker, no demo page, no local secret, every binding.
            let checks = crate::production::check_dry_run()?;
            Ok(Some((checks, 0)))
        },
    );
    // The fuzzers need the CPU for 30 s per target; the Node suites mostly
    // wait (for booked slots, for calls). So the fuzzers run beside them at
    // the lowest CPU priority, which leaves the tests every cycle they ask
    // for (their timing assertions hold), and take what is left.
    let targets: Vec<String> = crate::fuzz::TARGETS
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
    let mut fuzzing = Some(std::thread::spawn(move || {
        let at_once = targets.len();
        crate::fuzz::run_targets(&targets, 30, at_once, crate::fuzz::Priority::Background)
    }));
    step(
        "edge in workerd and widget end to end in Chromium (node --test, 4 files at a time)",
        &mut || node_suites(&root),
    );
    step(
        "fuzzing (libFuzzer, 30 s per target, beside the Node suites at low priority)",
        &mut || {
            let runs = fuzzing
                .take()
                .ok_or_else(|| "fuzzing was not started".to_owned())?
                .join()
                .map_err(|_| "the fuzzing thread panicked".to_owned())??;
            for (target, executions) in &runs {
                println!("fuzz: {target}: {executions} executions, no crash");
            }
            // One test per target: it ran, and found no crash.
            let ran = runs
                .iter()
                .filter(|(_, executions)| *executions > 0)
                .count();
            if ran == runs.len() {
                Ok(Some((u64::try_from(ran).unwrap_or(0), 0)))
            } else {
                Err(Failure::from("a fuzz target ran no input".to_owned()))
            }
        },
    );

    print_summary(&reports);
    if reports.iter().all(|r| r.ok) {
        Ok(())
    } else {
        Err("some steps failed (see the summary above)".into())
    }
}

/// Sums `test result: ok. N passed; M failed; ...` lines.
fn cargo_test_counts(output: &str) -> (u64, u64) {
    let number_before = |line: &str, word: &str| -> u64 {
        line.split(';')
            .find_map(|part| part.trim().strip_suffix(word))
            .and_then(|n| n.trim().rsplit(' ').next()?.parse().ok())
            .unwrap_or(0)
    };
    output
        .lines()
        .filter(|line| line.starts_with("test result:"))
        .fold((0, 0), |(passed, failed), line| {
            (
                passed + number_before(line, " passed"),
                failed + number_before(line, " failed"),
            )
        })
}

/// The folders of Node test files (`*.test.mjs`): the edge in workerd,
/// the widget end to end in Chromium.
const NODE_SUITES: [&str; 2] = ["edge/tests", "widget/tests"];

/// Files that mostly wait (for a booked slot to come, the Scheduler's
/// retries, a call to end), started first so the rest runs meanwhile.
const LONGEST_FIRST: [&str; 4] = [
    "edge/tests/booking.test.mjs",
    "widget/tests/host-api.test.mjs",
    "widget/tests/a11y.test.mjs",
    "widget/tests/e2e.test.mjs",
];

/// Files run at once. Each file starts its own sandbox, workerd and
/// browser on ports of its own, so files share nothing; most of their time
/// is waiting on the clock, so four at a time take less than half of one
/// at a time (100 s against 240 s on two cores).
const NODE_FILES_AT_ONCE: &str = "4";

/// Runs Node's test runner (Node 22) on every file of [`NODE_SUITES`],
/// [`NODE_FILES_AT_ONCE`] at a time, and reads its counts.
fn node_suites(root: &std::path::Path) -> StepOutcome {
    let files = node_test_files(root)?;
    let mut node = std::process::Command::new(tools::node22());
    node.current_dir(root)
        .env("CHROME_PATH", crate::platform::chromium()?)
        // The README's PyJWT example runs in edge/tests/examples.test.mjs.
        .env(
            crate::examples::PYTHON_ENV,
            crate::examples::pyjwt_python()?,
        )
        .arg("--test")
        .arg(format!("--test-concurrency={NODE_FILES_AT_ONCE}"))
        .arg("--test-reporter=tap")
        .args(files);
    let (ok, output) = cmd::run_teed(&mut node)?;
    verdict(ok, node_test_counts(&output))
}

/// Every test file of [`NODE_SUITES`], [`LONGEST_FIRST`] first, the rest
/// by name.
fn node_test_files(root: &std::path::Path) -> Result<Vec<String>, String> {
    let mut files = Vec::new();
    for suite in NODE_SUITES {
        let dir = root.join(suite);
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let name = entry.map_err(|e| e.to_string())?.file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".test.mjs") {
                files.push(format!("{suite}/{name}"));
            }
        }
    }
    Ok(in_run_order(files))
}

/// [`LONGEST_FIRST`] (those present) first, then the others by name.
fn in_run_order(mut files: Vec<String>) -> Vec<String> {
    files.sort();
    files.sort_by_key(|file| {
        LONGEST_FIRST
            .iter()
            .position(|first| first == file)
            .unwrap_or(LONGEST_FIRST.len())
    });
    files
}

/// A suite passes when its runner succeeded and it ran at least one test;
/// either way its counts go to the summary (a runner that failed without
/// a failed test counts one, so the total never says "0 failed").
fn verdict(ok: bool, (passed, failed): Counts) -> StepOutcome {
    if ok && passed > 0 {
        Ok(Some((passed, failed)))
    } else {
        Err(Failure {
            message: format!("{failed} failed, {passed} passed"),
            counts: Some((passed, failed.max(1))),
        })
    }
}

/// Reads `# pass N` and `# fail M` from node's TAP summary.
fn node_test_counts(output: &str) -> (u64, u64) {
    let count = |prefix: &str| {
        output
            .lines()
            .filter_map(|line| line.strip_prefix(prefix)?.trim().parse::<u64>().ok())
            .next_back()
            .unwrap_or(0)
    };
    (count("# pass "), count("# fail "))
}

fn print_summary(reports: &[Report]) {
    println!("\n== summary");
    for report in reports {
        let counts = report
            .counts
            .map(|(passed, failed)| format!("  {passed} passed, {failed} failed"))
            .unwrap_or_default();
        println!(
            "{:4}  {:<58} {:>6.1} s{counts}",
            if report.ok { "ok" } else { "FAIL" },
            report.name,
            report.seconds
        );
    }
    let (passed, failed) = reports
        .iter()
        .filter_map(|r| r.counts)
        .fold((0, 0), |(p, f), (rp, rf)| (p + rp, f + rf));
    let failed_steps = reports.iter().filter(|r| !r.ok).count();
    println!(
        "steps: {} ok, {failed_steps} failed",
        reports.len() - failed_steps
    );
    println!("{passed} passed, {failed} failed");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_counts_are_summed_over_every_result_line() {
        let output = "\
test result: ok. 93 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.41s
running 0 tests
test result: FAILED. 13 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.66s
";
        assert_eq!(cargo_test_counts(output), (106, 2));
    }

    #[test]
    fn the_waiting_files_run_first_and_the_rest_by_name() {
        let files = [
            "widget/tests/e2e.test.mjs",
            "edge/tests/api.test.mjs",
            "edge/tests/booking.test.mjs",
            "edge/tests/abuse.test.mjs",
            "widget/tests/host-api.test.mjs",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            in_run_order(files),
            [
                "edge/tests/booking.test.mjs",
                "widget/tests/host-api.test.mjs",
                "widget/tests/e2e.test.mjs",
                "edge/tests/abuse.test.mjs",
                "edge/tests/api.test.mjs",
            ]
        );
    }

    #[test]
    fn every_test_file_of_both_suites_is_run() {
        let files = node_test_files(&tools::root()).unwrap();
        assert!(files.contains(&"edge/tests/hostile.test.mjs".to_owned()));
        assert!(files.contains(&"widget/tests/a11y.test.mjs".to_owned()));
        assert!(!files.iter().any(|f| f.ends_with("support.mjs")));
        for first in LONGEST_FIRST {
            assert!(files.contains(&first.to_owned()), "{first} is gone");
        }
    }

    #[test]
    fn node_counts_come_from_the_tap_summary() {
        let output = "ok 1 - a\n# tests 27\n# pass 26\n# fail 1\n# cancelled 0\n";
        assert_eq!(node_test_counts(output), (26, 1));
    }

    #[test]
    fn no_result_lines_count_nothing() {
        assert_eq!(cargo_test_counts("error: could not compile"), (0, 0));
    }

    #[test]
    fn a_failed_suite_keeps_its_counts_for_the_total() {
        let failure = verdict(false, (12, 2)).unwrap_err();
        assert_eq!(failure.counts, Some((12, 2)));
        // A runner that died without a failed test still counts one.
        assert_eq!(verdict(false, (0, 0)).unwrap_err().counts, Some((0, 1)));
        assert_eq!(verdict(true, (5, 0)).ok().flatten(), Some((5, 0)));
        assert!(
            verdict(true, (0, 0)).is_err(),
            "a suite that ran nothing fails"
        );
    }
}
