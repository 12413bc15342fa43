//! The charts of the figures pages: small SVGs drawn on the server. Each is for the eye;
//! the page carries the same figures in a table.

use super::{show, svc};
use crate::i18n::Tr;
use tandem_domain::metrics::Metric;

/// A sparkline: the values as a line over `w`×`h`, gaps where there is no data.
pub fn sparkline(values: &[Option<i64>], w: i64, h: i64) -> String {
    let present: Vec<i64> = values.iter().flatten().copied().collect();
    if present.len() < 2 {
        return String::new();
    }
    let (lo, hi) = (
        *present.iter().min().unwrap_or(&0),
        *present.iter().max().unwrap_or(&0),
    );
    let span = (hi - lo).max(1) as i128;
    let step = if values.len() > 1 {
        w / (values.len() as i64 - 1)
    } else {
        w
    };
    let mut points = vec![];
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = v {
            let y = h - 2 - ((*v - lo) as i128 * (h - 4) as i128 / span) as i64;
            points.push(format!("{},{}", i as i64 * step, y));
        }
    }
    format!(
        r#"<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-hidden="true" focusable="false"><polyline points="{}" fill="none" stroke="currentColor" stroke-width="2"/></svg>"#,
        points.join(" ")
    )
}

/// A bar of attainment, 0 to 100 % (more is drawn full).
pub fn bar(bp: Option<i64>) -> String {
    let Some(bp) = bp else {
        return String::new();
    };
    let width = (bp.clamp(0, 10_000) / 100) as u32;
    let class = if bp >= 10_000 { "reached" } else { "" };
    format!(
        r#"<svg class="bar {class}" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect class="track" width="100" height="8" rx="4"/><rect class="fill" width="{width}" height="8" rx="4"/></svg>"#
    )
}

/// Bars of the figures that fired the rule, with the threshold as a line.
pub fn figures_chart(values: &[Option<i64>], threshold: Option<i64>) -> String {
    let top = values
        .iter()
        .flatten()
        .copied()
        .chain(threshold)
        .max()
        .unwrap_or(0)
        .max(1);
    let (w, h, gap) = (40i64, 80i64, 12i64);
    let width = values.len() as i64 * (w + gap);
    let mut out = format!(
        r#"<svg class="chart" viewBox="0 0 {width} {h}" width="{width}" height="{h}" aria-hidden="true" focusable="false">"#
    );
    for (i, v) in values.iter().enumerate() {
        let v = v.unwrap_or(0).max(0);
        let bh = (v as i128 * (h - 4) as i128 / top as i128) as i64;
        out.push_str(&format!(
            r#"<rect class="fill" x="{}" y="{}" width="{w}" height="{bh}" rx="3"/>"#,
            i as i64 * (w + gap),
            h - bh
        ));
    }
    if let Some(t) = threshold {
        let y = h - (t.max(0) as i128 * (h - 4) as i128 / top as i128) as i64;
        out.push_str(&format!(
            r#"<line class="threshold" x1="0" x2="{width}" y1="{y}" y2="{y}"/>"#
        ));
    }
    out.push_str("</svg>");
    out
}

/// Text for inside SVG markup.
pub fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Won revenue per person as horizontal bars, with each quota as a tick.
pub fn revenue_chart(tr: &Tr, people: &[svc::Compared]) -> String {
    let most = people
        .iter()
        .flat_map(|p| [p.values[0].unwrap_or(0), p.quota.unwrap_or(0)])
        .max()
        .unwrap_or(0)
        .max(1) as i128;
    let (label_w, bar_w, row_h) = (160_i64, 400_i64, 28_i64);
    let height = row_h * people.len() as i64 + 4;
    // The table below says the same; the chart is for the eye.
    let mut out = format!(
        r#"<svg class="chart hbars" viewBox="0 0 {} {height}" aria-hidden="true" focusable="false">"#,
        label_w + bar_w + 120,
    );
    for (i, p) in people.iter().enumerate() {
        let y = i as i64 * row_h + 4;
        let won = p.values[0].unwrap_or(0).max(0);
        let w = (won as i128 * bar_w as i128 / most) as i64;
        let name = xml_text(&p.name);
        out.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{name}</text><rect x="{label_w}" y="{y}" width="{}" height="{}" class="fill"/>"#,
            label_w - 8,
            y + row_h / 2 + 4,
            w.max(1),
            row_h - 10,
        ));
        if let Some(q) = p.quota.filter(|q| *q > 0) {
            let x = label_w + (q as i128 * bar_w as i128 / most) as i64;
            out.push_str(&format!(
                r#"<line x1="{x}" x2="{x}" y1="{}" y2="{}" class="quota"/>"#,
                y - 2,
                y + row_h - 6
            ));
        }
        out.push_str(&format!(
            r#"<text x="{}" y="{}" class="value">{}</text>"#,
            label_w + w.max(1) + 6,
            y + row_h / 2 + 4,
            show(Metric::WonRevenue, Some(won), tr)
        ));
    }
    out.push_str("</svg>");
    out
}

