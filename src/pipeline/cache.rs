//! The on-disk cache of `build`: highlighted code blocks (see
//! [`crate::markdown::BlockCache`]) carried from one build to the next.
//!
//! It lives outside the output folder: in `$HANDBOOK_CACHE_DIR` when that
//! is set (a folder a CI system keeps between runs), else in the
//! repository's git folder (`.git/handbook/`, beside the git-history
//! caches) when the handbook is in a git work tree, else in
//! `.handbook-cache/` under the handbook root (discovery and `serve`'s
//! watcher skip dot-folders). The file is `blocks.bin` for a handbook at
//! the top of its repository, `blocks-<hash>.bin` (a hash of its folder)
//! otherwise, so two handbooks sharing a folder keep a file each.
//!
//! The file starts with a header (magic, format version, a hash of the
//! running binary, the payload's length and checksum); a file of another
//! format or binary, or one that is truncated or corrupt, is ignored and
//! rewritten, never trusted. The binary's hash is the key because a
//! block's HTML depends on nothing else: the grammars, the themes and the
//! class names are compiled in, and the config does not reach the
//! highlighter.
//!
//! The cache is written only when this build used other blocks than the
//! last (a rebuild with no code change writes nothing), through a
//! temporary file and a rename: two builds at once each write a whole file
//! and the last rename wins. It holds exactly the blocks this build used,
//! so its size follows the handbook's code; a file over [`MAX_BYTES`] is
//! not written. Failures to read or write (a read-only checkout) are
//! silent: the cache only ever saves time.

