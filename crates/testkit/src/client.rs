//! HTTP clients for tests: the API with a bearer token, and a browser-like client.

use reqwest::{Method, StatusCode};
use serde_json::Value;

pub struct ApiClient {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

pub struct ApiResponse {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl ApiClient {
    pub fn new(base: String, token: Option<String>) -> ApiClient {
        ApiClient {
            base,
            token,
            http: reqwest::Client::new(),
        }
    }

    /// The bearer token (empty without one).
    pub fn token(&self) -> &str {
        self.token.as_deref().unwrap_or("")
    }

    pub async fn get(&self, path: &str) -> ApiResponse {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> ApiResponse {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> ApiResponse {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> ApiResponse {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> ApiResponse {
        self.send(Method::DELETE, path, None).await
    }

    /// A GET whose answer is not JSON (PDFs, images): status, content type and bytes.
    pub async fn bytes(&self, path: &str) -> (StatusCode, String, Vec<u8>) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let kind = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (status, kind, resp.bytes().await.expect("body").to_vec())
    }

    /// Sends raw bytes with a content type (for malformed-input tests).
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> ApiResponse {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        Self::read(req.send().await.expect("request")).await
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> ApiResponse {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        Self::read(req.send().await.expect("request")).await
    }

    async fn read(resp: reqwest::Response) -> ApiResponse {
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.expect("body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        ApiResponse {
            status,
            headers,
            body,
        }
    }
}

/// A browser without JavaScript: cookies, forms, redirects.
#[derive(Clone)]
pub struct WebClient {
    base: String,
    pub http: reqwest::Client,
}

pub struct Page {
    pub status: StatusCode,
    /// Path (and query) of the final URL after redirects.
    pub path: String,
    pub html: scraper::Html,
    pub text: String,
}

impl Page {
    /// Text of the first element matching a CSS selector.
    pub fn select_text(&self, css: &str) -> Option<String> {
        let sel = scraper::Selector::parse(css).expect("selector");
        self.html
            .select(&sel)
            .next()
            .map(|e| e.text().collect::<String>().trim().to_string())
    }

    pub fn select_all_text(&self, css: &str) -> Vec<String> {
        let sel = scraper::Selector::parse(css).expect("selector");
        self.html
            .select(&sel)
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    }

    /// The attribute of every element matching `css`, in document order.
    pub fn select_all_attr(&self, css: &str, attr: &str) -> Vec<String> {
        let sel = scraper::Selector::parse(css).expect("selector");
        self.html
            .select(&sel)
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    pub fn attr(&self, css: &str, attr: &str) -> Option<String> {
        let sel = scraper::Selector::parse(css).expect("selector");
        self.html
            .select(&sel)
            .next()
            .and_then(|e| e.value().attr(attr).map(str::to_string))
    }

    /// The CSRF token of the page (a form field, or the body attribute).
    pub fn csrf(&self) -> String {
        self.attr("input[name=_csrf]", "value")
            .or_else(|| self.attr("body", "data-csrf"))
            .unwrap_or_default()
    }
}

impl WebClient {
    pub fn new(base: String) -> WebClient {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        WebClient { base, http }
    }

    /// A browser at another address, as the test server's trusted proxy (loopback)
    /// reports it in `X-Forwarded-For`.
    pub fn from_address(base: String, address: &str) -> WebClient {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", address.parse().expect("address"));
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .default_headers(headers)
            .build()
            .expect("client");
        WebClient { base, http }
    }

    pub async fn get(&self, path: &str) -> Page {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("get");
        Self::page(resp).await
    }

    /// Posts a form with the CSRF token of `from` (a page path) added.
    pub async fn submit(&self, from: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.get(from).await.csrf();
        self.post_form(action, &csrf, fields).await
    }

    pub async fn post_form(&self, action: &str, csrf: &str, fields: &[(&str, &str)]) -> Page {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        if !csrf.is_empty() {
            form.push(("_csrf", csrf));
        }
        let body = form_body(&form);
        let resp = self
            .http
            .post(format!("{}{action}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("post");
        Self::page(resp).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Page {
        let page = self
            .submit(
                "/login",
                "/login",
                &[("email", email), ("password", password)],
            )
            .await;
        assert!(
            page.path == "/" && page.status == 200,
            "login of {email} failed: {} {}",
            page.status,
            page.select_text(".alert").unwrap_or_default()
        );
        page
    }

    async fn page(resp: reqwest::Response) -> Page {
        let status = resp.status();
        let url = resp.url().clone();
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let text = resp.text().await.expect("text");
        Page {
            status,
            path,
            html: scraper::Html::parse_document(&text),
            text,
        }
    }
}

fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
