//! Stage 6: write the site to disk atomically. Files go into a fresh
//! sibling folder (the [`Staging`] area) as they are rendered, and the
//! finished folder is swapped in with renames, so a failed build never
//! leaves a half-written site and the previous site stays in place until
//! the new one is complete. Rendering writes through a [`Sink`]: the
//! staging folder for `build`, a map in memory for tests and `serve`.

use crate::discover::AssetFile;
use crate::error::{io_err, Error, Result};
use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Where rendered files go: a staging folder on disk for `build`, a map
/// in memory for tests and `serve`. Called from many threads at once.
pub trait Sink: Sync {
    /// Stores one file at a root-relative, '/'-separated path. A later
    /// call for the same path replaces the earlier file.
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<()>;

    /// Asked before a template is rendered into `path`; returning false
    /// skips rendering it (and its `put`). `key()` is a fingerprint of
    /// everything the template sees (its name and serialised context), so
    /// equal keys mean equal output under the same
    /// [`Theme`](crate::render::Theme). `serve` uses
    /// this to re-render only what changed; the default renders everything
    /// and never computes a key. The sidebar's node files (`nav/ID.js`) are
    /// asked for too, keyed by their bytes. Statics, `sitemap.xml` and other
    /// non-template files are always `put`.
    fn wants(&self, path: &str, key: &dyn Fn() -> u64) -> bool {
        let _ = (path, key);
        true
    }
}

impl Sink for Mutex<BTreeMap<String, Vec<u8>>> {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<()> {
        self.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(path.to_owned(), bytes);
        Ok(())
    }
}

/// Marker file that identifies a folder as a handbook build output, so a
/// build never replaces a folder it did not create.
pub const MARKER: &str = ".handbook-build";

/// The folder to build into, as it will exist once the build has made the
/// folders it names: absolute, with `.` and `..` resolved the way the OS
/// resolves them, and symlinks that exist followed (a `book -> /srv/www`
/// link stays, and the site lands in `/srv/www`). Resolving before anything
/// is created matters: in `book/../src`, `book` does not exist yet, but it
/// would once the build made it, and the site would replace `src`.
/// Refuses a path that is a file, or a link to nothing or to a file:
/// swapping the new site in would replace it.
pub fn resolve_out_dir(out_dir: &Path) -> Result<PathBuf> {
    let resolved = effective_path(out_dir)?;
    let Ok(meta) = std::fs::symlink_metadata(&resolved) else {
        return Ok(resolved);
    };
    if meta.file_type().is_symlink() {
        // Only a link to nothing is left unresolved by `effective_path`.
        return Err(Error::Usage(format!(
            "refusing to build into {}: it is a symlink to a folder that does not exist; create the folder or choose another --dest",
            out_dir.display()
        )));
    }
    if !meta.is_dir() {
        return Err(Error::Usage(format!(
            "refusing to replace {}: it is a file, not a folder; choose another --dest or [build] build-dir",
            shown(out_dir, &resolved)
        )));
    }
    Ok(resolved)
}

/// `path` made absolute, `.` dropped, each existing prefix canonicalized
/// (symlinks followed) and `..` applied to what it names: the real parent
/// of a folder that exists, the lexical parent of one that does not yet
/// (the build creates it as a plain folder).
fn effective_path(path: &Path) -> Result<PathBuf> {
    let abs = std::path::absolute(path).map_err(io_err(path))?;
    let mut out = PathBuf::new();
    for comp in abs.components() {
        match comp {
            Component::Prefix(_) | Component::RootDir => out.push(comp),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if let Ok(real) = out.canonicalize() {
                    out = real;
                }
            }
        }
    }
    Ok(out)
}

/// `asked (which is resolved)` when the two differ, for messages.
fn shown(asked: &Path, resolved: &Path) -> String {
    if std::path::absolute(asked).is_ok_and(|a| a == resolved) {
        asked.display().to_string()
    } else {
        format!("{} (which is {})", asked.display(), resolved.display())
    }
}

/// Refuses output folders whose replacement would destroy sources:
/// `out_dir` (as from [`resolve_out_dir`]) must not be the handbook root,
/// the content folder or a folder holding either (compared by path and by
/// file identity, so case variants on case-insensitive file systems and
/// other names for the same folder count), and must not be a non-empty
/// folder that handbook did not write.
pub fn check_out_dir(out_dir: &Path, root: &Path, content_dir: &Path) -> Result<()> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_owned());
    let out = canonical(out_dir);
    let sources = [canonical(root), canonical(content_dir)];
    let danger = sources.iter().any(|src| {
        src.starts_with(&out)
            || src
                .ancestors()
                .any(|above| same_file(above, &out).unwrap_or(false))
    });
    if danger {
        return Err(Error::Usage(format!(
            "refusing to build into {}: it is or contains the handbook sources ({}); choose another --dest or [build] build-dir",
            out_dir.display(),
            content_dir.display()
        )));
    }
    if out_dir.is_dir() && !out_dir.join(MARKER).exists() {
        let mut entries = std::fs::read_dir(out_dir).map_err(io_err(out_dir))?;
        if entries.next().is_some() {
            return Err(Error::Usage(format!(
                "refusing to replace {}: it is not empty and was not written by handbook; remove it or choose another --dest",
                out_dir.display()
            )));
        }
    }
    Ok(())
}

