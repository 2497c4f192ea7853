//! How much memory a step may take: the machine's available memory, or a limit the user
//! sets (`memory_limit`), checked before a large allocation, so a too-large exact solve
//! is refused with what it needs instead of aborting the process.

use crate::error::{Error, Result};
use crate::param::Param;

/// Memory the operating system says can be allocated without swapping (Linux:
/// `MemAvailable` of `/proc/meminfo`); `None` where it cannot tell.
pub fn available() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kb: u64 = info
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Parses a size: bytes, or a number with `K`, `M`, `G` or `T` (powers of 1024; an
/// optional `B` or `iB` after it), e.g. `512M`, `1.5G`.
pub fn parse_size(text: &str) -> Result<u64> {
    let t = text.trim();
    let upper = t.to_ascii_uppercase();
    let body = upper
        .strip_suffix("IB")
        .or_else(|| upper.strip_suffix('B'))
        .unwrap_or(&upper);
    let (number, scale) = match body.chars().last() {
        Some('K') => (&body[..body.len() - 1], 1u64 << 10),
        Some('M') => (&body[..body.len() - 1], 1 << 20),
        Some('G') => (&body[..body.len() - 1], 1 << 30),
        Some('T') => (&body[..body.len() - 1], 1 << 40),
        _ => (body, 1),
    };
    match number.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x * (scale as f64) < u64::MAX as f64 => {
            Ok((x * scale as f64) as u64)
        }
        _ => Err(Error::param(
            Param::MemoryLimit,
            format!("`{t}`: expected a size such as 512M, 8G or a number of bytes"),
        )),
    }
}

/// A size for a person: `1.5 GiB`, `512 MiB`.
pub fn describe(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            return format!("{:.1} {unit}", bytes as f64 / size as f64);
        }
    }
    format!("{bytes} bytes")
}

/// Fails when `need` bytes are more than `limit` (when set) or than the memory
/// available; `what` names the step and `instead` says what to do.
pub fn check(model: &str, what: &str, need: u64, limit: Option<u64>, instead: &str) -> Result<()> {
    let (cap, source) = match limit {
        Some(l) => (l, "`memory_limit`"),
        None => match available() {
            Some(a) => (a, "the memory available on this machine"),
            None => return Ok(()),
        },
    };
    if need > cap {
        return Err(Error::unsupported(
            model,
            format!(
                "{what} needs about {}, more than {source} ({}); {instead}",
                describe(need),
                describe(cap)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("512M").unwrap(), 512 << 20);
        assert_eq!(parse_size("1.5g").unwrap(), 3 << 29);
        assert_eq!(parse_size("8GiB").unwrap(), 8 << 30);
        assert_eq!(parse_size("1000").unwrap(), 1000);
        assert!(parse_size("lots").is_err());
        assert!(parse_size("-1G").is_err());
        assert_eq!(describe(3 << 29), "1.5 GiB");
    }

    #[test]
    fn a_step_over_the_limit_is_refused_with_what_it_needs() {
        let err = check(
            "shapley",
            "an exact solve",
            2 << 30,
            Some(1 << 30),
            "sample",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "shapley: an exact solve needs about 2.0 GiB, more than `memory_limit` (1.0 GiB); sample"
        );
        assert!(check("shapley", "x", 1 << 20, Some(1 << 30), "").is_ok());
    }
}
