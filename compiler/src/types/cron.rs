//! CronJob schedules, checked with the rules Kubernetes applies.
//!
//! Kubernetes validates `spec.schedule` with `robfig/cron`'s standard parser: five fields
//! (minute hour day-of-month month day-of-week) or a descriptor such as `@daily`. A schedule it
//! rejects fails only at apply time, and one with a subtle mistake (a Quartz-style seconds
//! field, `7` for Sunday, a wrapped range like `22-2`) fails without saying which part is
//! wrong. This module checks the schedule at compile time and points at the offending field or
//! list item.
//!
//! It is deliberately a little stricter than `robfig/cron` where the difference only ever
//! catches mistakes: `?` is accepted only in the two day fields and without a step, `*` cannot
//! be one end of a range, and `@every`, `@reboot` and `TZ=` prefixes are rejected (the first
//! two do not behave as expected in a CronJob; the time zone belongs in the workload's
//! `timezone` field).

use super::names::ValueError;

/// The fields of a five-field schedule, in order, for messages.
const FIELD_ORDER: &str = "minute hour day-of-month month day-of-week";

/// The descriptors Kubernetes accepts in place of five fields.
const DESCRIPTORS: [&str; 7] = [
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// One field of a five-field schedule.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    /// Names for `min`, `min + 1`, … (matched case-insensitively), if the field has any.
    names: &'static [&'static str],
    /// Whether `?` ("no specific value") is allowed.
    is_day: bool,
}

const FIELDS: [Field; 5] = [
    Field {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
        is_day: false,
    },
    Field {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
        is_day: false,
    },
    Field {
        name: "day-of-month",
        min: 1,
        max: 31,
        names: &[],
        is_day: true,
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: &MONTHS,
        is_day: false,
    },
    Field {
        name: "day-of-week",
        min: 0,
        max: 6,
        names: &WEEKDAYS,
        is_day: true,
    },
];

/// Checks a CronJob schedule: five fields or one of `@yearly`, `@annually`, `@monthly`,
/// `@weekly`, `@daily`, `@midnight` and `@hourly`.
///
/// Each field is `*`, `?` (day fields only), a value, a range `a-b`, a step `*/n`, `a-b/n` or
/// `a/n`, or a comma-separated list of these. Months and weekdays may be written as
/// case-insensitive three-letter names (`JAN`, `mon`). The error range points at the offending
/// field or list item; a wrong number of fields points at the whole schedule.
pub fn validate_cron(s: &str) -> Result<(), ValueError> {
    let body_start = s.len() - s.trim_start().len();
    let body = &s[body_start..];
    if body.is_empty() {
        return Err(ValueError::new("schedule cannot be empty", 0..s.len()));
    }
    if body.starts_with("TZ=") || body.starts_with("CRON_TZ=") {
        return Err(time_zone_error(s, body_start));
    }
    if body.starts_with('@') {
        return check_descriptor(s, body_start);
    }
    let fields = split_fields(s);
    if fields.len() != FIELDS.len() {
        return Err(field_count_error(s, &fields));
    }
    for (field, range) in FIELDS.iter().zip(fields) {
        check_field(s, range, field)?;
    }
    Ok(())
}