/// Are `a` and `b` the same file or folder (same device and inode)? `None`
/// when either does not exist or the platform cannot tell.
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> Option<bool> {
    use std::os::unix::fs::MetadataExt;
    let (a, b) = (std::fs::metadata(a).ok()?, std::fs::metadata(b).ok()?);
    Some(a.dev() == b.dev() && a.ino() == b.ino())
}

#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path) -> Option<bool> {
    // Canonical paths differ only in case on a case-insensitive volume.
    let (a, b) = (a.canonicalize().ok()?, b.canonicalize().ok()?);
    Some(a.to_string_lossy().to_lowercase() == b.to_string_lossy().to_lowercase())
}

/// A temporary folder beside the output folder that receives the new site.
/// [`Staging::commit`] swaps it in; dropping it uncommitted removes it.
#[derive(Debug)]
pub struct Staging {
    tmp: PathBuf,
    out_dir: PathBuf,
    made: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    /// Creates `.NAME.tmp-PID` beside `out_dir`, marked as handbook's from
    /// the start, after removing what builds that died left there.
    pub fn new(out_dir: &Path) -> Result<Staging> {
        let parent = out_dir.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        remove_dead_leftovers(out_dir);
        let tmp = parent.join(format!(".{}.tmp-{}", dir_name(out_dir), std::process::id()));
        if tmp.exists() {
            remove_site_dir(&tmp).map_err(io_err(&tmp))?;
        }
        std::fs::create_dir_all(&tmp).map_err(io_err(&tmp))?;
        write_marker(&tmp)?;
        Ok(Staging {
            tmp,
            out_dir: out_dir.to_owned(),
            made: Mutex::new(HashSet::new()),
            committed: false,
        })
    }

    fn ensure_parent(&self, dest: &Path) -> Result<()> {
        if let Some(dir) = dest.parent() {
            let mut made = self
                .made
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if made.insert(dir.to_path_buf()) {
                std::fs::create_dir_all(dir).map_err(io_err(dir))?;
            }
        }
        Ok(())
    }

    /// Copies content assets (images, attachments) into the staging folder.
    pub fn copy_assets(&self, assets: &[AssetFile]) -> Result<()> {
        for asset in assets {
            let dest = self.tmp.join(&asset.rel);
            self.ensure_parent(&dest)?;
            std::fs::copy(&asset.abs, &dest).map_err(io_err(&asset.abs))?;
        }
        Ok(())
    }

    /// Swaps the staging folder in place of the output folder; the previous site is restored if the swap fails.
    pub fn commit(mut self) -> Result<()> {
        // Where the OS can swap two folders in one step, there is no moment
        // without a site, whenever the build is killed.
        if exchange(&self.tmp, &self.out_dir) {
            self.committed = true;
            // The old site now stands at the staging path, marked: if this
            // removal is cut short, the next build finishes it.
            remove_site_dir(&self.tmp).map_err(io_err(&self.tmp))?;
            return Ok(());
        }
        let parent = self.out_dir.parent().unwrap_or(Path::new("."));
        let name = dir_name(&self.out_dir);
        let pid = std::process::id();
        // Another build of the same handbook may swap its own site in at
        // any moment; then the renames below find the output gone, or back.
        // Whatever is there is moved aside again, a few times, and the
        // last build to finish wins with a complete site.
        let mut aside: Vec<PathBuf> = Vec::new();
        let mut last_err = None;
        for attempt in 0..8 {
            let old = parent.join(format!(".{name}.old-{pid}-{attempt}"));
            if old.exists() {
                remove_site_dir(&old).map_err(io_err(&old))?;
            }
            match std::fs::rename(&self.out_dir, &old) {
                Ok(()) => aside.push(old),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    self.restore(aside.pop());
                    remove_all(&aside);
                    return Err(Error::Io {
                        path: self.out_dir.clone(),
                        source,
                    });
                }
            }
            match std::fs::rename(&self.tmp, &self.out_dir) {
                Ok(()) => {
                    self.committed = true;
                    for old in &aside {
                        remove_site_dir(old).map_err(io_err(old))?;
                    }
                    return Ok(());
                }
                // Someone else's site arrived in between: move it aside too.
                Err(e) if self.out_dir.exists() => last_err = Some(e),
                Err(e) => {
                    last_err = Some(e);
                    break;
                }
            }
        }
        self.restore(aside.pop());
        remove_all(&aside);
        Err(Error::Io {
            path: self.out_dir.clone(),
            source: last_err
                .unwrap_or_else(|| std::io::Error::other("output folder kept changing")),
        })
    }

    /// Puts the site moved aside last back in place, if nothing else is;
    /// removes it only when another complete site stands there instead.
    fn restore(&self, old: Option<PathBuf>) {
        let Some(old) = old else { return };
        if !self.out_dir.exists() {
            let _ = std::fs::rename(&old, &self.out_dir);
        } else {
            let _ = remove_site_dir(&old);
        }
    }
}

