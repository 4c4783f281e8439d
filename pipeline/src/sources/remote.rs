//! Remote inputs by URL: a seekable reader over HTTP(S) that streams with bounded memory.
//!
//! Reads go through one open response body; a seek drops it and the next read asks for
//! `Range: bytes=POS-`. When a connection fails or ends early, the reader waits (exponential
//! backoff) and resumes with a Range request from the byte already read, so offsets stay
//! positions in the remote file and no byte is read twice or skipped. The size comes from a
//! HEAD request's Content-Length: a plan made from URLs depends on what the server reports.

use std::io::{self, Read, Seek, SeekFrom};
use std::time::Duration;

/// Whether an input names a remote file.
pub fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

/// The path part of a URL (`https://h/a/b.warc.gz?x` -> `a/b.warc.gz`): the `source_file`.
pub fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.split_once('/').map_or("", |(_, p)| p);
    path.split(['?', '#']).next().unwrap_or(path)
}

/// Retry policy: `retries` attempts after the first, waiting `base`, 2x`base`, ... (capped).
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub retries: u32,
    pub base: Duration,
    pub max: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            retries: 8,
            base: Duration::from_millis(500),
            max: Duration::from_secs(60),
        }
    }
}

impl Retry {
    fn wait(&self, attempt: u32) -> Duration {
        self.base
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max)
    }
}

/// A remote file read with HTTP Range requests; see the module docs.
pub struct HttpFile {
    url: String,
    len: u64,
    pos: u64,
    body: Option<Box<dyn Read + Send + Sync>>,
    agent: ureq::Agent,
    retry: Retry,
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(30))
        .timeout_read(Duration::from_secs(120))
        .build()
}

fn to_io(url: &str, e: ureq::Error) -> io::Error {
    io::Error::other(format!("{url}: {e}"))
}

/// Content-Length of a HEAD request (with retries).
pub fn content_length(url: &str, retry: Retry) -> io::Result<u64> {
    let agent = agent();
    let mut attempt = 0;
    loop {
        let r = agent.head(url).call();
        let err = match r {
            Ok(resp) => match resp.header("Content-Length").map(str::parse::<u64>) {
                Some(Ok(n)) => return Ok(n),
                _ => {
                    return Err(io::Error::other(format!(
                        "{url}: HEAD gave no Content-Length; remote inputs need one"
                    )))
                }
            },
            Err(ureq::Error::Status(code, _)) if code < 500 && code != 429 => {
                return Err(io::Error::other(format!("{url}: HTTP {code}")))
            }
            Err(e) => to_io(url, e),
        };
        if attempt >= retry.retries {
            return Err(err);
        }
        std::thread::sleep(retry.wait(attempt));
        attempt += 1;
    }
}

impl HttpFile {
    /// Opens `url` of `len` bytes (from [`content_length`]); nothing is read yet.
    pub fn new(url: &str, len: u64, retry: Retry) -> HttpFile {
        HttpFile {
            url: url.to_string(),
            len,
            pos: 0,
            body: None,
            agent: agent(),
            retry,
        }
    }

    /// A response body starting at `self.pos`.
    fn open_body(&self) -> io::Result<Box<dyn Read + Send + Sync>> {
        let mut req = self.agent.get(&self.url);
        if self.pos > 0 {
            req = req.set("Range", &format!("bytes={}-", self.pos));
        }
        let resp = match req.call() {
            Ok(r) => r,
            Err(ureq::Error::Status(416, _)) => return Ok(Box::new(io::empty())),
            Err(e) => return Err(to_io(&self.url, e)),
        };
        let status = resp.status();
        let mut body = resp.into_reader();
        if self.pos > 0 && status == 200 {
            // The server ignored Range: skip to the position (bounded by the file size).
            io::copy(&mut (&mut body).take(self.pos), &mut io::sink())?;
        }
        Ok(body)
    }

    fn read_once(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.body.is_none() {
            self.body = Some(self.open_body()?);
        }
        let Some(body) = self.body.as_mut() else {
            return Ok(0);
        };
        let n = body.read(buf)?;
        if n == 0 && self.pos < self.len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{}: connection ended at byte {}", self.url, self.pos),
            ));
        }
        Ok(n)
    }
}

impl Read for HttpFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let mut attempt = 0;
        loop {
            match self.read_once(buf) {
                Ok(n) => {
                    self.pos += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.body = None;
                    if attempt >= self.retry.retries {
                        return Err(e);
                    }
                    eprintln!(
                        "warning: {e}; retrying from byte {} in {:?}",
                        self.pos,
                        self.retry.wait(attempt)
                    );
                    std::thread::sleep(self.retry.wait(attempt));
                    attempt += 1;
                }
            }
        }
    }
}

impl Seek for HttpFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        let Some(target) = target else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start",
            ));
        };
        if target != self.pos {
            self.body = None;
            self.pos = target;
        }
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_are_source_files() {
        assert_eq!(
            url_path("https://data.commoncrawl.org/crawl-data/CC/x.warc.gz?a=1"),
            "crawl-data/CC/x.warc.gz"
        );
        assert_eq!(url_path("http://h"), "");
        assert!(is_url("http://127.0.0.1/a") && !is_url("web/a.warc"));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let r = Retry {
            retries: 3,
            base: Duration::from_millis(10),
            max: Duration::from_millis(35),
        };
        assert_eq!(r.wait(0), Duration::from_millis(10));
        assert_eq!(r.wait(1), Duration::from_millis(20));
        assert_eq!(r.wait(2), Duration::from_millis(35));
    }
}
