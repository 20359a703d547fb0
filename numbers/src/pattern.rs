//! A small backtracking regular-expression engine for libphonenumber's
//! patterns, which only ever run over ASCII digit strings.
//!
//! Why not the `regex` crate: the metadata's 1,400 patterns would have to be
//! compiled before first use (the start-up bill this crate exists to avoid),
//! and a general engine adds hundreds of kilobytes to the worker. The
//! metadata uses a tiny dialect: digits, `\d`, classes of digits (`[2-9]`),
//! groups (`(...)`, `(?:...)`), alternation, the quantifiers `?`, `*`, `+`,
//! `{n}`, `{n,}`, `{n,m}`, and `$`. Patterns are parsed on first use
//! (microseconds) and kept per isolate.
//!
//! Semantics are those of Java's and Python's engines (leftmost-first,
//! greedy, backtracking), so captures in the national-prefix rules come out
//! as libphonenumber's do; a full match is tried until the input is used up.
//! Inputs are at most a few dozen digits, so backtracking stays cheap.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// A pattern the engine does not understand (never the case for the
/// generated metadata: a test compiles every pattern in it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported pattern syntax at byte {at} of {pattern:?}")]
pub struct PatternError {
    /// The pattern.
    pub pattern: String,
    /// Where parsing stopped.
    pub at: usize,
}

/// One element of a pattern.
#[derive(Debug)]
enum Node {
    /// One digit out of a set (bit `d` for digit `d`).
    Digit(u16),
    /// `$`: the end of the input.
    End,
    /// A group: alternatives, each a sequence; `capture` numbers it from 0.
    Group {
        capture: Option<usize>,
        alternatives: Vec<Vec<Node>>,
    },
    /// A greedy quantifier.
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

/// A parsed pattern.
#[derive(Debug)]
pub struct Pattern {
    root: Node,
    groups: usize,
}

/// The result of a successful prefix match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Where the match ended.
    pub end: usize,
    /// Each capture group's span, `None` where it did not take part.
    pub groups: Vec<Option<(usize, usize)>>,
}

impl Pattern {
    /// Parses a pattern.
    ///
    /// # Errors
    /// [`PatternError`] for syntax outside the dialect above.
    pub fn parse(pattern: &str) -> Result<Self, PatternError> {
        if pattern.len() > MAX_PATTERN_BYTES {
            return Err(PatternError {
                pattern: String::new(),
                at: MAX_PATTERN_BYTES,
            });
        }
        let mut parser = Parser {
            text: pattern.as_bytes(),
            at: 0,
            groups: 0,
            nesting: 0,
        };
        let alternatives = parser.alternatives()?;
        if parser.at != parser.text.len() {
            return Err(parser.error());
        }
        Ok(Self {
            root: Node::Group {
                capture: None,
                alternatives,
            },
            groups: parser.groups,
        })
    }

    /// Whether the whole input matches (Java's `matches()`, Python's
    /// `fullmatch`).
    pub fn matches(&self, input: &str) -> bool {
        let run = Run::new(input, self.groups);
        let len = input.len();
        run.node(&self.root, 0, &mut |end| end == len)
    }

    /// The match at the start of the input, if any (Java's `lookingAt()`,
    /// Python's `match`), with its groups.
    pub fn match_start(&self, input: &str) -> Option<Match> {
        let run = Run::new(input, self.groups);
        let mut end = None;
        if run.node(&self.root, 0, &mut |at| {
            end = Some(at);
            true
        }) {
            end.map(|end| Match {
                end,
                groups: run.groups.into_inner(),
            })
        } else {
            None
        }
    }
}

thread_local! {
    /// Parsed patterns, keyed by the address of their static text: each is
    /// parsed once per isolate, on first use.
    static CACHE: RefCell<HashMap<(usize, usize), Rc<Pattern>>> = RefCell::new(HashMap::new());
}

/// The parsed form of a static pattern, parsed on first use.
///
/// # Errors
/// [`PatternError`] for syntax outside the dialect (not cached, so a test
/// sees it every time).
pub fn compiled(pattern: &'static str) -> Result<Rc<Pattern>, PatternError> {
    let key = (pattern.as_ptr() as usize, pattern.len());
    if let Some(found) = CACHE.with(|cache| cache.borrow().get(&key).cloned()) {
        return Ok(found);
    }
    let parsed = Rc::new(Pattern::parse(pattern)?);
    CACHE.with(|cache| cache.borrow_mut().insert(key, parsed.clone()));
    Ok(parsed)
}

