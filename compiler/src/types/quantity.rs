//! Quantities with units: CPU, bytes (memory and storage), durations, percentages and counts.
//!
//! Units are types: `250m` is 250 millicores as a CPU value but 250 minutes as a duration, and
//! `500m` of memory is an error rather than half a byte. Numbers are parsed exactly (integer
//! mantissa and decimal scale), never through floating point, so `1.5Gi` is exactly 1610612736
//! bytes and output is identical on every machine.

/// A quantity's unit was wrong or its number could not be represented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitError {
    /// What is wrong.
    pub message: String,
    /// Whether the unit (rather than the number) is at fault, so the caller can underline it.
    pub unit_at_fault: bool,
    /// A fix, e.g. "did you mean `500Mi`?".
    pub help: Option<String>,
    /// A replacement for the whole literal, when one is obvious.
    pub replacement: Option<String>,
}

impl UnitError {
    fn unit(message: impl Into<String>) -> UnitError {
        UnitError {
            message: message.into(),
            unit_at_fault: true,
            help: None,
            replacement: None,
        }
    }

    fn number(message: impl Into<String>) -> UnitError {
        UnitError {
            message: message.into(),
            unit_at_fault: false,
            help: None,
            replacement: None,
        }
    }

    fn with_help(mut self, help: impl Into<String>) -> UnitError {
        self.help = Some(help.into());
        self
    }

    fn with_replacement(mut self, replacement: impl Into<String>) -> UnitError {
        let replacement = replacement.into();
        if self.help.is_none() {
            self.help = Some(format!("did you mean `{replacement}`?"));
        }
        self.replacement = Some(replacement);
        self
    }
}

/// An exact decimal: `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    mantissa: i128,
    scale: u32,
}

fn parse_decimal(text: &str) -> Result<Decimal, UnitError> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UnitError::number(format!("`{text}` is not a number")));
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || fraction.len() > 9 {
        return Err(UnitError::number(format!(
            "`{text}` has more decimal places than can be represented"
        )));
    }
    let mut mantissa: i128 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        mantissa = mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(i128::from(b - b'0')))
            .ok_or_else(|| UnitError::number(format!("`{text}` is too large")))?;
    }
    Ok(Decimal {
        mantissa: if negative { -mantissa } else { mantissa },
        scale: u32::try_from(fraction.len()).unwrap_or(9),
    })
}

/// `decimal * multiplier / divisor` as a whole non-negative number, or why it is not one.
fn scale_exact(value: Decimal, multiplier: u128, divisor: u128, what: &str) -> Result<u64, String> {
    if value.mantissa < 0 {
        return Err(format!("{what} cannot be negative"));
    }
    let mantissa = value.mantissa.unsigned_abs();
    let denominator = 10u128.pow(value.scale) * divisor;
    let numerator = mantissa
        .checked_mul(multiplier)
        .ok_or_else(|| format!("{what} is too large"))?;
    if numerator % denominator != 0 {
        return Err(format!("{what} is not a whole number of its smallest unit"));
    }
    u64::try_from(numerator / denominator).map_err(|_| format!("{what} is too large"))
}

fn number_text(number: &str, unit: Option<&str>) -> String {
    format!("{number}{}", unit.unwrap_or(""))
}

/// Parses CPU: cores (`1`, `0.5`) or millicores (`250m`). Returns millicores.
pub fn parse_cpu(number: &str, unit: Option<&str>) -> Result<u64, UnitError> {
    let value = parse_decimal(number)?;
    let millis = match unit {
        None => scale_exact(value, 1000, 1, "CPU"),
        Some("m") => scale_exact(value, 1, 1, "CPU"),
        Some(other) if byte_multiplier(other).is_some() => {
            return Err(
                UnitError::unit(format!("`{other}` is a unit of bytes, not of CPU"))
                    .with_help("CPU is written in cores (`1`, `0.5`) or millicores (`250m`)"),
            );
        }
        Some(other) => {
            return Err(UnitError::unit(format!("`{other}` is not a CPU unit"))
                .with_help("CPU is written in cores (`1`, `0.5`) or millicores (`250m`)"));
        }
    };
    let millis = millis.map_err(|m| {
        UnitError::number(m).with_help("CPU has a precision of one millicore (`1m`)")
    })?;
    if millis == 0 {
        return Err(UnitError::number("CPU must be more than zero"));
    }
    Ok(millis)
}

/// Binary and decimal byte multipliers, as Kubernetes understands them.
fn byte_multiplier(unit: &str) -> Option<u128> {
    Some(match unit {
        "Ki" => 1 << 10,
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        "Ti" => 1 << 40,
        "Pi" => 1 << 50,
        "Ei" => 1 << 60,
        "k" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        "T" => 1_000_000_000_000,
        "P" => 1_000_000_000_000_000,
        "E" => 1_000_000_000_000_000_000,
        _ => return None,
    })
}

