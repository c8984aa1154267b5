//! Writing the caches kept beside a handbook (`.git/handbook/`,
//! `.handbook-cache/`): the git-history caches and `build`'s code blocks.

use std::path::Path;

/// Temporary files of runs that died before their rename are removed by a
/// later write once they are this old.
const STALE_TMP: std::time::Duration = std::time::Duration::from_secs(3600);

/// Writes `bytes` to `path` through a temporary file of this process and
/// a rename, so a reader sees the old file or the new one; best effort.
/// Removes temporary files that earlier builds left behind.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let name = name.to_string_lossy();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!("{name}.{}.{nanos}.tmp", std::process::id()));
    if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    remove_stale_tmp(dir, &name);
}

fn remove_stale_tmp(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let file = file.to_string_lossy();
        if !(file.starts_with(&format!("{name}.")) && file.ends_with(".tmp")) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TMP);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
