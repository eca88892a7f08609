//! The compiled index file: the matcher's tables written out as they sit in memory, so that
//! loading is reading, with no parsing or hashing of list entries.
//!
//! Layout (little-endian): the magic `STWFIDX1`; the version, the label range and the tables'
//! value widths; a header of counts; the category names; then
//! the domain slots, domain arena, masks, sieve, url slots, url arena and url paths. A checksum over
//! everything after the header catches a damaged or truncated file.

use crate::error::MonitorError;
use crate::hash::Checksum;
use crate::matcher::Matcher;
use crate::table::Table;
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::lines::limits::INDEX_FILE;

const MAGIC: &[u8; 8] = b"STWFIDX1";
const VERSION: u32 = 1;
/// Bytes read at a time; a multiple of 8 so the checksum sees whole words until a section ends.
const PIECE: usize = 1 << 20;

/// Counts in the order they are written after the magic, version and label range.
#[derive(Clone, Copy, Debug, Default)]
struct Header {
    names: u64,
    domain_len: u64,
    domain_slots: u64,
    domain_arena: u64,
    masks: u64,
    sieve: u64,
    url_len: u64,
    url_slots: u64,
    url_arena: u64,
    url_paths: u64,
    checksum: u64,
}

impl Header {
    fn fields(&self) -> [u64; 11] {
        [
            self.names,
            self.domain_len,
            self.domain_slots,
            self.domain_arena,
            self.masks,
            self.sieve,
            self.url_len,
            self.url_slots,
            self.url_arena,
            self.url_paths,
            self.checksum,
        ]
    }
}

/// Where the checksum sits: after magic, version, label range and value widths, ten counts.
const CHECKSUM_AT: u64 = 8 + 4 + 4 + 10 * 8;

fn names_bytes(m: &Matcher) -> Vec<u8> {
    let mut out = Vec::new();
    for name in &m.names {
        out.push(name.len().min(255) as u8);
        out.extend_from_slice(&name.as_bytes()[..name.len().min(255)]);
    }
    out
}

/// Writes `matcher` to `path`, replacing it only once the new file is complete.
pub fn save(matcher: &Matcher, path: &Path) -> Result<u64, MonitorError> {
    save_within(matcher, path, INDEX_FILE)
}

