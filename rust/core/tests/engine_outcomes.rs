//! Every input gets exactly one outcome, whatever happens to it, and the outcome is the one its
//! answers call for.

mod common;

use common::*;
use std::collections::HashMap;

#[test]
fn five_hundred_mixed_inputs_get_exactly_one_outcome_each() {
    let harness = Harness::new(mixed_script);
    let inputs = mixed_inputs();
    let job = harness.start(options(16, false));

    let outcomes = run(&job, &inputs);

    assert_eq!(outcomes.len(), inputs.len(), "one outcome per input, none lost, none extra");
    let outcomes = by_tag(outcomes); // fails on a duplicate tag
    for (i, input) in inputs.iter().enumerate() {
        let outcome = outcomes.get(&(i as u64)).unwrap_or_else(|| panic!("no outcome for tag {i} ({input})"));
        assert_eq!(&outcome.input, input, "tag {i} carries its own input");
        assert_eq!(summary(outcome), mixed_expected(i), "{input}: {outcome:?}");
    }
    // The server saw each valid user exactly as often as its outcome says it was attempted.
    let mut sent: HashMap<String, u32> = HashMap::new();
    for call in harness.graph.calls() {
        *sent.entry(call.resource).or_default() += 1;
    }
    for outcome in outcomes.values().filter(|o| o.attempts > 0) {
        assert_eq!(sent.get(&resource(&outcome.input)).copied(), Some(outcome.attempts), "{}", outcome.input);
    }
    let progress = job.progress();
    let failed = outcomes.values().filter(|o| o.result.is_err()).count() as u64;
    assert_eq!(progress.submitted, 500);
    assert_eq!(progress.succeeded + progress.failed, 500);
    assert_eq!(progress.failed, failed);
}