/// Whether a static pattern matches the whole input; a pattern that does not
/// parse matches nothing (fail closed: an unknown pattern never makes a
/// number valid).
pub fn full_match(pattern: &'static str, input: &str) -> bool {
    compiled(pattern).is_ok_and(|p| p.matches(input))
}

/// One matching attempt over an input.
struct Run<'a> {
    input: &'a [u8],
    groups: RefCell<Vec<Option<(usize, usize)>>>,
    depth: std::cell::Cell<u32>,
    steps: std::cell::Cell<u32>,
}

impl<'a> Run<'a> {
    fn new(input: &'a str, groups: usize) -> Self {
        Self {
            input: input.as_bytes(),
            groups: RefCell::new(vec![None; groups]),
            depth: std::cell::Cell::new(0),
            steps: std::cell::Cell::new(0),
        }
    }

    /// Matches `node` at `pos`, then asks the continuation `k` whether the
    /// rest matches from where it ended; tries every way in priority order.
    fn node(&self, node: &Node, pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        let (depth, steps) = (self.depth.get(), self.steps.get());
        if depth >= MAX_DEPTH || steps >= MAX_STEPS {
            // Out of budget: count as no match, and stop trying others.
            self.steps.set(MAX_STEPS);
            return false;
        }
        self.depth.set(depth + 1);
        self.steps.set(steps + 1);
        let matched = self.node_inner(node, pos, k);
        self.depth.set(self.depth.get() - 1);
        matched
    }

    fn node_inner(&self, node: &Node, pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        match node {
            Node::Digit(set) => match self.input.get(pos) {
                Some(&b) if b.is_ascii_digit() && set & (1 << (b - b'0')) != 0 => k(pos + 1),
                _ => false,
            },
            Node::End => pos == self.input.len() && k(pos),
            Node::Group {
                capture,
                alternatives,
            } => alternatives.iter().any(|sequence| {
                self.sequence(sequence, pos, &mut |end| match capture {
                    None => k(end),
                    Some(index) => {
                        let saved = self.groups.borrow()[*index];
                        self.groups.borrow_mut()[*index] = Some((pos, end));
                        if k(end) {
                            return true;
                        }
                        self.groups.borrow_mut()[*index] = saved;
                        false
                    }
                })
            }),
            Node::Repeat { node, min, max } => self.repeat(node, *min, *max, 0, pos, k),
        }
    }

    fn sequence(&self, nodes: &[Node], pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        match nodes.split_first() {
            None => k(pos),
            Some((first, rest)) => self.node(first, pos, &mut |next| self.sequence(rest, next, k)),
        }
    }

    /// Greedy: one more repetition first, then stop if enough were seen.
    fn repeat(
        &self,
        node: &Node,
        min: u32,
        max: Option<u32>,
        count: u32,
        pos: usize,
        k: &mut dyn FnMut(usize) -> bool,
    ) -> bool {
        if max.is_none_or(|max| count < max)
            && self.node(node, pos, &mut |next| {
                // An empty repetition past the minimum leads nowhere new;
                // without this check `(?:)*` would loop for ever.
                if next == pos && count >= min {
                    return false;
                }
                self.repeat(node, min, max, count + 1, next, k)
            })
        {
            return true;
        }
        count >= min && k(pos)
    }
}

/// Bounds of the dialect, far above what the metadata uses (quantifiers up
/// to 14, groups nested 5 deep, 1,434 characters): anything larger is not a
/// phone-number pattern, and would let matching recurse without end.
const MAX_PATTERN_BYTES: usize = 8_192;
const MAX_NESTING: usize = 16;
const MAX_REPEAT: u32 = 32;

/// Bounds of one match: recursion depth (the stack) and steps (the time).
/// A match that would pass them fails (fails closed: such a pattern makes
/// no number valid).
const MAX_DEPTH: u32 = 400;
const MAX_STEPS: u32 = 1_000_000;

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
    groups: usize,
    nesting: usize,
}