/// Writes the index unless it would be larger than `limit`, which no reader would load.
fn save_within(matcher: &Matcher, path: &Path, limit: u64) -> Result<u64, MonitorError> {
    let tmp = path.with_extension("tmp");
    let io = |e| MonitorError::io(&tmp, e);
    let names = names_bytes(matcher);
    let header = Header {
        names: names.len() as u64,
        domain_len: matcher.domains.len as u64,
        domain_slots: matcher.domains.slots.len() as u64,
        domain_arena: matcher.domains.arena.len() as u64,
        masks: matcher.masks.len() as u64,
        sieve: matcher.sieve.words.len() as u64,
        url_len: matcher.urls.len as u64,
        url_slots: matcher.urls.slots.len() as u64,
        url_arena: matcher.urls.arena.len() as u64,
        url_paths: matcher.url_paths.len() as u64,
        checksum: 0,
    };
    let words = header.domain_slots + header.masks + header.sieve + header.url_slots;
    let size = CHECKSUM_AT
        + 8
        + header.names
        + 8 * words
        + header.domain_arena
        + header.url_arena
        + header.url_paths;
    if size > limit {
        return Err(too_large(path, limit));
    }
    let file = File::create(&tmp).map_err(io)?;
    let mut out = BufWriter::with_capacity(PIECE, file);
    out.write_all(MAGIC).map_err(io)?;
    out.write_all(&VERSION.to_le_bytes()).map_err(io)?;
    out.write_all(&[
        matcher.min_labels,
        matcher.max_labels,
        matcher.domains.width,
        matcher.urls.width,
    ])
    .map_err(io)?;
    for field in header.fields() {
        out.write_all(&field.to_le_bytes()).map_err(io)?;
    }
    let mut sum = Checksum::default();
    let mut put = |bytes: &[u8], out: &mut BufWriter<File>| {
        sum.update(bytes);
        out.write_all(bytes)
    };
    put(&names, &mut out).map_err(io)?;
    write_words(&matcher.domains.slots, &mut out, &mut put).map_err(io)?;
    put(&matcher.domains.arena, &mut out).map_err(io)?;
    write_words(&matcher.masks, &mut out, &mut put).map_err(io)?;
    write_words(&matcher.sieve.words, &mut out, &mut put).map_err(io)?;
    write_words(&matcher.urls.slots, &mut out, &mut put).map_err(io)?;
    put(&matcher.urls.arena, &mut out).map_err(io)?;
    put(&matcher.url_paths, &mut out).map_err(io)?;
    let mut file = out.into_inner().map_err(|e| io(e.into_error()))?;
    file.seek(SeekFrom::Start(CHECKSUM_AT)).map_err(io)?;
    file.write_all(&sum.value().to_le_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    drop(file);
    std::fs::rename(&tmp, path).map_err(|e| MonitorError::io(path, e))?;
    Ok(size)
}

fn write_words(
    words: &[u64],
    out: &mut BufWriter<File>,
    put: &mut impl FnMut(&[u8], &mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut piece = Vec::with_capacity(PIECE);
    for chunk in words.chunks(PIECE / 8) {
        piece.clear();
        for w in chunk {
            piece.extend_from_slice(&w.to_le_bytes());
        }
        put(&piece, out)?;
    }
    Ok(())
}

struct Reader<'a> {
    file: File,
    path: &'a Path,
    sum: Checksum,
    left: u64,
}

impl Reader<'_> {
    fn bad(&self, detail: impl Into<String>) -> MonitorError {
        MonitorError::BadIndex {
            path: self.path.to_path_buf(),
            detail: format!(": {}", detail.into()),
        }
    }

    fn take(&mut self, n: u64) -> Result<(), MonitorError> {
        if n > self.left {
            return Err(self.bad("it is shorter than its header says (truncated?)"));
        }
        self.left -= n;
        Ok(())
    }

    fn bytes(&mut self, n: u64) -> Result<Vec<u8>, MonitorError> {
        self.take(n)?;
        let mut out = vec![0u8; n as usize];
        for piece in out.chunks_mut(PIECE) {
            self.file
                .read_exact(piece)
                .map_err(|e| MonitorError::io(self.path, e))?;
            self.sum.update(piece);
        }
        Ok(out)
    }

    fn words(&mut self, n: u64) -> Result<Vec<u64>, MonitorError> {
        self.take(n.saturating_mul(8))?;
        let mut out = Vec::with_capacity(n as usize);
        let mut piece = vec![0u8; PIECE];
        let mut left = n as usize * 8;
        while left > 0 {
            let take = left.min(PIECE);
            let piece = &mut piece[..take];
            self.file
                .read_exact(piece)
                .map_err(|e| MonitorError::io(self.path, e))?;
            self.sum.update(piece);
            out.extend(piece.chunks_exact(8).map(|w| {
                let mut b = [0u8; 8];
                b.copy_from_slice(w);
                u64::from_le_bytes(b)
            }));
            left -= take;
        }
        Ok(out)
    }
}

/// What an index larger than `limit` is told.
fn too_large(path: &Path, limit: u64) -> MonitorError {
    MonitorError::BadIndex {
        path: path.to_path_buf(),
        detail: format!(
            ": it is larger than {}, the limit for an index file",
            crate::lines::size(limit)
        ),
    }
}

/// Reads an index written by [`save`], no larger than [`INDEX_FILE`].
pub fn load(path: &Path) -> Result<Matcher, MonitorError> {
    load_within(path, INDEX_FILE)
}

