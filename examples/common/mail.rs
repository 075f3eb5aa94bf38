//! `--mail PATH` and `--seller-address ADDR` for the `triage` and `sla_board`
//! examples: buyer-message e-mail read from `.eml` files, directories of them
//! (Maildir `cur/` and `new/` included) and mbox files, threaded into tickets by the
//! library (feature `mail`). The examples do the file I/O; the library parses bytes.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use odr_guard::mail::{split_mbox, MailReader, MailThreads};
use odr_guard::Ticket;

pub const USAGE: &str = "[--mail PATH]... [--seller-address ADDR]...";

/// The mail options of the command line.
#[derive(Debug, Default)]
pub struct MailArgs {
    pub paths: Vec<PathBuf>,
    pub sellers: Vec<String>,
}

impl MailArgs {
    /// Takes `--mail PATH` and `--seller-address ADDR` (each repeatable) out of
    /// `flags`, leaving the others.
    pub fn take(flags: &mut Vec<String>) -> Result<MailArgs, String> {
        let mut args = MailArgs::default();
        let mut rest = Vec::new();
        let mut it = std::mem::take(flags).into_iter();
        while let Some(flag) = it.next() {
            match flag.as_str() {
                "--mail" => args
                    .paths
                    .push(it.next().ok_or("--mail needs a file or directory")?.into()),
                "--seller-address" => args.sellers.push(
                    it.next()
                        .ok_or("--seller-address needs an e-mail address")?,
                ),
                _ => rest.push(flag),
            }
        }
        *flags = rest;
        Ok(args)
    }

    /// JSON lines are read from standard input without `--mail`, and with it when
    /// standard input is not a terminal (a pipe or a file).
    pub fn reads_stdin(&self) -> bool {
        self.paths.is_empty() || !std::io::stdin().is_terminal()
    }

    /// Reads every message under `--mail`, threads them into tickets and appends
    /// those to `tickets` (numbered 0: they have no input line). Each unreadable
    /// file or message is reported on stderr with its file (and its position in an
    /// mbox); so is a thread whose id a JSON line already has (`line_of` gives the
    /// line of an id read from JSON lines, which were streamed, not kept: the line
    /// wins) or an earlier thread has. Returns how many were bad.
    pub fn chain_into(
        &self,
        line_of: impl Fn(&str) -> Option<usize>,
        tickets: &mut Vec<(usize, Ticket)>,
    ) -> usize {
        if self.paths.is_empty() {
            return 0;
        }
        let reader = self
            .sellers
            .iter()
            .fold(MailReader::new(), |r, s| r.seller_address(s));
        let mut threads = MailThreads::new();
        let mut bad = 0;
        for path in &self.paths {
            for file in files(path, &mut bad) {
                read_file(&reader, &file, &mut threads, &mut bad);
            }
        }
        for ticket in threads.tickets() {
            let taken = line_of(&ticket.id).or_else(|| {
                tickets
                    .iter()
                    .find(|(_, t)| t.id == ticket.id)
                    .map(|(line, _)| *line)
            });
            if let Some(line) = taken {
                eprintln!(
                    "mail: thread `{}` has the id of line {line}: left out",
                    ticket.id
                );
                bad += 1;
                continue;
            }
            tickets.push((0, ticket));
        }
        bad
    }
}

/// The message files of `path`: itself if a file; in a directory, `*.eml` and
/// `*.mbox` files and every file of Maildir `cur/` and `new/`, recursively, sorted,
/// skipping hidden entries and Maildir `tmp/`.
fn files(path: &Path, bad: &mut usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if path.is_dir() {
        walk(path, &mut out, bad);
    } else {
        out.push(path.to_owned());
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, bad: &mut usize) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{}: {e}", dir.display());
            *bad += 1;
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let maildir = matches!(
        dir.file_name().and_then(|n| n.to_str()),
        Some("cur" | "new")
    );
    for p in paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            if name != "tmp" {
                walk(&p, out, bad);
            }
        } else if maildir || name.ends_with(".eml") || name.ends_with(".mbox") {
            out.push(p);
        }
    }
}

fn read_file(reader: &MailReader, path: &Path, threads: &mut MailThreads, bad: &mut usize) {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            *bad += 1;
            return;
        }
    };
    let is_mbox = path.extension().is_some_and(|e| e == "mbox") || bytes.starts_with(b"From ");
    if !is_mbox {
        match reader.read(&bytes) {
            Ok(mail) => threads.push(mail),
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                *bad += 1;
            }
        }
        return;
    }
    for entry in split_mbox(&bytes) {
        match reader.read(&entry.bytes) {
            Ok(mail) => threads.push(mail),
            Err(e) => {
                eprintln!(
                    "{}: message {} (line {}): {e}",
                    path.display(),
                    entry.index,
                    entry.line
                );
                *bad += 1;
            }
        }
    }
}