/// The byte unit someone most likely meant by a wrongly-cased or spelled unit.
fn intended_byte_unit(unit: &str) -> Option<&'static str> {
    Some(match unit.to_ascii_lowercase().as_str() {
        "m" | "mi" | "mb" | "mib" => "Mi",
        "g" | "gi" | "gb" | "gib" => "Gi",
        "k" | "ki" | "kb" | "kib" => "Ki",
        "t" | "ti" | "tb" | "tib" => "Ti",
        "p" | "pi" | "pb" | "pib" => "Pi",
        "e" | "ei" | "eb" | "eib" => "Ei",
        _ => return None,
    })
}

/// Parses a size in bytes (memory, storage): `256Mi`, `2Gi`, `1G`, `1024`. Returns bytes.
pub fn parse_bytes(number: &str, unit: Option<&str>, what: &str) -> Result<u64, UnitError> {
    let value = parse_decimal(number)?;
    let multiplier = match unit {
        // Kubernetes would read a bare number as bytes: `memory: 512` is half a kilobyte, almost
        // never what was meant.
        None => {
            return Err(UnitError::unit(format!(
                "`{number}` has no unit: {what} is written in bytes"
            ))
            .with_replacement(format!("{number}Mi")));
        }
        Some("m") => {
            return Err(UnitError::unit(format!(
                "`{number}m` of {what} is {number} thousandths of a byte: `m` means milli"
            ))
            .with_replacement(format!("{number}Mi")));
        }
        Some(other) => match byte_multiplier(other) {
            Some(multiplier) => multiplier,
            None => {
                let error = UnitError::unit(format!("`{other}` is not a unit of {what}"));
                return Err(match intended_byte_unit(other) {
                    Some(intended) => error.with_replacement(format!("{number}{intended}")),
                    None if duration_multiplier(other).is_some() => error.with_help(format!(
                        "`{other}` is a unit of time; {what} is written in bytes: `256Mi`, `2Gi`"
                    )),
                    None => {
                        error.with_help(format!("{what} is written in bytes: `256Mi`, `2Gi`, `1G`"))
                    }
                });
            }
        },
    };
    let bytes = scale_exact(value, multiplier, 1, what).map_err(UnitError::number)?;
    if bytes == 0 {
        return Err(UnitError::number(format!("{what} must be more than zero")));
    }
    Ok(bytes)
}

fn duration_multiplier(unit: &str) -> Option<u128> {
    Some(match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    })
}

/// Parses a duration: `500ms`, `30s`, `5m`, `1h`, `1d`. Returns milliseconds.
pub fn parse_duration(number: &str, unit: Option<&str>) -> Result<u64, UnitError> {
    let value = parse_decimal(number)?;
    let Some(unit) = unit else {
        return Err(UnitError::unit(format!("`{number}` has no unit of time"))
            .with_replacement(format!("{number}s")));
    };
    let Some(multiplier) = duration_multiplier(unit) else {
        let error = UnitError::unit(format!("`{unit}` is not a unit of time"));
        return Err(match unit {
            "sec" | "secs" | "second" | "seconds" | "S" => {
                error.with_replacement(format!("{number}s"))
            }
            "min" | "mins" | "minute" | "minutes" | "M" => {
                error.with_replacement(format!("{number}m"))
            }
            "hr" | "hrs" | "hour" | "hours" | "H" => error.with_replacement(format!("{number}h")),
            _ => error.with_help("durations are written `500ms`, `30s`, `5m`, `1h` or `1d`"),
        });
    };
    scale_exact(value, multiplier, 1, "a duration")
        .map_err(|m| UnitError::number(m).with_help("durations have a precision of 1ms"))
}

/// Parses a percentage `0%`..`100%`. Returns the whole percentage.
pub fn parse_percent(number: &str, unit: Option<&str>) -> Result<u32, UnitError> {
    if unit != Some("%") {
        return Err(UnitError::unit(format!(
            "`{}` is not a percentage",
            number_text(number, unit)
        ))
        .with_replacement(format!("{number}%")));
    }
    let value = parse_decimal(number)?;
    let percent = scale_exact(value, 1, 1, "a percentage").map_err(UnitError::number)?;
    if percent > 100 {
        return Err(UnitError::number(format!("{percent}% is more than 100%")));
    }
    u32::try_from(percent).map_err(|_| UnitError::number("percentage too large"))
}

/// Parses a plain whole number (a count, a port, a user id): no unit allowed.
pub fn parse_count(number: &str, unit: Option<&str>, what: &str) -> Result<i64, UnitError> {
    if let Some(unit) = unit {
        return Err(UnitError::unit(format!(
            "{what} is a plain number, but `{number}{unit}` has the unit `{unit}`"
        ))
        .with_replacement(number.to_string()));
    }
    let value = parse_decimal(number)?;
    if value.scale != 0 {
        return Err(UnitError::number(format!("{what} must be a whole number")));
    }
    i64::try_from(value.mantissa).map_err(|_| UnitError::number(format!("{what} is too large")))
}