/// Swaps folders `a` and `b` atomically (Linux `renameat2` with
/// `RENAME_EXCHANGE`); false when `b` does not exist, `b` is a symlink, or
/// the system or file system cannot, and then nothing changed.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    if !std::fs::symlink_metadata(b).is_ok_and(|m| m.is_dir()) {
        return false;
    }
    let (Ok(a), Ok(b)) = (
        std::ffi::CString::new(a.as_os_str().as_bytes()),
        std::ffi::CString::new(b.as_os_str().as_bytes()),
    ) else {
        return false;
    };
    // SAFETY: both are valid NUL-terminated paths, relative to the cwd.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    r == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}

/// Removes a folder of handbook's (a staging folder, a site moved aside),
/// its marker last: a removal cut short (Ctrl-C, SIGKILL) leaves a folder
/// that is still marked, which the next build recognises and removes.
fn remove_site_dir(dir: &Path) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        if entry.file_name() == MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    match std::fs::remove_file(dir.join(MARKER)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::remove_dir(dir)
}

/// Writes the [`MARKER`] into `dir`.
fn write_marker(dir: &Path) -> Result<()> {
    let marker = dir.join(MARKER);
    std::fs::write(
        &marker,
        b"This folder is generated by `handbook build` and replaced on every build.\n",
    )
    .map_err(io_err(&marker))
}

/// Removes the staging folders (`.NAME.tmp-PID`) and moved-aside sites
/// (`.NAME.old-PID-N`) that builds killed mid-way (Ctrl-C, SIGKILL, a
/// crash) left beside the output folder. Only folders that carry the
/// marker and whose process is gone are removed; those of a build still
/// running are left to it. Best effort: a folder that cannot be removed is
/// tried again next time. A build killed between moving the old site
/// aside and moving the new one in leaves no output folder: the site it
/// moved aside is put back instead.
fn remove_dead_leftovers(out_dir: &Path) {
    let parent = out_dir.parent().unwrap_or(Path::new("."));
    let name = dir_name(out_dir);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let pid = match (rest.strip_prefix("tmp-"), rest.strip_prefix("old-")) {
            (Some(pid), _) => pid,
            (_, Some(pid_n)) => pid_n.split_once('-').map_or("", |(pid, _)| pid),
            _ => continue,
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let path = entry.path();
        let is_ours = entry.file_type().is_ok_and(|t| t.is_dir()) && path.join(MARKER).is_file();
        if is_ours && pid != std::process::id() && !process_alive(pid, &path) {
            let put_back = rest.starts_with("old-")
                && std::fs::symlink_metadata(out_dir).is_err()
                && std::fs::rename(&path, out_dir).is_ok();
            if !put_back {
                let _ = remove_site_dir(&path);
            }
        }
    }
}

/// Is process `pid` still running? (Unix: signal 0 reaches it, or it
/// belongs to someone else.)
#[cfg(unix)]
fn process_alive(pid: u32, _dir: &Path) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 sends nothing; it only checks the pid.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Without a portable way to ask, a folder untouched for a day is taken
/// to be a dead build's.
#[cfg(not(unix))]
fn process_alive(_pid: u32, dir: &Path) -> bool {
    let age = std::fs::metadata(dir)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok());
    !age.is_some_and(|a| a > std::time::Duration::from_secs(24 * 3600))
}

/// Removes earlier sites moved aside, best effort.
fn remove_all(dirs: &[PathBuf]) {
    for d in dirs {
        let _ = remove_site_dir(d);
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<()> {
        // No file system takes such a name; the page's `page-name-too-long`
        // finding says so, and the rest of the site is still written.
        if path
            .split('/')
            .any(|name| name.len() > crate::rules::NAME_MAX)
        {
            return Ok(());
        }
        let dest = self.tmp.join(path);
        self.ensure_parent(&dest)?;
        std::fs::write(&dest, bytes).map_err(io_err(&dest))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_site_dir(&self.tmp);
        }
    }
}

fn dir_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".into())
}
