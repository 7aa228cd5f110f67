//! Files only the server's own user may read. The data folder holds donors' personal data
//! (`ledger.db` and its `-wal`), token hashes, the signing key and evidence files, so every
//! folder fundtrail creates in it is mode 0700 and every file 0600, whatever the process
//! umask. SQLite gives `-wal` and `-shm` the mode of the database file, so creating
//! `ledger.db` 0600 before SQLite opens it covers those too. [`tighten`] repairs a folder
//! that an older version or an operator left readable by others.

use std::io;
use std::path::Path;

/// The mode of every folder fundtrail creates for its data.
pub const FOLDER_MODE: u32 = 0o700;
/// The mode of every file fundtrail creates for its data.
pub const FILE_MODE: u32 = 0o600;
/// The permission bits of the group and of other users.
const GROUP_AND_OTHER: u32 = 0o077;

/// Creates `path` and any missing parents with mode 0700; an existing `path` is left as it
/// is (the caller decides whether to [`tighten`] it).
///
/// # Errors
/// The file system's error.
pub fn create_folder(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(FOLDER_MODE);
    }
    builder.create(path)
}

/// Options that create a file with mode 0600 (writing; add `create_new` or `create`).
pub fn file_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options
}

/// Creates the empty file `path` with mode 0600 unless something is there already.
///
/// # Errors
/// The file system's error (never for a file that exists).
pub fn create_empty_file(path: &Path) -> io::Result<()> {
    match file_options().create_new(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Removes the group and other permission bits from `root` and everything under it (links
/// are not followed). Returns how many folders and files had to change.
///
/// # Errors
/// The first file system error; what was changed before it stays changed.
pub fn tighten(root: &Path) -> io::Result<u64> {
    let mut changed = 0;
    let mut pending = vec![root.to_path_buf()];
    while let Some(path) = pending.pop() {
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        if meta.file_type().is_symlink() {
            continue;
        }
        if meta.is_dir() {
            for child in std::fs::read_dir(&path)? {
                pending.push(child?.path());
            }
        }
        changed += u64::from(remove_group_and_other(&path, &meta)?);
    }
    Ok(changed)
}

/// Clears the group and other bits of `path`; true when there were any.
#[cfg(unix)]
fn remove_group_and_other(path: &Path, meta: &std::fs::Metadata) -> io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode();
    if mode & GROUP_AND_OTHER == 0 {
        return Ok(false);
    }
    std::fs::set_permissions(
        path,
        std::fs::Permissions::from_mode(mode & !GROUP_AND_OTHER & 0o7777),
    )?;
    Ok(true)
}

#[cfg(not(unix))]
fn remove_group_and_other(_path: &Path, _meta: &std::fs::Metadata) -> io::Result<bool> {
    Ok(false)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o7777
    }

    #[test]
    fn created_folders_and_files_are_private_whatever_the_umask() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let folder = dir.path().join("a/b");
        let file = folder.join("f");

        create_folder(&folder).expect("folder");
        create_empty_file(&file).expect("file");
        create_empty_file(&file).expect("an existing file is fine");

        assert_eq!(mode(&dir.path().join("a")), FOLDER_MODE);
        assert_eq!(mode(&folder), FOLDER_MODE);
        assert_eq!(mode(&file), FILE_MODE);
    }

    #[test]
    fn tighten_removes_group_and_other_bits_below_the_root_and_counts_them() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().join("data");
        std::fs::create_dir_all(root.join("evidence/ab")).expect("folders");
        std::fs::write(root.join("ledger.db"), b"x").expect("file");
        std::fs::write(root.join("evidence/ab/blob"), b"x").expect("file");
        let script = root.join("owner-only-already");
        std::fs::write(&script, b"x").expect("file");
        for (path, m) in [
            (root.clone(), 0o755),
            (root.join("evidence"), 0o755),
            (root.join("evidence/ab"), 0o750),
            (root.join("ledger.db"), 0o644),
            (root.join("evidence/ab/blob"), 0o664),
            (script.clone(), 0o700),
        ] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(m)).expect("chmod");
        }

        let changed = tighten(&root).expect("tightened");

        assert_eq!(changed, 5);
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&root.join("evidence/ab")), 0o700);
        assert_eq!(mode(&root.join("ledger.db")), 0o600);
        assert_eq!(mode(&root.join("evidence/ab/blob")), 0o600);
        assert_eq!(mode(&script), 0o700);
        assert_eq!(tighten(&root).expect("again"), 0);
    }
}
