//! Reading settings by name: one reader for every section, so each kind of
//! setting (required, number, flag, rate rule, list) is parsed and refused
//! with the same words everywhere.

use crate::limits::RateRule;

use super::ConfigError;

/// The deployment's vars and secrets, looked up by name.
pub struct Vars<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

/// The refusal of a setting's value: names the setting, never the value
/// unless the reason quotes it (only for settings that are not secret).
pub fn invalid(name: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        name,
        reason: reason.into(),
    }
}

impl<'a> Vars<'a> {
    /// Settings read through `lookup` (vars and secrets alike).
    pub fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self { lookup }
    }

    /// The value as set, untrimmed; `Some("")` for a setting set empty.
    pub fn raw(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
    }

    /// The trimmed value; `None` when unset or blank.
    pub fn get(&self, name: &str) -> Option<String> {
        self.raw(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The value of a setting a deployment must choose.
    ///
    /// # Errors
    /// [`ConfigError::Missing`] when unset or blank.
    pub fn required(&self, name: &'static str) -> Result<String, ConfigError> {
        self.get(name).ok_or(ConfigError::Missing(name))
    }

    /// A whole number, `default` when unset.
    ///
    /// # Errors
    /// When set to anything but a whole number.
    pub fn number(&self, name: &'static str, default: u64) -> Result<u64, ConfigError> {
        self.get(name).map_or(Ok(default), |v| {
            v.parse()
                .map_err(|_| invalid(name, format!("{v:?} is not a whole number")))
        })
    }

    /// A whole number within `range`, `default` when unset.
    ///
    /// # Errors
    /// When not a whole number, or outside the range.
    pub fn ranged(
        &self,
        name: &'static str,
        default: u64,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<i64, ConfigError> {
        let value = self.number(name, default)?;
        if range.contains(&value) {
            Ok(i64::try_from(value).unwrap_or(i64::MAX))
        } else {
            Err(invalid(
                name,
                format!("{value} is outside {}-{}", range.start(), range.end()),
            ))
        }
    }

    /// `true`/`1`/`yes` or `false`/`0`/`no`, `default` when unset.
    ///
    /// # Errors
    /// For any other word.
    pub fn flag(&self, name: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.get(name).map(|v| v.to_ascii_lowercase()).as_deref() {
            None => Ok(default),
            Some("true" | "1" | "yes") => Ok(true),
            Some("false" | "0" | "no") => Ok(false),
            Some(other) => Err(invalid(name, format!("{other:?} is not true or false"))),
        }
    }

    /// A rate rule like `5/1h`, `default` when unset.
    ///
    /// # Errors
    /// When it does not parse.
    pub fn rule(&self, name: &'static str, default: &str) -> Result<RateRule, ConfigError> {
        RateRule::parse(&self.get(name).unwrap_or_else(|| default.to_owned()))
            .map_err(|e| invalid(name, e.to_string()))
    }

    /// A comma-separated list (blank items skipped), each item read by
    /// `item`, whose error is the reason given; `default` when unset.
    ///
    /// # Errors
    /// [`ConfigError::Missing`] when unset without a default, else the first
    /// item's refusal.
    pub fn list<T>(
        &self,
        name: &'static str,
        default: Option<&str>,
        item: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Vec<T>, ConfigError> {
        let text = match (self.get(name), default) {
            (Some(text), _) => text,
            (None, Some(default)) => default.to_owned(),
            (None, None) => return Err(ConfigError::Missing(name)),
        };
        items(&text)
            .map(|part| item(part).map_err(|reason| invalid(name, reason)))
            .collect()
    }
}

/// The items of a comma-separated setting, trimmed, blanks skipped.
pub fn items(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// A duration like `24h`, `90m`, `3600s`, `1d` or `3600` (seconds), in
/// seconds.
pub fn duration_seconds(text: &str) -> Option<i64> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last()? {
        (i, 's') => (&text[..i], 1),
        (i, 'm') => (&text[..i], 60),
        (i, 'h') => (&text[..i], 3_600),
        (i, 'd') => (&text[..i], 86_400),
        _ => (text, 1),
    };
    number
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .and_then(|n| n.checked_mul(unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with<T>(pairs: &[(&str, &str)], read: impl FnOnce(&Vars) -> T) -> T {
        let lookup = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        read(&Vars::new(&lookup))
    }

    #[test]
    fn a_blank_setting_is_unset_but_its_raw_value_is_kept() {
        with(&[("A", "  "), ("B", " x ")], |vars| {
            assert_eq!(vars.get("A"), None);
            assert_eq!(vars.raw("A").as_deref(), Some("  "));
            assert_eq!(vars.get("B").as_deref(), Some("x"));
            assert_eq!(vars.required("A"), Err(ConfigError::Missing("A")));
        });
    }

    #[test]
    fn numbers_flags_and_ranges_name_the_setting_when_refused() {
        with(&[("N", "twelve"), ("F", "maybe"), ("R", "0")], |vars| {
            assert_eq!(vars.number("UNSET", 7), Ok(7));
            assert_eq!(
                vars.number("N", 1).unwrap_err().to_string(),
                "N is invalid: \"twelve\" is not a whole number"
            );
            assert_eq!(
                vars.flag("F", true).unwrap_err().to_string(),
                "F is invalid: \"maybe\" is not true or false"
            );
            assert_eq!(vars.flag("UNSET", true), Ok(true));
            assert_eq!(
                vars.ranged("R", 5, 1..=9).unwrap_err().to_string(),
                "R is invalid: 0 is outside 1-9"
            );
            assert_eq!(vars.ranged("UNSET", 5, 1..=9), Ok(5));
        });
    }

    #[test]
    fn a_list_skips_blanks_and_refuses_by_its_first_bad_item() {
        with(&[("L", " a, ,b ,"), ("BAD", "a,!,?")], |vars| {
            let ok = |s: &str| Ok::<_, String>(s.to_owned());
            assert_eq!(vars.list("L", None, ok).unwrap(), ["a", "b"]);
            assert_eq!(vars.list("UNSET", Some("x,y"), ok).unwrap(), ["x", "y"]);
            assert_eq!(
                vars.list("UNSET", None, ok),
                Err(ConfigError::Missing("UNSET"))
            );
            let letters = |s: &str| {
                if s.chars().all(char::is_alphabetic) {
                    Ok(s.to_owned())
                } else {
                    Err(format!("{s:?} is no word"))
                }
            };
            assert_eq!(
                vars.list("BAD", None, letters).unwrap_err().to_string(),
                "BAD is invalid: \"!\" is no word"
            );
        });
    }

    #[test]
    fn durations_read_their_unit() {
        for (text, seconds) in [("90m", 5_400), ("3600", 3_600), ("1d", 86_400), ("45s", 45)] {
            assert_eq!(duration_seconds(text), Some(seconds), "{text}");
        }
        for bad in ["", "h", "-1h", "0", "soon", "1w"] {
            assert_eq!(duration_seconds(bad), None, "{bad}");
        }
    }
}