/// Reads an index of at most `limit` bytes. Every section's length in the header is checked
/// against what is left of the file before it is read, so nothing past the file's size is
/// ever allocated.
fn load_within(path: &Path, limit: u64) -> Result<Matcher, MonitorError> {
    let mut file = File::open(path).map_err(|e| MonitorError::io(path, e))?;
    let meta = file.metadata().map_err(|e| MonitorError::io(path, e))?;
    let size = meta.len();
    let mut head = [0u8; CHECKSUM_AT as usize + 8];
    let bad = |detail: &str| MonitorError::BadIndex {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    };
    if !meta.is_file() {
        return Err(bad(": it is not a regular file"));
    }
    if size > limit {
        return Err(too_large(path, limit));
    }
    if size < head.len() as u64 {
        return Err(bad(" (too short)"));
    }
    file.read_exact(&mut head)
        .map_err(|e| MonitorError::io(path, e))?;
    if &head[..8] != MAGIC {
        return Err(bad(""));
    }
    let word = |i: usize| {
        let at = 16 + i * 8;
        let mut b = [0u8; 8];
        b.copy_from_slice(&head[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let version = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
    if version != VERSION {
        return Err(bad(&format!(
            ": format version {version}, this steward reads {VERSION}; compile the lists again"
        )));
    }
    let (min_labels, max_labels) = (head[12], head[13]);
    let (domain_width, url_width) = (head[14], head[15]);
    if ![2, 4].contains(&domain_width) || ![2, 4].contains(&url_width) {
        return Err(bad(": its value widths are not 2 or 4 bytes"));
    }
    let h = Header {
        names: word(0),
        domain_len: word(1),
        domain_slots: word(2),
        domain_arena: word(3),
        masks: word(4),
        sieve: word(5),
        url_len: word(6),
        url_slots: word(7),
        url_arena: word(8),
        url_paths: word(9),
        checksum: word(10),
    };
    let mut r = Reader {
        file,
        path,
        sum: Checksum::default(),
        left: size - head.len() as u64,
    };
    let names = r.bytes(h.names)?;
    let domain_slots = r.words(h.domain_slots)?;
    let domain_arena = r.bytes(h.domain_arena)?;
    let masks = r.words(h.masks)?;
    let sieve = r.words(h.sieve)?;
    let url_slots = r.words(h.url_slots)?;
    let url_arena = r.bytes(h.url_arena)?;
    let url_paths = r.bytes(h.url_paths)?;
    if r.left != 0 {
        return Err(r.bad("it has bytes after its last section"));
    }
    if r.sum.value() != h.checksum {
        return Err(r.bad("its checksum does not match (damaged?)"));
    }
    let mut list = Vec::new();
    let mut at = 0;
    while let Some(&len) = names.get(at) {
        let name = names
            .get(at + 1..at + 1 + usize::from(len))
            .ok_or_else(|| r.bad("a category name runs past its section"))?;
        list.push(String::from_utf8_lossy(name).into_owned());
        at += 1 + usize::from(len);
    }
    Ok(Matcher {
        names: list,
        domains: Table {
            slots: domain_slots,
            arena: domain_arena,
            len: h.domain_len as usize,
            width: domain_width,
        },
        sieve: crate::sieve::Sieve { words: sieve },
        masks,
        urls: Table {
            slots: url_slots,
            arena: url_arena,
            len: h.url_len as usize,
            width: url_width,
        },
        url_paths,
        min_labels,
        max_labels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::MatcherBuilder;

    fn sample() -> Matcher {
        let mut b = MatcherBuilder::default();
        let adult = b.category("adult").unwrap();
        let p2p = b.category("p2p").unwrap();
        b.add_domain(adult, b"example.com");
        b.add_domain(p2p, b"example.com");
        b.add_domain(p2p, b"files.example");
        b.add_url(adult, b"host.example", b"/x");
        b.build()
    }

    #[test]
    fn round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lists.idx");
        let m = sample();
        save(&m, &path).unwrap();
        let back = load(&path).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.url_of_request(b"http://a.example.com/").0, 0b11);
    }

    #[test]
    fn damage_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lists.idx");
        save(&sample(), &path).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 3;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("checksum"), "{err}");
        std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("shorter"), "{err}");
        std::fs::write(&path, b"not an index at all, but long enough to have a header........................................").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("not a Steward web-filter index"), "{err}");
    }

    #[test]
    fn an_index_over_the_byte_limit_is_neither_read_nor_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lists.idx");
        let size = save(&sample(), &path).unwrap();
        assert!(load_within(&path, size).is_ok());
        let err = load_within(&path, size - 1).unwrap_err().to_string();
        assert!(err.contains("the limit for an index file"), "{err}");
        let other = dir.path().join("other.idx");
        let err = save_within(&sample(), &other, size - 1)
            .unwrap_err()
            .to_string();
        assert!(err.contains("the limit for an index file"), "{err}");
        assert!(!other.exists() && !other.with_extension("tmp").exists());

        // A file past the real limit is refused from its size alone: nothing of it is read.
        let huge = dir.path().join("huge.idx");
        let file = std::fs::File::create(&huge).unwrap();
        file.set_len(INDEX_FILE + 1).unwrap();
        let err = load(&huge).unwrap_err().to_string();
        assert!(err.contains("larger than 4 GiB"), "{err}");
        // Nor is something that is not a file at all, however it reads.
        let err = load(Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }
}
