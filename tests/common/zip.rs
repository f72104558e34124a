//! A minimal ZIP writer for tests that need packages no toolchain makes:
//! every entry deflated, written one at a time (so a test can stream a
//! package larger than memory), with an optional lying uncompressed size.

use flate2::Compression;
use flate2::write::DeflateEncoder;
use std::io::Write;

/// Writes local headers and data as entries come, and the central
/// directory on [`ZipWriter::finish`].
pub struct ZipWriter<W: Write> {
    out: W,
    level: Compression,
    at: u32,
    central: Vec<u8>,
    count: u16,
}

impl<W: Write> ZipWriter<W> {
    /// A writer deflating at `level`.
    pub fn new(out: W, level: Compression) -> ZipWriter<W> {
        ZipWriter {
            out,
            level,
            at: 0,
            central: Vec::new(),
            count: 0,
        }
    }

    /// Adds `name`, declaring `declared` as its uncompressed size (the true
    /// size when `None`).
    pub fn add(&mut self, name: &str, data: &[u8], declared: Option<u32>) {
        let mut enc = DeflateEncoder::new(Vec::new(), self.level);
        enc.write_all(data).unwrap();
        let packed = enc.finish().unwrap();
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let size = declared.unwrap_or(data.len() as u32);
        let offset = self.at;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&8u16.to_le_bytes());
            h.extend_from_slice(&[0; 4]);
            h.extend_from_slice(&crc.sum().to_le_bytes());
            h.extend_from_slice(&(packed.len() as u32).to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central {
                h.extend_from_slice(&[0; 6]);
                h.extend_from_slice(&0u32.to_le_bytes());
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        let local = header(0x0403_4b50, false);
        self.out.write_all(&local).unwrap();
        self.out.write_all(&packed).unwrap();
        self.central.extend(header(0x0201_4b50, true));
        self.at += (local.len() + packed.len()) as u32;
        self.count += 1;
    }

    /// Writes the central directory and its end record; returns the output.
    pub fn finish(mut self) -> W {
        let out = &mut self.out;
        out.write_all(&self.central).unwrap();
        out.write_all(&0x0605_4b50u32.to_le_bytes()).unwrap();
        out.write_all(&[0; 4]).unwrap();
        out.write_all(&self.count.to_le_bytes()).unwrap();
        out.write_all(&self.count.to_le_bytes()).unwrap();
        out.write_all(&(self.central.len() as u32).to_le_bytes())
            .unwrap();
        out.write_all(&self.at.to_le_bytes()).unwrap();
        out.write_all(&0u16.to_le_bytes()).unwrap();
        out.flush().unwrap();
        self.out
    }
}
