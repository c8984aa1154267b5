//! Highlighted code blocks carried from one build to the next.
//!
//! Highlighting is most of a code-heavy build's time, and a build after a
//! small edit highlights nearly the same blocks again. A [`BlockCache`]
//! holds the blocks the last build highlighted (decoded from bytes the
//! pipeline read from disk) and collects what this build uses, so the
//! pipeline can write the next cache. Keyed by a 128-bit hash of the
//! language token and the code; nothing else goes into a block's HTML
//! except the binary itself, which the pipeline puts in the file's key.
//!
//! Blocks are kept LZ4-compressed (highlighted HTML is repetitive: about a
//! fifth of its size), both as read and as collected, so a build that uses
//! the cache holds little beyond what an uncached build holds.
//!
//! Must not: touch disk, trust its input (a malformed buffer decodes to
//! `None`; a block that does not decompress to UTF-8 is a miss), or keep
//! blocks this build did not use (the next cache holds exactly this
//! build's blocks, so its size follows the handbook's code).

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Number of independently locked shards of the "used" map.
const SHARDS: usize = 16;

/// A block's key: a 128-bit hash of `(lang, code)`.
pub(crate) type BlockKey = u128;

/// The key of `code` highlighted as `lang`: two 64-bit SipHashes with
/// different prefixes, so a collision needs both to collide.
pub(crate) fn block_key(lang: &str, code: &str) -> BlockKey {
    let half = |salt: u8| {
        let mut h = DefaultHasher::new();
        salt.hash(&mut h);
        lang.hash(&mut h);
        code.hash(&mut h);
        h.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// Where a used block's compressed bytes are.
enum Stored {
    /// In the previous build's buffer, at this range.
    Previous(Range<usize>),
    /// Compressed by this build.
    New(Box<[u8]>),
}

/// The previous build's blocks and the blocks this build used; shared by
/// every parsing thread.
pub struct BlockCache {
    /// The previous cache's payload (see [`BlockCache::encode`]).
    previous: Vec<u8>,
    /// Key → (range of the compressed bytes in `previous`, raw length).
    index: HashMap<BlockKey, (Range<usize>, usize)>,
    /// What this build used, sharded by key.
    used: [Mutex<HashMap<BlockKey, (Stored, usize)>>; SHARDS],
}

impl std::fmt::Debug for BlockCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockCache")
            .field("previous", &self.index.len())
            .finish()
    }
}

