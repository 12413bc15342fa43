//! Headless Chromium through chromedriver (Debian's chromium-driver).

use fantoccini::{Client, ClientBuilder, Locator};
use std::{
    os::unix::process::CommandExt,
    process::{Child, Command, Stdio},
    time::Duration,
};

pub struct Browser {
    pub client: Client,
    driver: Child,
    driver_url: String,
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
            // Its own process group, so that Chromium goes with it even if a test panics.
            .process_group(0)
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
        caps.insert(
            "goog:loggingPrefs".into(),
            serde_json::json!({"browser": "ALL"}),
        );
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
                        driver_url: url.clone(),
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

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    /// Types into the element matching `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.client.find(Locator::Css(css)).await.expect(css);
        el.send_keys(text).await.expect("type");
    }

    pub async fn click(&self, css: &str) {
        let mut last = None;
        for _ in 0..20 {
            let el = self.client.find(Locator::Css(css)).await.expect(css);
            match el.click().await {
                Ok(()) => return,
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("click on {css}: {last:?}")
    }

    /// Clicks what submits a form and waits for the next page to show `css` (an element
    /// the page before may have had too, such as a notice).
    pub async fn click_for_next(&self, css: &str, then: &str) {
        self.js("window.__tandemOldPage = true; return true;").await;
        self.click(css).await;
        let then = serde_json::to_string(then).expect("selector");
        self.wait_until(
            "the next page",
            &format!("return !window.__tandemOldPage && document.querySelector({then}) !== null;"),
        )
        .await;
    }

    /// Waits (up to the driver's default) until an element matches.
    pub async fn wait_for(&self, css: &str) {
        self.client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear: {e}"));
    }

    /// The text of the element matching `css`. Live pages swap fragments when events
    /// arrive, so an element found a moment ago may be gone: it is looked up again.
    pub async fn text(&self, css: &str) -> String {
        let mut last = None;
        for _ in 0..20 {
            let el = self.client.find(Locator::Css(css)).await.expect(css);
            match el.text().await {
                Ok(t) => return t,
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("text of {css}: {last:?}")
    }

    pub async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map_or(0, |v| v.len())
    }

    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("url")
            .path()
            .to_string()
    }

    /// Signs in through the sign-in form of the server at `base`.
    pub async fn sign_in(&self, base: &str, email: &str, password: &str) {
        self.goto(&format!("{base}/login")).await;
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.click("form button[type=submit]").await;
        self.wait_for("body[data-csrf]").await;
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

    /// The browser console's errors since the last call (CSP violations, script errors,
    /// failed requests), read from chromedriver's log endpoint.
    pub async fn console_errors(&self) -> Vec<String> {
        let Ok(session) = self.client.session_id().await else {
            return vec![];
        };
        let Some(session) = session else {
            return vec![];
        };
        let url = format!("{}/session/{session}/se/log", self.driver_url);
        let Ok(response) = reqwest::Client::new()
            .post(url)
            .json(&serde_json::json!({"type": "browser"}))
            .send()
            .await
        else {
            return vec![];
        };
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        body["value"]
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| e["level"] == "SEVERE")
                    .map(|e| e["message"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Runs a script in the page and returns its result.
    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits until `script` returns `true` (up to five seconds).
    pub async fn wait_until(&self, what: &str, script: &str) {
        for _ in 0..100 {
            if self.js(script).await == serde_json::Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("timed out waiting until {what}");
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}
