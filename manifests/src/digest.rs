use std::io::Read;
use std::path::Path;

use crate::ManifestError;

/// The stable document id: the first 128 bits of BLAKE3(source ∥ 0 ∥ source_file ∥ 0 ∥ offset),
/// as 32 hex chars. It depends only on where the document was stored, so it is the same for any
/// run, thread count or shard split.
pub fn doc_id(source: &str, source_file: &str, offset: u64) -> String {
    let mut h = blake3::Hasher::new();
    h.update(source.as_bytes());
    h.update(&[0]);
    h.update(source_file.as_bytes());
    h.update(&[0]);
    h.update(offset.to_string().as_bytes());
    let bytes = h.finalize();
    hex(&bytes.as_bytes()[..16])
}

/// BLAKE3 of a byte string as 64 hex chars.
pub fn blake3_hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// BLAKE3 and size of a file, read streaming.
pub fn blake3_file(path: &Path) -> Result<(String, u64), ManifestError> {
    let mut f = std::fs::File::open(path).map_err(|e| ManifestError::io(path, e))?;
    let mut h = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n_total = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| ManifestError::io(path, e))?;
        if n == 0 {
            break;
        }
        n_total += n as u64;
        h.update(&buf[..n]);
    }
    Ok((h.finalize().to_hex().to_string(), n_total))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_id_is_stable_and_separates_fields() {
        let a = doc_id("web", "a.warc.gz", 0);
        assert_eq!(a.len(), 32);
        assert_eq!(a, doc_id("web", "a.warc.gz", 0));
        assert_ne!(a, doc_id("web", "a.warc.gz", 1));
        // The zero separator keeps ("ab","c") and ("a","bc") apart.
        assert_ne!(doc_id("ab", "c", 0), doc_id("a", "bc", 0));
    }
}
