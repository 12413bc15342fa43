//! Headless Chromium through chromedriver (Debian's chromium-driver).

use fantoccini::{Client, ClientBuilder};
use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

const DRIVERS: [&str; 2] = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];

impl Browser {
    /// A headless Chromium at a window size. `None` (with the reason printed) when
    /// Chromium is not installed — unless `TANDEM_E2E=1`, where that fails the test.
    pub async fn start(width: u32, height: u32) -> Option<Browser> {
        let required = std::env::var("TANDEM_E2E").is_ok_and(|v| v == "1");
        let Some(driver_path) = DRIVERS.iter().find(|p| std::path::Path::new(p).exists()) else {
            assert!(
                !required,
                "TANDEM_E2E=1 but chromedriver is not installed (apt-get install chromium chromium-driver)"
            );
            eprintln!(
                "skipping browser test: chromedriver is not installed (apt-get install chromium chromium-driver)"
            );
            return None;
        };
        let port = free_port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("profile dir");
        let mut caps = serde_json::Map::new();
        let mut options = serde_json::json!({
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--lang=de-DE",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": {"intl.accept_languages": "de-DE,de"}
        });
        // Chromium windows are at least 500 px wide: phones are emulated instead.
        if width < 500 {
            options["mobileEmulation"] = serde_json::json!({
                "deviceMetrics": {"width": width, "height": height, "pixelRatio": 2, "touch": true}
            });
        }
        caps.insert("goog:chromeOptions".into(), options);
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps);
        let url = format!("http://127.0.0.1:{port}");
        let mut last_err = String::new();
        for _ in 0..50 {
            match builder.connect(&url).await {
                Ok(client) => {
                    return Some(Browser {
                        client,
                        driver,
                        _profile: profile,
                    });
                }
                Err(e) => {
                    last_err = e.to_string();
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        panic!("cannot start a Chromium session: {last_err}");
    }

    /// Saves a screenshot to the review folder (`TANDEM_SCREENSHOTS`, default a temp folder).
    pub async fn screenshot(&self, name: &str) {
        let dir = std::env::var("TANDEM_SCREENSHOTS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| std::env::temp_dir().join("tandem-screenshots"));
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}
