//! The widget's digit grouping against Google's libphonenumber: 1,700
//! numbers of every dialing plan callme knows, written internationally by
//! the pinned Python port `phonenumbers` (`numbers/reference/grouping.py`
//! made `data/grouping.jsonl`). Where callme groups, it groups as
//! libphonenumber does; where it does not know, it keeps the national
//! number whole, never splitting it where libphonenumber would not.

use callme_shared::{PhoneNumber, grouped};

struct Line {
    e164: String,
    region: String,
    international: String,
}

fn lines() -> Vec<Line> {
    include_str!("data/grouping.jsonl")
        .lines()
        .map(|line| {
            let json: serde_json::Value = serde_json::from_str(line).unwrap();
            let field = |name: &str| json[name].as_str().unwrap().to_owned();
            Line {
                e164: field("e164"),
                region: field("region"),
                international: field("international"),
            }
        })
        .collect()
}

/// Where the separators are (by digit count before them), and which.
fn separators(text: &str) -> Vec<(usize, char)> {
    let mut digits = 0;
    let mut out = Vec::new();
    for c in text.chars() {
        match c {
            '0'..='9' => digits += 1,
            '+' => {}
            other => out.push((digits, other)),
        }
    }
    out
}

#[test]
fn grouping_agrees_with_libphonenumber_or_leaves_the_national_number_whole() {
    let lines = lines();
    assert!(lines.len() > 1_500, "{}", lines.len());
    let mut exact = 0;
    let mut wrong = Vec::new();
    for line in &lines {
        let ours = grouped(&PhoneNumber::parse(&line.e164).unwrap());
        let digits: String = ours.chars().filter(char::is_ascii_digit).collect();
        assert_eq!(format!("+{digits}"), line.e164, "{ours}: digits changed");
        if ours == line.international {
            exact += 1;
            continue;
        }
        // Not grouped: the calling code, one space, the national number.
        let theirs = separators(&line.international);
        if separators(&ours) != theirs[..1] {
            wrong.push(format!(
                "{} {}: ours {ours:?}, libphonenumber {:?}",
                line.region, line.e164, line.international
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    println!(
        "{exact} of {} numbers grouped exactly as libphonenumber does",
        lines.len()
    );
    // The rules do group: most numbers come out exactly as libphonenumber writes them.
    assert!(
        exact * 10 >= lines.len() * 7,
        "{exact} of {} exact",
        lines.len()
    );
}

#[test]
fn every_plans_mobile_examples_are_grouped_exactly() {
    for (e164, international) in [
        ("+31612345678", "+31 6 12345678"),
        ("+32470123456", "+32 470 12 34 56"),
        ("+33612345678", "+33 6 12 34 56 78"),
        ("+447400123456", "+44 7400 123456"),
        ("+41781234567", "+41 78 123 45 67"),
        ("+34612345678", "+34 612 34 56 78"),
        ("+4915123456789", "+49 1512 3456789"),
        ("+436641234567", "+43 664 1234567"),
        ("+353850123456", "+353 85 012 3456"),
        ("+12015550123", "+1 201-555-0123"),
    ] {
        assert_eq!(grouped(&PhoneNumber::parse(e164).unwrap()), international);
        assert!(
            lines()
                .iter()
                .all(|l| l.e164 != e164 || l.international == international),
            "{e164}: the fixture disagrees"
        );
    }
}