impl Parser<'_> {
    fn error(&self) -> PatternError {
        PatternError {
            pattern: String::from_utf8_lossy(self.text).into_owned(),
            at: self.at,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn alternatives(&mut self) -> Result<Vec<Vec<Node>>, PatternError> {
        let mut alternatives = vec![self.sequence()?];
        while self.eat(b'|') {
            alternatives.push(self.sequence()?);
        }
        Ok(alternatives)
    }

    fn sequence(&mut self) -> Result<Vec<Node>, PatternError> {
        let mut nodes = Vec::new();
        while let Some(byte) = self.peek() {
            if byte == b'|' || byte == b')' {
                break;
            }
            let atom = self.atom()?;
            nodes.push(self.quantified(atom)?);
        }
        Ok(nodes)
    }

    fn atom(&mut self) -> Result<Node, PatternError> {
        let Some(byte) = self.peek() else {
            return Err(self.error());
        };
        self.at += 1;
        match byte {
            b'0'..=b'9' => Ok(Node::Digit(1 << (byte - b'0'))),
            b'\\' if self.eat(b'd') => Ok(Node::Digit(0x3ff)),
            b'$' => Ok(Node::End),
            b'[' => self.class(),
            b'(' => {
                self.nesting += 1;
                if self.nesting > MAX_NESTING {
                    return Err(self.error());
                }
                let capture = if self.eat(b'?') {
                    if !self.eat(b':') {
                        return Err(self.error());
                    }
                    None
                } else {
                    self.groups += 1;
                    Some(self.groups - 1)
                };
                let alternatives = self.alternatives()?;
                if !self.eat(b')') {
                    return Err(self.error());
                }
                self.nesting -= 1;
                Ok(Node::Group {
                    capture,
                    alternatives,
                })
            }
            _ => {
                self.at -= 1;
                Err(self.error())
            }
        }
    }

    /// `[...]` of digits, ranges and `\d`, after the `[`.
    fn class(&mut self) -> Result<Node, PatternError> {
        let mut set = 0u16;
        loop {
            match self.peek() {
                Some(b']') if set != 0 => {
                    self.at += 1;
                    return Ok(Node::Digit(set));
                }
                Some(b'\\') => {
                    self.at += 1;
                    if !self.eat(b'd') {
                        return Err(self.error());
                    }
                    set |= 0x3ff;
                }
                Some(low @ b'0'..=b'9') => {
                    self.at += 1;
                    let mut high = low;
                    if self.peek() == Some(b'-') && self.text.get(self.at + 1) != Some(&b']') {
                        self.at += 1;
                        match self.peek() {
                            Some(h @ b'0'..=b'9') if h >= low => {
                                self.at += 1;
                                high = h;
                            }
                            _ => return Err(self.error()),
                        }
                    }
                    for digit in low..=high {
                        set |= 1 << (digit - b'0');
                    }
                }
                _ => return Err(self.error()),
            }
        }
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, PatternError> {
        if matches!(atom, Node::End) && matches!(self.peek(), Some(b'?' | b'*' | b'+' | b'{')) {
            // A repeated end of input is not in the dialect.
            return Err(self.error());
        }
        let (min, max) = match self.peek() {
            Some(b'?') => (0, Some(1)),
            Some(b'*') => (0, None),
            Some(b'+') => (1, None),
            Some(b'{') => {
                self.at += 1;
                let min = self.number()?;
                let max = if self.eat(b',') {
                    if self.peek() == Some(b'}') {
                        None
                    } else {
                        Some(self.number()?)
                    }
                } else {
                    Some(min)
                };
                if self.peek() != Some(b'}')
                    || max.is_some_and(|max| max < min)
                    || min > MAX_REPEAT
                    || max.is_some_and(|max| max > MAX_REPEAT)
                {
                    return Err(self.error());
                }
                (min, max)
            }
            _ => return Ok(atom),
        };
        self.at += 1;
        if matches!(self.peek(), Some(b'?' | b'+' | b'*' | b'{')) {
            // Lazy and possessive forms are not in the dialect.
            return Err(self.error());
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
        })
    }

    fn number(&mut self) -> Result<u32, PatternError> {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) && self.at - start < 4 {
            self.at += 1;
        }
        std::str::from_utf8(&self.text[start..self.at])
            .ok()
            .and_then(|digits| digits.parse().ok())
            .ok_or_else(|| self.error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(pattern: &str, input: &str) -> bool {
        Pattern::parse(pattern).unwrap().matches(input)
    }

    #[test]
    fn a_full_match_must_use_the_whole_input() {
        assert!(full(r"6\d{8}", "612345678"));
        assert!(!full(r"6\d{8}", "6123456789"));
        assert!(!full(r"6\d{8}", "61234567"));
        assert!(!full(r"6\d{8}", "712345678"));
    }

    #[test]
    fn alternatives_are_all_tried_before_a_full_match_fails() {
        // The first alternative matches a prefix only; the second the whole.
        assert!(full(r"12|123", "123"));
        assert!(full(r"(?:1|12)3", "123"));
        assert!(!full(r"(?:1|12)3", "1234"));
    }

    #[test]
    fn classes_ranges_and_counts_work_as_in_java() {
        assert!(full(r"[124-7]\d\d", "499"));
        assert!(!full(r"[124-7]\d\d", "399"));
        assert!(full(r"\d{2,3}", "12"));
        assert!(full(r"\d{2,3}", "123"));
        assert!(!full(r"\d{2,3}", "1234"));
        assert!(full(r"1\d{2,}", "1234567"));
        assert!(full(r"9?1+0*", "9111"));
        assert!(full(r"[\d]", "5"));
    }

    #[test]
    fn captures_follow_leftmost_first_priority() {
        let pattern = Pattern::parse(r"0?(?:(11|2)?15)?").unwrap();
        let found = pattern.match_start("01115123").unwrap();
        assert_eq!(found.end, 5);
        assert_eq!(found.groups, vec![Some((1, 3))]);
        let found = pattern.match_start("0123").unwrap();
        assert_eq!(found.end, 1);
        assert_eq!(found.groups, vec![None]);
    }

    #[test]
    fn a_dollar_anchors_a_prefix_match_at_the_end() {
        let pattern = Pattern::parse(r"(000[2569]\d{4,6})$|(?:(?:003768)0?)|0").unwrap();
        let found = pattern.match_start("00021234").unwrap();
        assert_eq!((found.end, found.groups), (8, vec![Some((0, 8))]));
        // Too long for the first alternative: the last one takes the 0.
        assert_eq!(pattern.match_start("00021234567").unwrap().end, 1);
    }

    #[test]
    fn greedy_repeats_give_back_what_the_rest_needs() {
        assert!(full(r"\d{3,6}5", "12345"));
        assert!(full(r"(?:\d{2}){1,3}", "1234"));
        assert!(!full(r"(?:\d{2}){1,3}", "12345"));
    }

    #[test]
    fn syntax_outside_the_dialect_is_refused() {
        for bad in [
            "a", "(?=1)", "[^1]", "[]", "(1", "1)", "\\w", "1{3,2}", "1*?", "[9-1]", "{2}",
        ] {
            assert!(Pattern::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn patterns_beyond_the_dialects_bounds_are_refused() {
        // Found by the fuzzer: a repeated end of input, huge counts.
        for bad in ["${8865}1{886,}16", "1{33}", "1{1,33}", "$?", "$*"] {
            assert!(Pattern::parse(bad).is_err(), "{bad}");
        }
        let deep = format!("{}1{}", "(".repeat(17), ")".repeat(17));
        assert!(Pattern::parse(&deep).is_err());
        assert!(Pattern::parse(&format!("{}1{}", "(".repeat(16), ")".repeat(16))).is_ok());
        assert!(Pattern::parse(&"1".repeat(MAX_PATTERN_BYTES + 1)).is_err());
    }

    #[test]
    fn a_match_that_runs_out_of_budget_fails_closed() {
        // Each level multiplies the ways to split the input: far more steps
        // than the budget, yet no stack overflow and no match.
        let nested = "(?:(?:(?:(?:(?:\\d?){32}){32}){32}){32}){32}9";
        let pattern = Pattern::parse(nested).unwrap();
        assert!(!pattern.matches("12345678901234567"));
    }

    #[test]
    fn an_empty_repeat_does_not_loop() {
        assert!(full(r"(?:)*1", "1"));
        assert!(full(r"(?:1?)*", "111"));
    }

    #[test]
    fn a_pattern_that_does_not_parse_matches_nothing() {
        assert!(!full_match("[a]", "1"));
    }
}
