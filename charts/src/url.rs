/// Percent-encodes a URL query value (org names may hold spaces or `&`); unreserved
/// characters stay as they are.
pub fn encode_query_value(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reserved_characters_are_escaped() {
        assert_eq!(super::encode_query_value("Frontend Repos&x=ü"), "Frontend%20Repos%26x%3D%C3%BC");
    }
}
