//! Reading source files as text: UTF-8 (a leading BOM allowed), LF or CRLF line ends, and
//! Unicode NFC, so that Vietnamese typed with combining marks is the same text as precomposed.

use std::path::Path;

use crate::diagnostics::Diagnostic;

/// Read a file as NFC text with LF line ends. `shown` is the path used in errors.
pub fn read_text(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::new(shown, format!("cannot read the file: {e}")))?;
    decode(bytes, shown)
}

/// Decode bytes read from `shown`.
pub fn decode(bytes: Vec<u8>, shown: &Path) -> Result<String, Diagnostic> {
    let text = utf8_string(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = good.len() - good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        Diagnostic::at(shown, line, "the file is not UTF-8 text")
            .column(Some(col))
            .help(
                "save the file with UTF-8 encoding (in most editors: Save As… › Encoding › UTF-8)",
            )
    })?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    };
    Ok(match crate::vi::nfc(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(s) => s,
    })
}

pub use crate::vi::utf8_string;

/// Write a file of the site's sources (a new bulletin, a draft, a new archive's files)
/// through a temporary name in its folder and a rename, so that an interrupted run leaves
/// either no file or the whole file, never half of one. With `replace` false an existing
/// file is never replaced (the error is `AlreadyExists`), even one that appeared meanwhile.
pub fn write_atomic(path: &Path, bytes: &[u8], replace: bool) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".bantin-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.as_file().sync_all()?;
    if replace {
        tmp.persist(path).map_err(|e| e.error)?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_only_when_asked() {
        let root = tempfile::tempdir().unwrap();
        let f = root.path().join("a/b.md");
        write_atomic(&f, b"one", false).unwrap();
        let e = write_atomic(&f, b"two", false).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&f).unwrap(), b"one");
        write_atomic(&f, b"three", true).unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"three");
        // No temporary file is left beside it.
        assert_eq!(std::fs::read_dir(root.path().join("a")).unwrap().count(), 1);
    }

    #[test]
    fn bom_crlf_and_nfd_are_normalised() {
        let t = decode(
            "\u{feff}Đo\u{302}\u{301}ng\r\nx".as_bytes().to_vec(),
            Path::new("a"),
        )
        .unwrap();
        assert_eq!(t, "Đống\nx");
    }

    #[test]
    fn utf8_strings_are_checked() {
        assert_eq!(
            utf8_string("Đông Sơn".as_bytes().to_vec()).unwrap(),
            "Đông Sơn"
        );
        for bad in [
            &b"\xff"[..],
            b"ab\xc3",
            b"\xe1\xbb",
            b"\xed\xa0\x80",
            b"\xc0\xaf",
        ] {
            let e = utf8_string(bad.to_vec()).unwrap_err();
            assert_eq!(e.utf8_error(), std::str::from_utf8(bad).unwrap_err());
        }
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let e = decode(b"ok\nbad \xff here".to_vec(), Path::new("a.md")).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(5)));
    }
}