use crate::markdown::BlockCache;
use std::hash::{DefaultHasher, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The file's first bytes.
const MAGIC: &[u8; 8] = b"hbblocks";
/// Bumped whenever the header or payload layout changes.
const FORMAT: u32 = 1;
/// Magic, format, binary hash, payload length, payload checksum.
const HEADER: usize = 8 + 4 + 16 + 8 + 8;
/// Largest cache written (a handbook of 10,000 code-heavy pages needs
/// about 15 MB).
pub(crate) const MAX_BYTES: usize = 512 << 20;

/// The cache of one build: where it lives, and the blocks.
#[derive(Debug)]
pub(crate) struct DiskCache {
    path: PathBuf,
    binary: u128,
    /// The previous build's blocks; the highlighter records this build's.
    pub(crate) blocks: Arc<BlockCache>,
}

impl DiskCache {
    /// The cache of the handbook at `root`: its blocks if a readable one
    /// of this binary is there, else empty. `None` when the running
    /// binary cannot be read to key it.
    pub(crate) fn open(root: &Path) -> Option<DiskCache> {
        let binary = *binary_hash().as_ref()?;
        let path = cache_file(root);
        let blocks = std::fs::read(&path)
            .ok()
            .and_then(|bytes| decode(bytes, binary))
            .unwrap_or_default();
        Some(DiskCache {
            path,
            binary,
            blocks: Arc::new(blocks),
        })
    }

    /// Writes the blocks this build used, if they differ from the last
    /// build's; best effort.
    pub(crate) fn save(&self) {
        if !self.blocks.changed() {
            return;
        }
        let payload = self.blocks.encode();
        if payload.len() + HEADER > MAX_BYTES {
            return;
        }
        let mut file = Vec::with_capacity(HEADER + payload.len());
        file.extend_from_slice(MAGIC);
        file.extend_from_slice(&FORMAT.to_le_bytes());
        file.extend_from_slice(&self.binary.to_le_bytes());
        file.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        file.extend_from_slice(&checksum(&payload).to_le_bytes());
        file.extend_from_slice(&payload);
        drop(payload);
        crate::cache_file::write_atomically(&self.path, &file);
    }
}

/// The cache file of the handbook at `root` (see the module's docs).
pub(crate) fn cache_file(root: &Path) -> PathBuf {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let env = std::env::var_os("HANDBOOK_CACHE_DIR").filter(|v| !v.is_empty());
    let git = git_dir(&root);
    let dir = match (&env, &git) {
        (Some(dir), _) => PathBuf::from(dir),
        (None, Some((git_dir, _))) => git_dir.join("handbook"),
        (None, None) => root.join(".handbook-cache"),
    };
    // Which handbook: its folder within the work tree (stable across
    // clones), else its absolute path when the folder is shared.
    let id = match (&env, &git) {
        (_, Some((_, top))) => root
            .strip_prefix(top)
            .map(crate::discover::to_slash)
            .unwrap_or_else(|_| root.to_string_lossy().into_owned()),
        (Some(_), None) => root.to_string_lossy().into_owned(),
        (None, None) => String::new(),
    };
    if id.is_empty() {
        dir.join("blocks.bin")
    } else {
        let mut h = DefaultHasher::new();
        h.write(id.as_bytes());
        dir.join(format!("blocks-{:016x}.bin", h.finish()))
    }
}

/// The git folder of the work tree holding `start` (canonical), and the
/// work tree's top ([`crate::repo_path::work_tree_root`]): its `.git`
/// folder, or where a `.git` file (a linked work tree, a submodule) points.
fn git_dir(start: &Path) -> Option<(PathBuf, PathBuf)> {
    let top = crate::repo_path::work_tree_root(start, &crate::repo_path::git_ceilings())?;
    let dot = top.join(".git");
    if dot.is_dir() {
        return Some((dot, top));
    }
    let text = std::fs::read_to_string(&dot).ok()?;
    let target = top.join(text.strip_prefix("gitdir:")?.trim());
    target.is_dir().then_some((target, top))
}

/// The payload of a cache file, if it has this format and binary and its
/// checksum holds.
fn decode(mut bytes: Vec<u8>, binary: u128) -> Option<BlockCache> {
    let header = bytes.get(..HEADER)?;
    let (magic, rest) = header.split_at(8);
    let (format, rest) = rest.split_at(4);
    let (hash, rest) = rest.split_at(16);
    let (len, sum) = rest.split_at(8);
    if magic != MAGIC
        || u32::from_le_bytes(format.try_into().ok()?) != FORMAT
        || u128::from_le_bytes(hash.try_into().ok()?) != binary
        || u64::from_le_bytes(len.try_into().ok()?) != (bytes.len() - HEADER) as u64
    {
        return None;
    }
    let sum = u64::from_le_bytes(sum.try_into().ok()?);
    bytes.drain(..HEADER);
    if checksum(&bytes) != sum {
        return None;
    }
    BlockCache::decode(bytes)
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// A hash of the running binary's file, computed once per process.
fn binary_hash() -> &'static Option<u128> {
    static HASH: OnceLock<Option<u128>> = OnceLock::new();
    HASH.get_or_init(|| {
        let mut file = std::fs::File::open(std::env::current_exe().ok()?).ok()?;
        let mut halves = [DefaultHasher::new(), DefaultHasher::new()];
        halves[1].write_u8(1);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = file.read(&mut buf).ok()?;
            if n == 0 {
                break;
            }
            for h in &mut halves {
                h.write(&buf[..n]);
            }
        }
        let [a, b] = halves.map(|h| h.finish());
        Some((u128::from(a) << 64) | u128::from(b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(root: &Path, blocks: &[(&str, &str)]) -> PathBuf {
        let cache = DiskCache::open(root).expect("binary readable");
        for (code, html) in blocks {
            let key = crate::markdown::block_key("rust", code);
            cache.blocks.put(key, html);
        }
        cache.save();
        cache.path
    }

    #[test]
    fn a_saved_cache_is_read_back_and_a_damaged_one_ignored() {
        let dir = std::env::temp_dir().join(format!("hb-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = saved(
            &dir,
            &[("fn a() {}", "<b>a</b>"), ("fn b() {}", "<b>b</b>")],
        );
        assert_eq!(path, cache_file(&dir));
        let again = DiskCache::open(&dir).unwrap();
        assert_eq!(again.blocks.previous_len(), 2);

        let good = std::fs::read(&path).unwrap();
        // Every single-byte change is caught: header fields or checksum.
        for at in [0, 9, 12, 30, 40, HEADER, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            std::fs::write(&path, &bad).unwrap();
            assert_eq!(
                DiskCache::open(&dir).unwrap().blocks.previous_len(),
                0,
                "byte {at}"
            );
        }
        std::fs::write(&path, &good[..good.len() / 2]).unwrap();
        assert_eq!(DiskCache::open(&dir).unwrap().blocks.previous_len(), 0);
        // Another binary's cache (here: another hash) is not used.
        let mut foreign = good.clone();
        foreign[12..28].copy_from_slice(&[7; 16]);
        assert!(decode(foreign, binary_hash().unwrap()).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_cache_goes_in_the_git_folder_when_there_is_one() {
        if std::env::var_os("HANDBOOK_CACHE_DIR").is_some() {
            return;
        }
        let dir = std::env::temp_dir().join(format!("hb-cache-git-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::create_dir_all(dir.join("docs")).unwrap();
        let canon = dir.canonicalize().unwrap();
        assert_eq!(cache_file(&dir), canon.join(".git/handbook/blocks.bin"));
        let docs = cache_file(&dir.join("docs"));
        assert_eq!(docs.parent(), Some(canon.join(".git/handbook").as_path()));
        assert_ne!(docs, canon.join(".git/handbook/blocks.bin"));
        // A linked work tree: `.git` is a file naming the git folder.
        let linked = dir.join("linked");
        std::fs::create_dir_all(&linked).unwrap();
        std::fs::create_dir_all(dir.join(".git/worktrees/linked")).unwrap();
        let gitdir = canon.join(".git/worktrees/linked");
        std::fs::write(
            linked.join(".git"),
            format!("gitdir: {}\n", gitdir.display()),
        )
        .unwrap();
        assert_eq!(cache_file(&linked), gitdir.join("handbook/blocks.bin"));
        let _ = std::fs::remove_dir_all(&dir);
        let plain = std::env::temp_dir().join(format!("hb-cache-plain-{}", std::process::id()));
        std::fs::create_dir_all(&plain).unwrap();
        let canon = plain.canonicalize().unwrap();
        if git_dir(&canon).is_none() {
            assert_eq!(cache_file(&plain), canon.join(".handbook-cache/blocks.bin"));
        }
        let _ = std::fs::remove_dir_all(&plain);
    }
}