impl Default for BlockCache {
    fn default() -> Self {
        Self::empty()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Entries are inserted whole; a panic elsewhere cannot leave one half-made.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn shard_of(key: BlockKey) -> usize {
    (key % SHARDS as u128) as usize
}

impl BlockCache {
    /// A cache with no previous blocks (a cold build).
    pub fn empty() -> Self {
        Self::with_previous(Vec::new(), HashMap::new())
    }

    fn with_previous(previous: Vec<u8>, index: HashMap<BlockKey, (Range<usize>, usize)>) -> Self {
        Self {
            previous,
            index,
            used: std::array::from_fn(|_| Mutex::new(HashMap::new())),
        }
    }

    /// Reads a payload written by [`BlockCache::encode`]; `None` if it is
    /// malformed (truncated, lengths out of range, a key twice).
    pub fn decode(payload: Vec<u8>) -> Option<Self> {
        let mut at = 0usize;
        let mut take = |n: usize| -> Option<Range<usize>> {
            let end = at.checked_add(n).filter(|&e| e <= payload.len())?;
            let r = at..end;
            at = end;
            Some(r)
        };
        let u32_at = |r: Range<usize>, p: &[u8]| -> Option<usize> {
            Some(u32::from_le_bytes(p.get(r)?.try_into().ok()?) as usize)
        };
        let count = u32_at(take(4)?, &payload)?;
        let mut index = HashMap::with_capacity(count.min(1 << 20));
        for _ in 0..count {
            let key = u128::from_le_bytes(payload.get(take(16)?)?.try_into().ok()?);
            let raw = u32_at(take(4)?, &payload)?;
            let len = u32_at(take(4)?, &payload)?;
            let bytes = take(len)?;
            if index.insert(key, (bytes, raw)).is_some() {
                return None;
            }
        }
        if at != payload.len() {
            return None;
        }
        Some(Self::with_previous(payload, index))
    }

    /// Blocks carried over from the previous build.
    pub fn previous_len(&self) -> usize {
        self.index.len()
    }

    /// The HTML of block `key` if the previous build highlighted it; the
    /// block is then kept for the next cache.
    pub(crate) fn get(&self, key: BlockKey) -> Option<String> {
        let (range, raw) = self.index.get(&key)?;
        let bytes = self.previous.get(range.clone())?;
        let html = lz4_flex::decompress(bytes, *raw).ok()?;
        if html.len() != *raw {
            return None;
        }
        let html = String::from_utf8(html).ok()?;
        lock(&self.used[shard_of(key)]).insert(key, (Stored::Previous(range.clone()), *raw));
        Some(html)
    }

    /// Keeps block `key`, highlighted by this build, for the next cache.
    pub(crate) fn put(&self, key: BlockKey, html: &str) {
        let bytes = lz4_flex::compress(html.as_bytes()).into_boxed_slice();
        lock(&self.used[shard_of(key)]).insert(key, (Stored::New(bytes), html.len()));
    }

    /// Whether the blocks this build used differ from the previous build's
    /// (a new block, or one no longer used), so the cache should be written.
    pub fn changed(&self) -> bool {
        let mut used = 0;
        for shard in &self.used {
            let shard = lock(shard);
            if shard.values().any(|(s, _)| matches!(s, Stored::New(_))) {
                return true;
            }
            used += shard.len();
        }
        used != self.index.len()
    }

    /// The blocks this build used, as a payload for [`BlockCache::decode`]:
    /// a count, then per block (sorted by key) the key, the raw length, the
    /// compressed length and the compressed bytes, integers little-endian.
    /// Blocks whose sizes do not fit 32 bits are left out.
    pub fn encode(&self) -> Vec<u8> {
        let shards: Vec<_> = self.used.iter().map(lock).collect();
        let mut blocks: Vec<(BlockKey, &[u8], usize)> = shards
            .iter()
            .flat_map(|s| s.iter())
            .filter_map(|(key, (stored, raw))| {
                let bytes = match stored {
                    Stored::Previous(r) => self.previous.get(r.clone())?,
                    Stored::New(b) => b,
                };
                (u32::try_from(*raw).is_ok() && u32::try_from(bytes.len()).is_ok())
                    .then_some((*key, bytes, *raw))
            })
            .collect();
        blocks.sort_unstable_by_key(|b| b.0);
        let size: usize = blocks.iter().map(|b| 24 + b.1.len()).sum();
        let mut out = Vec::with_capacity(4 + size);
        out.extend_from_slice(&(blocks.len() as u32).to_le_bytes());
        for (key, bytes, raw) in blocks {
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&(raw as u32).to_le_bytes());
            out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            out.extend_from_slice(bytes);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_round_trip_and_only_used_ones_are_kept() {
        let first = BlockCache::empty();
        let (a, b) = (
            block_key("rust", "fn a() {}"),
            block_key("rust", "fn b() {}"),
        );
        first.put(a, "<span class=\"l1\">fn</span> a");
        first.put(b, "<span class=\"l1\">fn</span> b");
        assert!(first.changed());
        let second = BlockCache::decode(first.encode()).expect("decodes");
        assert_eq!(second.previous_len(), 2);
        assert!(
            second.changed(),
            "nothing used yet: the next cache would be smaller"
        );
        assert_eq!(
            second.get(a).as_deref(),
            Some("<span class=\"l1\">fn</span> a")
        );
        assert!(second.get(b).is_some());
        assert!(!second.changed(), "the same blocks again: nothing to write");
        let third = BlockCache::decode(second.encode()).expect("decodes");
        assert_eq!(
            third.get(a).as_deref(),
            Some("<span class=\"l1\">fn</span> a")
        );
        // Only `a` was used: the next cache drops `b`.
        assert!(third.changed());
        let fourth = BlockCache::decode(third.encode()).expect("decodes");
        assert_eq!(fourth.previous_len(), 1);
        assert_eq!(fourth.get(b), None);
    }

    #[test]
    fn keys_depend_on_language_and_code() {
        assert_ne!(block_key("rust", "x"), block_key("python", "x"));
        assert_ne!(block_key("rust", "x"), block_key("rust", "y"));
        assert_ne!(block_key("ab", "c"), block_key("a", "bc"));
        assert_eq!(block_key("rust", "x"), block_key("rust", "x"));
    }

    #[test]
    fn malformed_payloads_are_refused() {
        let c = BlockCache::empty();
        c.put(block_key("rust", "x"), "some html");
        c.put(block_key("rust", "y"), "more html");
        let good = c.encode();
        assert!(BlockCache::decode(good.clone()).is_some());
        for cut in 0..good.len() {
            assert!(
                BlockCache::decode(good[..cut].to_vec()).is_none(),
                "cut {cut}"
            );
        }
        let mut longer = good.clone();
        longer.push(0);
        assert!(BlockCache::decode(longer).is_none());
        // A count far larger than the payload.
        assert!(BlockCache::decode(u32::MAX.to_le_bytes().to_vec()).is_none());
    }

    #[test]
    fn a_block_that_does_not_decompress_is_a_miss() {
        let c = BlockCache::empty();
        let key = block_key("rust", "x");
        c.put(key, "fn main() {}");
        let mut payload = c.encode();
        // Claim other raw lengths than the bytes decompress to.
        for raw in [1u32, 11, 13, 1_000_000] {
            payload[20..24].copy_from_slice(&raw.to_le_bytes());
            let d = BlockCache::decode(payload.clone()).expect("well-formed");
            assert_eq!(d.get(key), None, "raw length {raw}");
        }
        // Bytes that are not LZ4 at all.
        let at = payload.len() - 3;
        payload[20..24].copy_from_slice(&12u32.to_le_bytes());
        payload[at..].copy_from_slice(&[0xff; 3]);
        let d = BlockCache::decode(payload).expect("well-formed");
        assert_eq!(d.get(key), None);
    }
}
