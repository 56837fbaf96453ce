//! The one number parser for what users type: `0x` hex, `0b` binary or decimal, `_`
//! separators allowed. Used by the CLI flags, the JS API options and the encoder.

/// Why a number did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumError {
    #[error("{0:?} is not a number (use 0x for hex, 0b for binary)")]
    NotANumber(String),
    #[error("{0:?} does not fit in 64 bits")]
    TooLarge(String),
}

/// `0x1f`, `0b101`, `31`, `1_000`. Leading and trailing spaces are ignored.
pub fn parse_u64(s: &str) -> Result<u64, NumError> {
    let t = s.trim().replace('_', "");
    let (digits, radix) = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (h, 16)
    } else if let Some(b) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
        (b, 2)
    } else {
        (t.as_str(), 10)
    };
    let clip = || {
        let mut c: String = s.trim().chars().take(40).collect();
        if s.trim().chars().count() > 40 {
            c.push_str("...");
        }
        c
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(NumError::NotANumber(clip()));
    }
    u64::from_str_radix(digits, radix).map_err(|_| NumError::TooLarge(clip()))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn spellings() {
        assert_eq!(parse_u64("0x1F"), Ok(31));
        assert_eq!(parse_u64(" 0b101 "), Ok(5));
        assert_eq!(parse_u64("1_000"), Ok(1000));
        assert_eq!(parse_u64("0xffff_ffff_ffff_ffff"), Ok(u64::MAX));
        assert!(matches!(parse_u64("0x1_0000_0000_0000_0000"), Err(NumError::TooLarge(_))));
        assert!(matches!(parse_u64("12a"), Err(NumError::NotANumber(_))));
        assert!(matches!(parse_u64(""), Err(NumError::NotANumber(_))));
        assert!(matches!(parse_u64("0x"), Err(NumError::NotANumber(_))));
        assert!(matches!(parse_u64("-1"), Err(NumError::NotANumber(_))));
    }
}
