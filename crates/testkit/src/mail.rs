//! An SMTP sink on 127.0.0.1 for tests: accepts every mail and keeps it, decoded.

use mailin_embedded::{Handler, Response, Server, SslConfig, response};
use std::sync::{Arc, Mutex};

/// A mail as it arrived.
#[derive(Clone, Debug)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The decoded subject (RFC 2047 words undone).
    pub subject: String,
    /// The decoded text body.
    pub body: String,
}

#[derive(Clone, Default)]
struct Sink {
    inbox: Arc<Mutex<Vec<Received>>>,
    current: Vec<u8>,
    from: String,
    to: Vec<String>,
}

impl Handler for Sink {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current.clear();
        self.from = from.to_string();
        self.to = to.to_vec();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let parsed = mail_parser::MessageParser::default().parse(&self.current);
        let (subject, body) = parsed.map_or_else(Default::default, |m| {
            (
                m.subject().unwrap_or_default().to_string(),
                m.body_text(0).map(|b| b.to_string()).unwrap_or_default(),
            )
        });
        if let Ok(mut inbox) = self.inbox.lock() {
            inbox.push(Received {
                from: self.from.clone(),
                to: self.to.clone(),
                subject,
                body,
            });
        }
        response::OK
    }
}

/// A running sink; it serves until the test process ends.
pub struct MailSink {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
}

impl MailSink {
    pub fn start() -> MailSink {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind SMTP sink");
        let port = listener.local_addr().expect("sink address").port();
        let sink = Sink::default();
        let inbox = sink.inbox.clone();
        std::thread::spawn(move || {
            let mut server = Server::new(sink);
            server
                .with_name("sink.test")
                .with_ssl(SslConfig::None)
                .expect("no TLS")
                .with_num_threads(2)
                .with_tcp_listener(listener);
            let _ = server.serve();
        });
        MailSink { port, inbox }
    }

    /// The mail received so far.
    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().map(|i| i.clone()).unwrap_or_default()
    }
}
