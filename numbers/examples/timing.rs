//! Prints how long the number checks take natively: parsing every pattern
//! of the metadata, and classifying a few numbers cold and warm.
use std::time::Instant;

fn main() {
    for number in [
        "+447400123456",
        "+12015550123",
        "+31612345678",
        "+4915123456789",
        "+5491123456789",
    ] {
        let started = Instant::now();
        let parsed = callme_numbers::parse(number).unwrap();
        let verdict = parsed.classify();
        let cold = started.elapsed();
        let started = Instant::now();
        for _ in 0..100 {
            let parsed = callme_numbers::parse(number).unwrap();
            std::hint::black_box(parsed.classify());
        }
        println!(
            "{number}: {verdict:?} cold {:?} warm {:?}",
            cold,
            started.elapsed() / 100
        );
    }
    let started = Instant::now();
    let mut count = 0;
    for region in callme_numbers::metadata::all_regions() {
        for desc in std::iter::once(&region.general).chain(region.types.iter().flatten()) {
            callme_numbers::pattern::Pattern::parse(desc.pattern).unwrap();
            count += 1;
        }
    }
    println!("parsing all {count} patterns: {:?}", started.elapsed());
}