/// The byte ranges of the whitespace-separated fields of `s`.
fn split_fields(s: &str) -> Vec<std::ops::Range<usize>> {
    let mut fields = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(field_start)) => {
                fields.push(field_start..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(field_start) = start {
        fields.push(field_start..s.len());
    }
    fields
}

fn time_zone_error(s: &str, body_start: usize) -> ValueError {
    let body = &s[body_start..];
    let prefix_end = body_start + body.find(char::is_whitespace).unwrap_or(body.len());
    let prefix = &s[body_start..prefix_end];
    let zone = prefix.split_once('=').map_or("", |(_, zone)| zone);
    let rest = s[prefix_end..].trim();
    let help = if !zone.is_empty() && validate_cron(rest).is_ok() {
        format!("set the workload's `timezone` field to `{zone}` and use the schedule `{rest}`")
    } else {
        "use the workload's `timezone` field instead".to_string()
    };
    ValueError::new(
        format!("time zone prefix `{prefix}` is not supported in schedules"),
        body_start..prefix_end,
    )
    .with_help(help)
}

fn check_descriptor(s: &str, body_start: usize) -> Result<(), ValueError> {
    let body = &s[body_start..];
    let token_end = body_start + body.find(char::is_whitespace).unwrap_or(body.len());
    let token = &s[body_start..token_end];
    let token_range = body_start..token_end;
    let lower = token.to_ascii_lowercase();
    match lower.as_str() {
        "@every" => {
            let argument = s[token_end..].trim();
            let error = ValueError::new(
                "`@every` is not supported in CronJob schedules",
                body_start..s.trim_end().len(),
            );
            Err(match every_as_fields(argument) {
                Some(fields) => error.with_help(format!("use `{fields}`")),
                None => error.with_help(format!(
                    "write the schedule as five fields: {FIELD_ORDER}"
                )),
            })
        }
        "@reboot" => Err(ValueError::new(
            "`@reboot` is not supported in CronJob schedules",
            token_range,
        )),
        _ if DESCRIPTORS.contains(&lower.as_str()) => {
            let did_you_mean = format!("did you mean `{lower}`?");
            if token != lower {
                Err(ValueError::new(
                    format!("schedule descriptor `{token}` must be lowercase"),
                    token_range,
                )
                .with_help(did_you_mean))
            } else if body_start > 0 {
                Err(ValueError::new(
                    format!("unexpected whitespace before `{token}`"),
                    0..body_start,
                )
                .with_help(did_you_mean))
            } else if token_end < s.len() {
                Err(ValueError::new(
                    format!("unexpected text after `{token}`"),
                    token_end..s.len(),
                )
                .with_help(did_you_mean))
            } else {
                Ok(())
            }
        }
        _ => Err(ValueError::new(
            format!("unknown schedule descriptor `{token}`"),
            token_range,
        )
        .with_help(
            "expected one of `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight` or `@hourly`",
        )),
    }
}

/// The five-field equivalent of `@every <argument>`, for simple minute and hour intervals that
/// divide an hour or a day evenly.
fn every_as_fields(argument: &str) -> Option<String> {
    let digits_end = argument
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(argument.len());
    let n: u32 = argument[..digits_end].parse().ok()?;
    match &argument[digits_end..] {
        "m" => match n {
            1 => Some("* * * * *".to_string()),
            60 => Some("0 * * * *".to_string()),
            2..60 if 60 % n == 0 => Some(format!("*/{n} * * * *")),
            _ => None,
        },
        "h" => match n {
            1 => Some("0 * * * *".to_string()),
            24 => Some("0 0 * * *".to_string()),
            2..24 if 24 % n == 0 => Some(format!("0 */{n} * * *")),
            _ => None,
        },
        _ => None,
    }
}

fn field_count_error(s: &str, fields: &[std::ops::Range<usize>]) -> ValueError {
    let count = fields.len();
    let plural = if count == 1 { "" } else { "s" };
    let error = ValueError::new(
        format!("schedule has {count} field{plural}, expected 5 ({FIELD_ORDER})"),
        0..s.len(),
    );
    let join = |ranges: &[std::ops::Range<usize>]| {
        ranges
            .iter()
            .map(|range| &s[range.clone()])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let help = match fields {
        [_, rest @ ..] if count == 6 => {
            let candidate = join(rest);
            Some(if validate_cron(&candidate).is_ok() {
                format!("seconds are not supported; did you mean `{candidate}`?")
            } else {
                "seconds are not supported; remove the first field".to_string()
            })
        }
        [_, rest @ .., _] if count == 7 => {
            let candidate = join(rest);
            Some(if validate_cron(&candidate).is_ok() {
                format!("seconds and years are not supported; did you mean `{candidate}`?")
            } else {
                "seconds and years are not supported; remove the first and last fields".to_string()
            })
        }
        [only] => {
            let descriptor = format!("@{}", s[only.clone()].to_ascii_lowercase());
            DESCRIPTORS
                .contains(&descriptor.as_str())
                .then(|| format!("did you mean `{descriptor}`?"))
        }
        _ => None,
    };
    match help {
        Some(help) => error.with_help(help),
        None => error,
    }
}

/// Checks one field (at `range` in `s`): a comma-separated list of items.
fn check_field(s: &str, range: std::ops::Range<usize>, field: &Field) -> Result<(), ValueError> {
    let text = &s[range.clone()];
    let mut item_start = range.start;
    for item in text.split(',') {
        let item_end = item_start + item.len();
        if item.is_empty() {
            // Point at the comma after the empty item, or the one before it at the end.
            let at = if item_end < range.end {
                item_end..item_end + 1
            } else {
                item_start.saturating_sub(1)..item_start
            };
            return Err(ValueError::new(
                format!("{} field `{text}` has an empty list item", field.name),
                at,
            ));
        }
        check_item(s, item_start..item_end, field)?;
        item_start = item_end + 1;
    }
    Ok(())
}

/// Checks one list item: `*`, `?`, `a` or `a-b`, optionally followed by `/step`.
fn check_item(s: &str, range: std::ops::Range<usize>, field: &Field) -> Result<(), ValueError> {
    let item = &s[range.clone()];
    let name = field.name;
    let (base_end, step) = match item.find('/') {
        Some(slash) => {
            let step_start = range.start + slash + 1;
            (
                range.start + slash,
                Some(check_step(s, step_start..range.end, name)?),
            )
        }
        None => (range.end, None),
    };
    let base = &s[range.start..base_end];
    match base {
        "" => Err(ValueError::new(
            format!("missing {name} before `/`"),
            base_end..base_end + 1,
        )),
        "*" => Ok(()),
        "?" if !field.is_day => Err(ValueError::new(
            "`?` is only allowed in the day-of-month and day-of-week fields",
            range.start..range.start + 1,
        )
        .with_help("use `*`")),
        "?" => match step {
            Some(step) => Err(ValueError::new("`?` cannot have a step", range)
                .with_help(format!("use `*/{step}`"))),
            None => Ok(()),
        },
        _ => {
            let (low, high) = match base.find('-') {
                Some(dash) => (
                    range.start..range.start + dash,
                    Some(range.start + dash + 1..base_end),
                ),
                None => (range.start..base_end, None),
            };
            let Some(high) = high else {
                return parse_value(s, low, field).map(|_| ());
            };
            if low.is_empty() {
                return Err(ValueError::new(
                    format!("missing start of {name} range before `-`"),
                    low.end..low.end + 1,
                ));
            }
            if let Some(dash) = s[high.clone()].find('-') {
                let at = high.start + dash;
                return Err(ValueError::new(
                    format!("{name} range `{base}` has more than one `-`"),
                    at..at + 1,
                ));
            }
            if high.is_empty() {
                return Err(ValueError::new(
                    format!("missing end of {name} range after `-`"),
                    low.end..low.end + 1,
                ));
            }
            let low_value = parse_value(s, low.clone(), field)?;
            let high_value = parse_value(s, high.clone(), field)?;
            if low_value > high_value {
                let error = ValueError::new(
                    format!("{name} range `{base}` starts after it ends"),
                    range.start..base_end,
                );
                return Err(if step.is_none() {
                    error.with_help(wrap_around_help(
                        &s[low], &s[high], low_value, high_value, field,
                    ))
                } else {
                    error
                });
            }
            Ok(())
        }
    }
}

/// Checks the step after a `/` (at `range` in `s`) and returns it.
fn check_step(s: &str, range: std::ops::Range<usize>, name: &str) -> Result<u32, ValueError> {
    let text = &s[range.clone()];
    if let Some(slash) = text.find('/') {
        let at = range.start + slash;
        return Err(ValueError::new(
            format!("{name} field has more than one `/` in one item"),
            at..at + 1,
        ));
    }
    if text.is_empty() {
        return Err(ValueError::new(
            format!("missing {name} step after `/`"),
            range.start.saturating_sub(1)..range.start,
        ));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValueError::new(
            format!("invalid {name} step `{text}`: expected a positive number"),
            range,
        ));
    }
    match text.parse::<u32>() {
        Ok(0) => Err(ValueError::new(
            format!("{name} step must be at least 1"),
            range,
        )),
        Ok(step) => Ok(step),
        Err(_) => Err(ValueError::new(
            format!("{name} step `{text}` is too large"),
            range,
        )),
    }
}

/// Parses a value (number or name) at `range` in `s`.
fn parse_value(s: &str, range: std::ops::Range<usize>, field: &Field) -> Result<u32, ValueError> {
    let text = &s[range.clone()];
    let Field { name, min, max, .. } = *field;
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return match text.parse::<u32>() {
            Ok(value) if (min..=max).contains(&value) => Ok(value),
            _ => {
                let error = ValueError::new(
                    format!("{name} `{text}` is out of range {min}-{max}"),
                    range,
                );
                Err(match (name, text.trim_start_matches('0')) {
                    ("day-of-week", "7") => error.with_help("use `0` for Sunday"),
                    ("hour", "24") => error.with_help("use `0` for midnight"),
                    _ => error,
                })
            }
        };
    }
    if let Some(index) = field
        .names
        .iter()
        .position(|known| known.eq_ignore_ascii_case(text))
    {
        // At most 12 names, so the index always fits.
        return Ok(min + index as u32);
    }
    let expected = match field.names {
        [first, .., last] => format!("a number {min}-{max} or a name `{first}`-`{last}`"),
        _ => format!("a number {min}-{max}"),
    };
    let error = ValueError::new(
        format!("invalid {name} `{text}`: expected {expected}"),
        range,
    );
    Err(match value_help(text, field) {
        Some(help) => error.with_help(help),
        None => error,
    })
}