/// The scope's forecast as one bar: won, then commit, best case and pipeline on top,
/// the quota as a tick.
pub fn forecast_chart(won: i64, expected: &[i64; 3], quota: Option<i64>) -> String {
    let parts = [won.max(0), expected[0], expected[1], expected[2]];
    let all: i64 = parts
        .iter()
        .map(|p| p.max(&0))
        .fold(0, |a, b| a.saturating_add(*b));
    let most = all.max(quota.unwrap_or(0)).max(1) as i128;
    let (w, h) = (560_i64, 36_i64);
    let mut out = format!(
        r#"<svg class="chart forecast" viewBox="0 0 {w} {h}" aria-hidden="true" focusable="false">"#
    );
    let mut x = 0_i64;
    for (part, class) in parts.iter().zip(["won", "commit", "best", "pipe"]) {
        let pw = (*part.max(&0) as i128 * w as i128 / most) as i64;
        if pw > 0 {
            out.push_str(&format!(
                r#"<rect x="{x}" y="6" width="{pw}" height="{}" class="{class}"/>"#,
                h - 12
            ));
        }
        x += pw;
    }
    if let Some(q) = quota.filter(|q| *q > 0) {
        let qx = ((q as i128 * w as i128 / most) as i64).min(w - 1);
        out.push_str(&format!(
            r#"<line x1="{qx}" x2="{qx}" y1="0" y2="{h}" class="quota"/>"#
        ));
    }
    out.push_str("</svg>");
    out
}

/// A funnel: per stage a bar as long as the visits that ended there, its darker part
/// those that moved on.
pub fn funnel_chart(f: &svc::Funnel) -> String {
    let most = f.steps.iter().map(|s| s.exits).max().unwrap_or(0).max(1) as i128;
    let (label_w, bar_w, row_h) = (160_i64, 400_i64, 28_i64);
    let height = row_h * f.steps.len() as i64 + 4;
    let mut out = format!(
        r#"<svg class="chart hbars funnel" viewBox="0 0 {} {height}" aria-hidden="true" focusable="false">"#,
        label_w + bar_w + 40,
    );
    for (i, s) in f.steps.iter().enumerate() {
        let y = i as i64 * row_h + 4;
        let w = (s.exits as i128 * bar_w as i128 / most) as i64;
        let on = (s.advances as i128 * bar_w as i128 / most) as i64;
        // Centred, so the bars narrow like a funnel.
        let x = label_w + (bar_w - w) / 2;
        out.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{}</text><rect x="{x}" y="{y}" width="{}" height="{}" class="track"/><rect x="{x}" y="{y}" width="{on}" height="{}" class="fill"/>"#,
            label_w - 8,
            y + row_h / 2 + 4,
            xml_text(&s.stage),
            w.max(1),
            row_h - 10,
            row_h - 10,
        ));
    }
    out.push_str("</svg>");
    out
}

/// Labelled horizontal bars, each with its value written behind it.
pub fn labelled_bars(rows: &[(String, i64, String)]) -> String {
    let most = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as i128;
    let (label_w, bar_w, row_h) = (160_i64, 400_i64, 28_i64);
    let height = row_h * rows.len() as i64 + 4;
    let mut out = format!(
        r#"<svg class="chart hbars" viewBox="0 0 {} {height}" aria-hidden="true" focusable="false">"#,
        label_w + bar_w + 120,
    );
    for (i, (label, v, shown)) in rows.iter().enumerate() {
        let y = i as i64 * row_h + 4;
        let w = ((*v).max(0) as i128 * bar_w as i128 / most) as i64;
        out.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{}</text><rect x="{label_w}" y="{y}" width="{}" height="{}" class="fill"/><text x="{}" y="{}" class="value">{}</text>"#,
            label_w - 8,
            y + row_h / 2 + 4,
            xml_text(label),
            w.max(1),
            row_h - 10,
            label_w + w.max(1) + 6,
            y + row_h / 2 + 4,
            xml_text(shown),
        ));
    }
    out.push_str("</svg>");
    out
}

/// Two columns per period side by side (say leads and the SQLs among them), the label
/// under each pair.
pub fn paired_columns(labels: &[String], first: &[i64], second: &[i64]) -> String {
    let most = first
        .iter()
        .chain(second)
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as i128;
    let (col_w, gap, h, label_h) = (18_i64, 22_i64, 120_i64, 18_i64);
    let width = labels.len() as i64 * (2 * col_w + gap);
    let mut out = format!(
        r#"<svg class="chart columns" viewBox="0 0 {width} {}" aria-hidden="true" focusable="false">"#,
        h + label_h
    );
    for (i, label) in labels.iter().enumerate() {
        let x = i as i64 * (2 * col_w + gap) + gap / 2;
        for (j, (v, class)) in [
            (first.get(i).copied().unwrap_or(0), "track"),
            (second.get(i).copied().unwrap_or(0), "fill"),
        ]
        .into_iter()
        .enumerate()
        {
            let bh = (v.max(0) as i128 * (h - 4) as i128 / most) as i64;
            out.push_str(&format!(
                r#"<rect class="{class}" x="{}" y="{}" width="{col_w}" height="{bh}" rx="2"/>"#,
                x + j as i64 * col_w,
                h - bh
            ));
        }
        out.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="middle" class="label">{}</text>"#,
            x + col_w,
            h + label_h - 4,
            xml_text(label)
        ));
    }
    out.push_str("</svg>");
    out
}
