//! The demo in Chromium: each role's dashboard has something to show on first start —
//! Dieter's quota and forecast on his phone, Miriam's lead funnel, Petra's team.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};
use tandem_testkit::Browser;

/// The demo's logins as `serve --demo` prints them: (email, password).
fn logins(lines: &[String]) -> Vec<(String, String)> {
    lines
        .iter()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let (_role, email, password) = (words.next()?, words.next()?, words.next()?);
            email
                .ends_with("@demo.tandem.test")
                .then(|| (email.to_string(), password.to_string()))
        })
        .collect()
}

#[tokio::test]
async fn the_demo_dashboards_show_each_role_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["serve", "--demo", "--listen", &listen, "--data-dir"])
        .arg(dir.path())
        .env_remove("TANDEM_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    // The logins come first, then the line that says where Tandem runs.
    let lines = tokio::task::spawn_blocking(move || {
        let mut seen = vec![];
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let done = line.contains("Tandem is running at");
            seen.push(line);
            if done {
                break;
            }
        }
        seen
    });
    let lines = tokio::time::timeout(Duration::from_secs(120), lines)
        .await
        .expect("the demo started within two minutes")
        .unwrap();
    let base = format!("http://{listen}");
    walk(&base, &lines).await;
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// Signs in as each role and looks at its dashboard.
async fn walk(base: &str, lines: &[String]) {
    let logins = logins(lines);
    let login = |who: &str| {
        logins
            .iter()
            .find(|(e, _)| e.starts_with(who))
            .cloned()
            .unwrap_or_else(|| panic!("{who} in {lines:?}"))
    };
    let Some(phone) = Browser::start(390, 844).await else {
        return;
    };
    let (email, password) = login("dieter.mayer");
    phone.sign_in(base, &email, &password).await;
    phone.click("nav.mainnav a[title=Kennzahlen]").await;
    phone.wait_for("#forecast-table").await;
    assert_eq!(phone.path().await, "/kpis/mine");
    let attainment = phone.text("#attainment").await;
    assert!(
        attainment.contains('%'),
        "Dieter's quota is reached to some percent: {attainment}"
    );
    assert!(phone.count("#closing tbody tr").await > 0, "deals closing");
    phone.screenshot("demo-mine-phone").await;
    phone.close().await;

    let Some(desk) = Browser::start(1280, 900).await else {
        return;
    };
    let (email, password) = login("miriam.ott");
    desk.sign_in(base, &email, &password).await;
    desk.goto(&format!("{base}/kpis/marketing?period_kind=year"))
        .await;
    desk.wait_for("#lead-funnel").await;
    let leads: i64 = desk
        .text("#lead-funnel tbody tr:first-child td")
        .await
        .lines()
        .next()
        .and_then(|n| n.trim().replace('.', "").parse().ok())
        .unwrap_or(0);
    assert!(leads > 0, "the demo's leads of this year are in the funnel");
    assert!(desk.count("#report-campaigns tbody tr").await > 0);
    desk.screenshot("demo-marketing-desktop").await;
    desk.close().await;

    let Some(desk) = Browser::start(1280, 900).await else {
        return;
    };
    let (email, password) = login("petra.schulz");
    desk.sign_in(base, &email, &password).await;
    desk.click("nav.mainnav a[title=Kennzahlen]").await;
    desk.wait_for("#comparison").await;
    assert_eq!(desk.path().await, "/kpis/team");
    assert!(desk.count("#comparison tbody tr").await > 1);
    desk.screenshot("demo-team-desktop").await;
    desk.close().await;
}
