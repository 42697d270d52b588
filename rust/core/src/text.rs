//! Text that comes from a server is data, never terminal instructions. Graph's error codes and
//! messages, bodies quoted in messages, response headers in `-Debug` traces and the identity
//! platform's error descriptions all pass through [`clean_server_text`] where they are read, so
//! no later layer (the FFI, C#, a console) can be handed an escape sequence.

/// Removes terminal control sequences and control characters from `text`:
/// - ANSI/VT sequences: CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL` or `ESC \`), and any other
///   two-character `ESC x` sequence, removed whole, so `ESC[2J` leaves nothing behind;
/// - C0 and C1 control characters and DEL: line breaks and tabs become a space (a message stays
///   one readable line), the rest are removed;
/// - bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which can make a
///   message read differently from what it says.
pub fn clean_server_text(text: &str) -> String {
    if !text.chars().any(needs_cleaning) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape_sequence(&mut chars),
            // C1 CSI and OSC introducers start sequences of their own.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' => skip_osc(&mut chars),
            '\n' | '\r' | '\t' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c if needs_cleaning(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// The start of a body that is not the JSON we expected (a proxy's HTML page, plain text), for
/// quoting in a message: at most 200 characters, cleaned, trimmed; empty when there is nothing
/// to show. Cut before cleaning, so a huge body costs little.
pub fn body_snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    clean_server_text(&text).chars().take(200).collect::<String>().trim().to_owned()
}

fn needs_cleaning(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape_sequence(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']') => skip_osc(chars),
        // Other ESC sequences are two characters (ESC c, ESC 7, ...); a lone ESC at the end is dropped.
        _ => {}
    }
}

/// CSI: parameter and intermediate bytes (0x20-0x3F), then one final byte (0x40-0x7E).
fn skip_csi(chars: &mut Chars<'_>) {
    while let Some(&c) = chars.peek() {
        chars.next();
        if ('\u{40}'..='\u{7e}').contains(&c) || !(' '..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// OSC: everything up to BEL, ST (`ESC \`) or C1 ST.
fn skip_osc(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{07}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_kept_as_it_is() {
        assert_eq!(clean_server_text("Resource 'x' does not exist. ÄÖü ✓"), "Resource 'x' does not exist. ÄÖü ✓");
    }

    #[test]
    fn escape_sequences_are_removed_whole() {
        let hostile = "\u{1b}[2J\u{1b}[31mred\u{1b}[0m \u{1b}]0;pwned title\u{07}after\u{07} bell \u{1b}]8;;http://x\u{1b}\\link\u{1b}c";
        let cleaned = clean_server_text(hostile);
        assert_eq!(cleaned, "red after bell link");
        assert!(!cleaned.chars().any(char::is_control));
    }

    #[test]
    fn c1_sequences_and_bidi_overrides_are_removed() {
        assert_eq!(clean_server_text("a\u{9b}31mb\u{9d}title\u{9c}c\u{202e}d\u{2066}e"), "abcde");
    }

    #[test]
    fn line_breaks_become_single_spaces_and_other_controls_go() {
        assert_eq!(clean_server_text("one\r\ntwo\tthree\u{0}\u{7f}four"), "one two threefour");
    }

    #[test]
    fn an_unterminated_sequence_does_not_swallow_a_panic_or_loop() {
        assert_eq!(clean_server_text("ok\u{1b}["), "ok");
        assert_eq!(clean_server_text("ok\u{1b}]never ends"), "ok");
        assert_eq!(clean_server_text("\u{1b}"), "");
    }
}