/// Formats millicores the way Kubernetes prints them: `250m`, `1`, `1500m`.
pub fn format_cpu(millis: u64) -> String {
    if millis.is_multiple_of(1000) {
        (millis / 1000).to_string()
    } else {
        format!("{millis}m")
    }
}

/// Formats bytes with the largest unit that divides them exactly: `256Mi`, `1G`, `1000`.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [(&str, u64); 12] = [
        ("Ei", 1 << 60),
        ("Pi", 1 << 50),
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
        ("E", 1_000_000_000_000_000_000),
        ("P", 1_000_000_000_000_000),
        ("T", 1_000_000_000_000),
        ("G", 1_000_000_000),
        ("M", 1_000_000),
        ("k", 1_000),
    ];
    for (unit, size) in UNITS {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{}{unit}", bytes / size);
        }
    }
    bytes.to_string()
}

/// Formats milliseconds compactly for messages and hovers: `30s`, `5m`, `1500ms`.
pub fn format_duration(millis: u64) -> String {
    for (unit, size) in [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
    ] {
        if millis >= size && millis.is_multiple_of(size) {
            return format!("{}{unit}", millis / size);
        }
    }
    format!("{millis}ms")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_in_cores_and_millicores() {
        assert_eq!(parse_cpu("250", Some("m")), Ok(250));
        assert_eq!(parse_cpu("1", None), Ok(1000));
        assert_eq!(parse_cpu("1.5", None), Ok(1500));
        assert_eq!(parse_cpu("0.001", None), Ok(1));
        assert!(parse_cpu("0.0005", None).is_err());
        assert!(parse_cpu("0", None).is_err());
        assert!(parse_cpu("-1", None).is_err());
        let error = parse_cpu("1", Some("Gi")).unwrap_err();
        assert!(error.unit_at_fault && error.message.contains("bytes"));
    }

    #[test]
    fn bytes_binary_and_decimal() {
        assert_eq!(parse_bytes("256", Some("Mi"), "memory"), Ok(256 << 20));
        assert_eq!(parse_bytes("1.5", Some("Gi"), "memory"), Ok(1_610_612_736));
        assert_eq!(parse_bytes("1", Some("G"), "memory"), Ok(1_000_000_000));
        assert!(parse_bytes("1024", None, "memory").is_err());
        assert_eq!(parse_bytes("1024", Some("Ki"), "memory"), Ok(1 << 20));
    }

    #[test]
    fn milli_memory_is_a_unit_error_with_a_fix() {
        let error = parse_bytes("500", Some("m"), "memory").unwrap_err();
        assert!(error.unit_at_fault);
        assert_eq!(error.replacement.as_deref(), Some("500Mi"));
        let error = parse_bytes("2", Some("GB"), "memory").unwrap_err();
        assert_eq!(error.replacement.as_deref(), Some("2Gi"));
        let error = parse_bytes("2", Some("s"), "memory").unwrap_err();
        assert!(error.help.unwrap_or_default().contains("time"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30", Some("s")), Ok(30_000));
        assert_eq!(parse_duration("5", Some("m")), Ok(300_000));
        assert_eq!(parse_duration("1.5", Some("s")), Ok(1500));
        assert_eq!(parse_duration("250", Some("ms")), Ok(250));
        assert_eq!(
            parse_duration("30", None)
                .unwrap_err()
                .replacement
                .as_deref(),
            Some("30s")
        );
        assert_eq!(
            parse_duration("30", Some("sec"))
                .unwrap_err()
                .replacement
                .as_deref(),
            Some("30s")
        );
    }

    #[test]
    fn percentages() {
        assert_eq!(parse_percent("5", Some("%")), Ok(5));
        assert!(parse_percent("101", Some("%")).is_err());
        assert!(parse_percent("5", None).is_err());
    }

    #[test]
    fn counts_reject_units_and_fractions() {
        assert_eq!(parse_count("3", None, "replicas"), Ok(3));
        assert!(parse_count("3", Some("m"), "replicas").is_err());
        assert!(parse_count("1.5", None, "replicas").is_err());
        assert!(parse_count("99999999999999999999999", None, "replicas").is_err());
    }

    #[test]
    fn formatting_round_trips() {
        assert_eq!(format_cpu(250), "250m");
        assert_eq!(format_cpu(2000), "2");
        assert_eq!(format_bytes(256 << 20), "256Mi");
        assert_eq!(format_bytes(1_610_612_736), "1536Mi");
        assert_eq!(format_bytes(1_000_000_000), "1G");
        assert_eq!(format_bytes(1000), "1k");
        assert_eq!(format_bytes(1001), "1001");
        assert_eq!(format_duration(300_000), "5m");
        assert_eq!(format_duration(1500), "1500ms");
    }

    #[test]
    fn huge_numbers_do_not_overflow() {
        assert!(parse_bytes("99999999999999999999", Some("Ei"), "memory").is_err());
        assert!(parse_cpu("999999999999999999999999999", None).is_err());
    }
}
