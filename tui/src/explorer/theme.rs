//! Light and dark themes. Colours are ANSI named colours so they follow the terminal's
//! palette; the light theme avoids yellow/white text that vanishes on a white background.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    Dark,
    Light,
}

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub name: ThemeName,
    pub text: Style,
    pub dim: Style,
    pub title: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub selected: Style,
    pub highlight_bits: Style,
    pub good: Style,
    pub warn: Style,
    pub bad: Style,
    pub accent: Style,
    pub border: Style,
    pub status: Style,
}

impl Theme {
    pub fn new(name: ThemeName) -> Theme {
        let b = Style::default();
        match name {
            ThemeName::Dark => Theme {
                name,
                text: b.fg(Color::Reset),
                dim: b.fg(Color::DarkGray),
                title: b.fg(Color::Cyan).add_modifier(Modifier::BOLD),
                tab: b.fg(Color::Gray),
                tab_active: b.fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD),
                selected: b.fg(Color::Black).bg(Color::LightBlue),
                highlight_bits: b.fg(Color::Black).bg(Color::Yellow).add_modifier(Modifier::BOLD),
                good: b.fg(Color::Green),
                warn: b.fg(Color::Yellow),
                bad: b.fg(Color::LightRed).add_modifier(Modifier::BOLD),
                accent: b.fg(Color::LightMagenta),
                border: b.fg(Color::DarkGray),
                status: b.fg(Color::Black).bg(Color::Gray),
            },
            ThemeName::Light => Theme {
                name,
                text: b.fg(Color::Black),
                dim: b.fg(Color::DarkGray),
                title: b.fg(Color::Blue).add_modifier(Modifier::BOLD),
                tab: b.fg(Color::DarkGray),
                tab_active: b.fg(Color::White).bg(Color::Blue).add_modifier(Modifier::BOLD),
                selected: b.fg(Color::White).bg(Color::Blue),
                highlight_bits: b.fg(Color::White).bg(Color::Magenta).add_modifier(Modifier::BOLD),
                good: b.fg(Color::Green),
                warn: b.fg(Color::Red),
                bad: b.fg(Color::Red).add_modifier(Modifier::BOLD),
                accent: b.fg(Color::Magenta),
                border: b.fg(Color::Gray),
                status: b.fg(Color::White).bg(Color::DarkGray),
            },
        }
    }
    pub fn toggled(self) -> Theme {
        Theme::new(match self.name {
            ThemeName::Dark => ThemeName::Light,
            ThemeName::Light => ThemeName::Dark,
        })
    }
}

/// Standard base64 (RFC 4648) for OSC 52.
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for ch in data.chunks(3) {
        let b0 = ch[0] as u32;
        let b1 = ch.get(1).copied().unwrap_or(0) as u32;
        let b2 = ch.get(2).copied().unwrap_or(0) as u32;
        let n = (b0 << 16) | (b1 << 8) | b2;
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if ch.len() > 1 { T[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if ch.len() > 2 { T[n as usize & 63] as char } else { '=' });
    }
    out
}

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_rfc4648_vectors() {
        // RFC 4648 section 10 test vectors.
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(super::base64(i.as_bytes()), o);
        }
    }
}