/// A suggestion for a value that is neither a number nor a known name.
fn value_help(text: &str, field: &Field) -> Option<String> {
    let upper = text.to_ascii_uppercase();
    // `Monday`, `january`: the first three letters are a known name.
    if text.len() > 3
        && let Some(known) = field
            .names
            .iter()
            .find(|known| upper.get(..3) == Some(**known))
    {
        return Some(format!("did you mean `{known}`?"));
    }
    // A name that belongs to the other named field.
    for other in FIELDS.iter().filter(|other| other.name != field.name) {
        if other.names.contains(&upper.as_str()) {
            return Some(format!(
                "`{text}` is a {} name, but this is the {} field (fields are {FIELD_ORDER})",
                other.name, field.name
            ));
        }
    }
    // Quartz extensions that robfig/cron does not implement.
    let quartz =
        upper == "L" || upper.contains('#') || (upper.len() > 1 && upper.ends_with(['L', 'W']));
    (field.is_day && quartz)
        .then(|| "`L`, `W` and `#` are not supported in Kubernetes schedules".to_string())
}

/// Help for a range like `22-2` that wraps past the field's maximum: split it in two.
fn wrap_around_help(
    low: &str,
    high: &str,
    low_value: u32,
    high_value: u32,
    field: &Field,
) -> String {
    let named = !field.names.is_empty() && low.bytes().all(|b| b.is_ascii_alphabetic());
    let show = |value: u32| {
        let index = usize::try_from(value - field.min).unwrap_or(usize::MAX);
        match field.names.get(index) {
            Some(name) if named => (*name).to_string(),
            _ => value.to_string(),
        }
    };
    let first = if low_value == field.max {
        low.to_string()
    } else {
        format!("{low}-{}", show(field.max))
    };
    let second = if high_value == field.min {
        high.to_string()
    } else {
        format!("{}-{high}", show(field.min))
    };
    format!("ranges cannot wrap around; use `{first},{second}`")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    #[track_caller]
    fn ok(s: &str) {
        if let Err(error) = validate_cron(s) {
            panic!("{s:?} should be valid: {error:?}");
        }
    }

    #[track_caller]
    fn err(s: &str, range: Range<usize>) -> ValueError {
        let error = validate_cron(s).expect_err("expected an error");
        assert_eq!(error.range, range, "wrong range for {s:?}: {error:?}");
        error
    }

    #[test]
    fn valid_five_field_schedules() {
        for s in [
            "* * * * *",
            "0 2 * * *",
            "*/5 * * * *",
            "0 */2 * * *",
            "0 9-17 * * MON-FRI",
            "0 9-17/2 * * 1-5",
            "30 4 1,15 * *",
            "0 0 1 JAN *",
            "0 0 1 jan,Jul *",
            "0 0 ? * sun",
            "0 0 1 * ?",
            "5/15 * * * *",
            "59 23 31 12 6",
            "0 0 1-31 1-12 0-6",
            "00 02 * * *",
            "1,2,3-5,*/10 * * * *",
            "0 0 * DEC SAT",
            "0 0 * JAN-DEC SUN-SAT",
            "0 0 * * 5-5",
            "*/1 * * * *",
            "*/100 * * * *",
            "  0 2 * * *  ",
            "0\t2 *  * *",
        ] {
            ok(s);
        }
    }

    #[test]
    fn valid_descriptors() {
        for s in DESCRIPTORS {
            ok(s);
        }
    }

    #[test]
    fn empty() {
        let e = err("", 0..0);
        assert_eq!(e.message, "schedule cannot be empty");
        err("   ", 0..3);
    }

    #[test]
    fn wrong_field_count() {
        let e = err("0 2 * *", 0..7);
        assert_eq!(
            e.message,
            "schedule has 4 fields, expected 5 (minute hour day-of-month month day-of-week)"
        );
        assert_eq!(e.help, None);
        let e = err("5", 0..1);
        assert_eq!(
            e.message,
            "schedule has 1 field, expected 5 (minute hour day-of-month month day-of-week)"
        );
        let e = err("daily", 0..5);
        assert_eq!(e.help.as_deref(), Some("did you mean `@daily`?"));
    }

    #[test]
    fn six_fields_mention_seconds() {
        let e = err("0 0 2 * * *", 0..11);
        assert_eq!(
            e.message,
            "schedule has 6 fields, expected 5 (minute hour day-of-month month day-of-week)"
        );
        assert_eq!(
            e.help.as_deref(),
            Some("seconds are not supported; did you mean `0 2 * * *`?")
        );
        let e = err("0 0 2 * * 9", 0..11);
        assert_eq!(
            e.help.as_deref(),
            Some("seconds are not supported; remove the first field")
        );
        let e = err("0 0 12 * * ? 2025", 0..17);
        assert_eq!(
            e.help.as_deref(),
            Some("seconds and years are not supported; did you mean `0 12 * * ?`?")
        );
    }

    #[test]
    fn out_of_range_values() {
        let e = err("60 * * * *", 0..2);
        assert_eq!(e.message, "minute `60` is out of range 0-59");
        let e = err("0 24 * * *", 2..4);
        assert_eq!(e.message, "hour `24` is out of range 0-23");
        assert_eq!(e.help.as_deref(), Some("use `0` for midnight"));
        let e = err("0 0 0 * *", 4..5);
        assert_eq!(e.message, "day-of-month `0` is out of range 1-31");
        err("0 0 32 * *", 4..6);
        err("0 0 * 0 *", 6..7);
        err("0 0 * 13 *", 6..8);
        let e = err("0 0 * * 7", 8..9);
        assert_eq!(e.message, "day-of-week `7` is out of range 0-6");
        assert_eq!(e.help.as_deref(), Some("use `0` for Sunday"));
        err("0 0 * * 1-7", 10..11);
        err("99999999999999999999 * * * *", 0..20);
        err("1,2,60 * * * *", 4..6);
    }

    #[test]
    fn names() {
        let e = err("0 0 * JANUARY *", 6..13);
        assert_eq!(
            e.message,
            "invalid month `JANUARY`: expected a number 1-12 or a name `JAN`-`DEC`"
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `JAN`?"));
        let e = err("0 0 * * Monday", 8..14);
        assert_eq!(e.help.as_deref(), Some("did you mean `MON`?"));
        let e = err("0 0 MON * *", 4..7);
        assert_eq!(
            e.message,
            "invalid day-of-month `MON`: expected a number 1-31"
        );
        assert!(
            e.help
                .as_deref()
                .is_some_and(|h| h.contains("day-of-week name"))
        );
        err("0 0 * * JAN", 8..11);
        err("JAN * * * *", 0..3);
        err("0 0 * * XYZ", 8..11);
    }

    #[test]
    fn ranges() {
        let e = err("0 22-2 * * *", 2..6);
        assert_eq!(e.message, "hour range `22-2` starts after it ends");
        assert_eq!(
            e.help.as_deref(),
            Some("ranges cannot wrap around; use `22-23,0-2`")
        );
        let e = err("0 0 * * FRI-MON", 8..15);
        assert_eq!(
            e.help.as_deref(),
            Some("ranges cannot wrap around; use `FRI-SAT,SUN-MON`")
        );
        let e = err("0 0 * * 6-0", 8..11);
        assert_eq!(
            e.help.as_deref(),
            Some("ranges cannot wrap around; use `6,0`")
        );
        let e = err("0 0 31-1 * *", 4..8);
        assert_eq!(
            e.help.as_deref(),
            Some("ranges cannot wrap around; use `31,1`")
        );
        let e = err("0 22-2/2 * * *", 2..6);
        assert_eq!(e.help, None);

        let e = err("1-2-3 * * * *", 3..4);
        assert_eq!(e.message, "minute range `1-2-3` has more than one `-`");
        let e = err("-5 * * * *", 0..1);
        assert_eq!(e.message, "missing start of minute range before `-`");
        let e = err("5- * * * *", 1..2);
        assert_eq!(e.message, "missing end of minute range after `-`");
        err("*-5 * * * *", 0..1);
        err("1-* * * * *", 2..3);
    }

    #[test]
    fn steps() {
        let e = err("*/0 * * * *", 2..3);
        assert_eq!(e.message, "minute step must be at least 1");
        let e = err("*/ * * * *", 1..2);
        assert_eq!(e.message, "missing minute step after `/`");
        let e = err("/5 * * * *", 0..1);
        assert_eq!(e.message, "missing minute before `/`");
        let e = err("*/x * * * *", 2..3);
        assert_eq!(
            e.message,
            "invalid minute step `x`: expected a positive number"
        );
        let e = err("*/2/3 * * * *", 3..4);
        assert_eq!(e.message, "minute field has more than one `/` in one item");
        err("*/-1 * * * *", 2..4);
        let e = err("*/99999999999 * * * *", 2..13);
        assert_eq!(e.message, "minute step `99999999999` is too large");
        err("0 0 5/0 * *", 6..7);
    }

    #[test]
    fn question_mark() {
        let e = err("? * * * *", 0..1);
        assert_eq!(
            e.message,
            "`?` is only allowed in the day-of-month and day-of-week fields"
        );
        assert_eq!(e.help.as_deref(), Some("use `*`"));
        err("0 0 * ? *", 6..7);
        let e = err("0 0 ?/2 * *", 4..7);
        assert_eq!(e.message, "`?` cannot have a step");
        assert_eq!(e.help.as_deref(), Some("use `*/2`"));
        err("0 0 ?-3 * *", 4..5);
    }

    #[test]
    fn lists() {
        let e = err("1,,2 * * * *", 2..3);
        assert_eq!(e.message, "minute field `1,,2` has an empty list item");
        err(",1 * * * *", 0..1);
        err("1, * * * *", 1..2);
        err("0 0 * * ,", 8..9);
    }

    #[test]
    fn quartz_extensions() {
        let e = err("0 0 L * *", 4..5);
        assert!(
            e.help
                .as_deref()
                .is_some_and(|h| h.contains("`L`, `W` and `#`"))
        );
        err("0 0 15W * *", 4..7);
        let e = err("0 0 * * 5#3", 8..11);
        assert!(e.help.is_some());
        let e = err("0 0 * * 5L", 8..10);
        assert!(e.help.is_some());
    }

    #[test]
    fn invalid_characters_and_multibyte() {
        let e = err("+5 * * * *", 0..2);
        assert_eq!(e.message, "invalid minute `+5`: expected a number 0-59");
        err("é * * * *", 0..2);
        err("0 0 * * 日本", 8..14);
        err("0 0 1,日 * *", 6..9);
        err("0\u{3000}0 * * 日", 10..13);
        err("0 0 * * 🦀-1", 8..12);
    }

    #[test]
    fn descriptors_that_kubernetes_rejects() {
        let e = err("@every 5m", 0..9);
        assert_eq!(e.message, "`@every` is not supported in CronJob schedules");
        assert_eq!(e.help.as_deref(), Some("use `*/5 * * * *`"));
        assert_eq!(
            err("@every 1m", 0..9).help.as_deref(),
            Some("use `* * * * *`")
        );
        assert_eq!(
            err("@every 60m", 0..10).help.as_deref(),
            Some("use `0 * * * *`")
        );
        assert_eq!(
            err("@every 6h", 0..9).help.as_deref(),
            Some("use `0 */6 * * *`")
        );
        assert_eq!(
            err("@every 24h  ", 0..10).help.as_deref(),
            Some("use `0 0 * * *`")
        );
        let e = err("@every 7m", 0..9);
        assert_eq!(
            e.help.as_deref(),
            Some("write the schedule as five fields: minute hour day-of-month month day-of-week")
        );
        err("@every 1h30m", 0..12);
        err("@every", 0..6);

        let e = err("@reboot", 0..7);
        assert_eq!(e.message, "`@reboot` is not supported in CronJob schedules");
        assert_eq!(e.help, None);
    }

    #[test]
    fn descriptor_mistakes() {
        let e = err("@Daily", 0..6);
        assert_eq!(e.message, "schedule descriptor `@Daily` must be lowercase");
        assert_eq!(e.help.as_deref(), Some("did you mean `@daily`?"));
        let e = err("@daily ", 6..7);
        assert_eq!(e.message, "unexpected text after `@daily`");
        err("@hourly 5", 7..9);
        let e = err("  @weekly", 0..2);
        assert_eq!(e.message, "unexpected whitespace before `@weekly`");
        assert_eq!(e.help.as_deref(), Some("did you mean `@weekly`?"));
        let e = err("@fortnightly", 0..12);
        assert_eq!(e.message, "unknown schedule descriptor `@fortnightly`");
        assert!(e.help.as_deref().is_some_and(|h| h.contains("`@midnight`")));
        err("@", 0..1);
        err("@dailé", 0..7);
    }

    #[test]
    fn time_zone_prefixes() {
        let e = err("TZ=Europe/Berlin 0 2 * * *", 0..16);
        assert_eq!(
            e.message,
            "time zone prefix `TZ=Europe/Berlin` is not supported in schedules"
        );
        assert_eq!(
            e.help.as_deref(),
            Some(
                "set the workload's `timezone` field to `Europe/Berlin` and use the schedule `0 2 * * *`"
            )
        );
        let e = err("CRON_TZ=UTC @daily", 0..11);
        assert!(e.help.as_deref().is_some_and(|h| h.ends_with("`@daily`")));
        let e = err("TZ=UTC", 0..6);
        assert_eq!(
            e.help.as_deref(),
            Some("use the workload's `timezone` field instead")
        );
        let e = err(" TZ= 0 2 * * *", 1..4);
        assert_eq!(
            e.help.as_deref(),
            Some("use the workload's `timezone` field instead")
        );
    }

    #[test]
    fn no_panics_on_awkward_input() {
        const PIECES: &[&str] = &[
            "*",
            "?",
            "/",
            "-",
            ",",
            " ",
            "\t",
            "0",
            "5",
            "59",
            "7",
            "JAN",
            "sun",
            "@",
            "daily",
            "every",
            "TZ=",
            "é",
            "日",
            "🦀",
            "L",
            "#",
            "x",
            "99999999999",
        ];
        for s in crate::types::test_support::piece_strings(PIECES, 16, 500, 0x1234_5678_9abc_def1) {
            if let Err(e) = validate_cron(&s) {
                crate::types::test_support::assert_sane(&s, &e);
            }
        }
    }
}
