//! Stage 6: write the site to disk atomically. Files go into a fresh
//! sibling folder (the [`Staging`] area) as they are rendered, and the
//! finished folder is swapped in with renames, so a failed build never
//! leaves a half-written site and the previous site stays in place until
//! the new one is complete.

use crate::discover::AssetFile;
use crate::error::{io_err, Error, Result};
use crate::render::Sink;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Marker file that identifies a folder as a handbook build output, so a
/// build never replaces a folder it did not create.
pub const MARKER: &str = ".handbook-build";

/// The folder to build into: `out_dir`, or the folder it links to when it
/// is a symlink (a `book -> /srv/www` link stays, and the site lands in
/// `/srv/www`). Refuses a path that is a file, or a link to nothing or to a
/// file: swapping the new site in would replace it.
pub fn resolve_out_dir(out_dir: &Path) -> Result<PathBuf> {
    let Ok(meta) = std::fs::symlink_metadata(out_dir) else {
        return Ok(out_dir.to_owned());
    };
    if meta.file_type().is_symlink() {
        return match out_dir.canonicalize() {
            Ok(target) if target.is_dir() => Ok(target),
            Ok(target) => Err(Error::Usage(format!(
                "refusing to build into {}: it links to {}, which is not a folder; choose another --dest or [build] build-dir",
                out_dir.display(),
                target.display()
            ))),
            Err(_) => Err(Error::Usage(format!(
                "refusing to build into {}: it is a symlink to a folder that does not exist; create the folder or choose another --dest",
                out_dir.display()
            ))),
        };
    }
    if !meta.is_dir() {
        return Err(Error::Usage(format!(
            "refusing to replace {}: it is a file, not a folder; choose another --dest or [build] build-dir",
            out_dir.display()
        )));
    }
    Ok(out_dir.to_owned())
}

/// Refuses output folders whose replacement would destroy sources.
pub fn check_out_dir(out_dir: &Path, root: &Path, content_dir: &Path) -> Result<()> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_owned());
    let (out, root_c, content_c) = (canonical(out_dir), canonical(root), canonical(content_dir));
    let danger = root.starts_with(out_dir)
        || content_dir.starts_with(out_dir)
        || root_c.starts_with(&out)
        || content_c.starts_with(&out);
    if danger {
        return Err(Error::Usage(format!(
            "refusing to build into {}: it contains the handbook sources; choose another --dest or [build] build-dir",
            out_dir.display()
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
    /// Creates `.NAME.tmp-PID` beside `out_dir`.
    pub fn new(out_dir: &Path) -> Result<Staging> {
        let parent = out_dir.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        let tmp = parent.join(format!(".{}.tmp-{}", dir_name(out_dir), std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
        }
        std::fs::create_dir_all(&tmp).map_err(io_err(&tmp))?;
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

    /// Writes the marker and swaps the staging folder in place of the
    /// output folder; the previous site is restored if the swap fails.
    pub fn commit(mut self) -> Result<()> {
        let marker = self.tmp.join(MARKER);
        std::fs::write(
            &marker,
            b"This folder is generated by `handbook build` and replaced on every build.\n",
        )
        .map_err(io_err(&marker))?;
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
                std::fs::remove_dir_all(&old).map_err(io_err(&old))?;
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
                        std::fs::remove_dir_all(old).map_err(io_err(old))?;
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
            let _ = std::fs::remove_dir_all(&old);
        }
    }
}

/// Removes earlier sites moved aside, best effort.
fn remove_all(dirs: &[PathBuf]) {
    for d in dirs {
        let _ = std::fs::remove_dir_all(d);
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<()> {
        let dest = self.tmp.join(path);
        self.ensure_parent(&dest)?;
        std::fs::write(&dest, bytes).map_err(io_err(&dest))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

fn dir_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".into())
}
