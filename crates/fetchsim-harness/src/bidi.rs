//! Firefox's console, read over WebDriver BiDi (`log.entryAdded`).
//!
//! Firefox writes its CORS messages (nsIScriptError reports from
//! `nsCORSListenerProxy`) only to its console service: no pref or `MOZ_LOG`
//! module prints them. Started with `--remote-debugging-port`, Firefox
//! serves WebDriver BiDi on `ws://127.0.0.1:PORT/session`; a session
//! subscribed to `log.entryAdded` receives every console message of every
//! page, `console.log` calls and script errors alike. This module is a
//! minimal std-only WebSocket client (RFC 6455: one connection, text
//! frames, masking, fragments, ping) for that, and appends each entry to the
//! browser's log as one line `[bidi:CONSOLE] <text>` (newlines in the text
//! written as `\n`).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

/// The head of a console line written from a BiDi `log.entryAdded`.
pub const LINE_HEAD: &str = "[bidi:CONSOLE] ";

/// One WebSocket connection to a BiDi server.
pub struct Bidi {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
    next_id: u64,
}

impl Bidi {
    /// Connect to `ws://127.0.0.1:port/session`, retrying until `deadline`
    /// (the browser takes a moment to listen).
    pub fn connect(port: u16, deadline: Instant) -> io::Result<Bidi> {
        let stream = loop {
            match TcpStream::connect(("127.0.0.1", port)) {
                Ok(s) => break s,
                Err(e) if Instant::now() >= deadline => return Err(e),
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        };
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let mut w = stream.try_clone()?;
        write!(
            w,
            "GET /session HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ZmV0Y2hzaW0tY29uc29sZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut status = String::new();
        reader.read_line(&mut status)?;
        if !status.contains(" 101 ") {
            return Err(io::Error::other(format!(
                "BiDi handshake refused: {}",
                status.trim()
            )));
        }
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 || line == "\r\n" {
                break;
            }
        }
        Ok(Bidi {
            stream,
            reader,
            next_id: 1,
        })
    }

    fn send_frame(&mut self, opcode: u8, payload: &[u8]) -> io::Result<()> {
        let mask = [0x5a, 0x13, 0xc7, 0x81];
        let mut f = vec![0x80 | opcode];
        let n = payload.len();
        if n < 126 {
            f.push(0x80 | n as u8);
        } else if n < 65536 {
            f.push(0x80 | 126);
            f.extend_from_slice(&(n as u16).to_be_bytes());
        } else {
            f.push(0x80 | 127);
            f.extend_from_slice(&(n as u64).to_be_bytes());
        }
        f.extend_from_slice(&mask);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.stream.write_all(&f)
    }

    /// The next text message (fragments joined; pings answered).
    pub fn read_message(&mut self) -> io::Result<String> {
        let mut message = Vec::new();
        loop {
            let mut head = [0u8; 2];
            self.reader.read_exact(&mut head)?;
            let fin = head[0] & 0x80 != 0;
            let opcode = head[0] & 0x0f;
            let masked = head[1] & 0x80 != 0;
            let mut len = u64::from(head[1] & 0x7f);
            if len == 126 {
                let mut b = [0u8; 2];
                self.reader.read_exact(&mut b)?;
                len = u64::from(u16::from_be_bytes(b));
            } else if len == 127 {
                let mut b = [0u8; 8];
                self.reader.read_exact(&mut b)?;
                len = u64::from_be_bytes(b);
            }
            let mut mask = [0u8; 4];
            if masked {
                self.reader.read_exact(&mut mask)?;
            }
            let mut payload = vec![0u8; len as usize];
            self.reader.read_exact(&mut payload)?;
            if masked {
                for (i, b) in payload.iter_mut().enumerate() {
                    *b ^= mask[i % 4];
                }
            }
            match opcode {
                0x8 => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "closed")),
                0x9 => self.send_frame(0xA, &payload)?,
                0xA => {}
                _ => {
                    message.extend_from_slice(&payload);
                    if fin {
                        return Ok(String::from_utf8_lossy(&message).into_owned());
                    }
                }
            }
        }
    }

    /// Send a command and wait for its answer; events that come first are
    /// given to `on_event`.
    pub fn call(
        &mut self,
        method: &str,
        params: serde_json::Value,
        on_event: &mut dyn FnMut(&serde_json::Value),
    ) -> io::Result<serde_json::Value> {
        let id = self.next_id;
        self.next_id += 1;
        let cmd = serde_json::json!({ "id": id, "method": method, "params": params });
        self.send_frame(0x1, cmd.to_string().as_bytes())?;
        loop {
            let m = self.read_message()?;
            let v: serde_json::Value = serde_json::from_str(&m).unwrap_or_default();
            if v.get("id").and_then(|i| i.as_u64()) == Some(id) {
                if v.get("type").and_then(|t| t.as_str()) == Some("error") {
                    return Err(io::Error::other(format!("BiDi {method}: {m}")));
                }
                return Ok(v["result"].clone());
            }
            on_event(&v);
        }
    }
}

/// The log line for a `log.entryAdded` event, if `v` is one.
pub fn entry_line(v: &serde_json::Value) -> Option<String> {
    if v.get("method").and_then(|m| m.as_str()) != Some("log.entryAdded") {
        return None;
    }
    let text = v.pointer("/params/text").and_then(|t| t.as_str())?;
    Some(format!("{LINE_HEAD}{}\n", text.replace('\n', "\\n")))
}

/// Open a session on Firefox's BiDi port, subscribe to `log.entryAdded`,
/// navigate the first tab to `url`, and from then on append every console
/// entry to `log` from a thread (which ends when the browser goes away).
pub fn follow_console(port: u16, url: &str, log: &Path) -> Result<(), String> {
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    let deadline = Instant::now() + Duration::from_secs(40);
    let mut b = Bidi::connect(port, deadline)
        .map_err(|e| format!("cannot reach Firefox's WebDriver BiDi on port {port}: {e}"))?;
    let mut sink = |v: &serde_json::Value| {
        if let Some(line) = entry_line(v) {
            let _ = out.write_all(line.as_bytes());
        }
    };
    let err = |e: io::Error| format!("WebDriver BiDi: {e}");
    b.call(
        "session.new",
        serde_json::json!({ "capabilities": {} }),
        &mut sink,
    )
    .map_err(err)?;
    b.call(
        "session.subscribe",
        serde_json::json!({ "events": ["log.entryAdded"] }),
        &mut sink,
    )
    .map_err(err)?;
    let tree = b
        .call("browsingContext.getTree", serde_json::json!({}), &mut sink)
        .map_err(err)?;
    let context = tree
        .pointer("/contexts/0/context")
        .and_then(|c| c.as_str())
        .ok_or("WebDriver BiDi: no browsing context")?
        .to_string();
    b.call(
        "browsingContext.navigate",
        serde_json::json!({ "context": context, "url": url, "wait": "none" }),
        &mut sink,
    )
    .map_err(err)?;
    let _ = b.stream.set_read_timeout(None);
    std::thread::spawn(move || {
        while let Ok(m) = b.read_message() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&m) {
                if let Some(line) = entry_line(&v) {
                    let _ = out.write_all(line.as_bytes());
                }
            }
        }
    });
    Ok(())
}
