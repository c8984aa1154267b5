//! The site's view of incidents: an incident page's record (timeline,
//! prevention actions, runbook section), the incidents a runbook page
//! lists, and `reliability.html` with its numbers (the same ones go into
//! `handbook.json`). Reads the handbook and the [`Incidents`] index.

use crate::config::Config;
use crate::date::{Date, Interval};
use crate::handbook::Handbook;
use crate::incident::{
    mitigated_since, prevention_verified, started, status_known, Incidents, RunbookRef, Status,
};
use crate::page::Page;
use serde::Serialize;
use std::collections::BTreeMap;

/// How far back a signature counts as "occurred before" for the repeat rate.
pub const REPEAT_WINDOW_DAYS: i64 = 90;

/// An incident as other pages list it.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct IncidentRef {
    /// Title.
    pub title: String,
    /// Root-relative URL.
    pub url: String,
    /// `open`, `mitigated`, `closed`.
    pub status: String,
    /// Start date.
    pub started: Option<String>,
    /// It repeats an earlier incident.
    pub repeat: bool,
}

/// A prevention action as the incident page and the reliability page show it.
#[derive(Debug, Clone, Serialize, Default)]
pub struct PreventionView {
    /// What is to be done.
    pub what: String,
    /// Who does it.
    pub owner: Option<String>,
    /// Due date.
    pub due: Option<String>,
    /// Done.
    pub done: bool,
    /// When it was done, if written.
    pub done_on: Option<String>,
    /// When it was verified.
    pub verified: Option<String>,
    /// Who verified it.
    pub verified_by: Option<String>,
    /// Not done and past its due date.
    pub overdue: bool,
    /// The incident it belongs to (on the reliability page).
    pub incident: Option<IncidentRef>,
}

/// An incident page's record.
#[derive(Debug, Clone, Serialize, Default)]
pub struct IncidentView {
    /// `open`, `mitigated`, `closed`, or `unknown` when the page says
    /// neither a status nor a mitigated or closed date.
    pub status: String,
    /// What the status means, in words.
    pub meaning: String,
    /// `severity` as written.
    pub severity: Option<String>,
    /// `signature`.
    pub signature: Option<String>,
    /// Dates, `YYYY-MM-DD`.
    pub started: Option<String>,
    /// Mitigated date.
    pub mitigated: Option<String>,
    /// Closed date.
    pub closed: Option<String>,
    /// Days from started to mitigated.
    pub days_to_mitigate: Option<i64>,
    /// Days from mitigated to closed.
    pub days_to_close: Option<i64>,
    /// Days mitigated and not closed, up to today.
    pub days_open: Option<i64>,
    /// Mitigated for longer than `close-within`.
    pub past_close_within: bool,
    /// The runbook section used: title, URL with the fragment.
    pub runbook: Option<RunbookView>,
    /// Prevention actions, open ones first.
    pub prevention: Vec<PreventionView>,
    /// The earlier incident this one repeats.
    pub repeats: Option<IncidentRef>,
    /// Whether that earlier incident's prevention was verified.
    pub repeats_verified: bool,
}

/// The runbook (section) an incident used.
#[derive(Debug, Clone, Serialize, Default)]
pub struct RunbookView {
    /// The runbook's title, then the section's heading when there is one.
    pub label: String,
    /// Root-relative URL, with `#section`.
    pub url: String,
}

/// One row of "mitigated, not closed".
#[derive(Debug, Clone, Serialize, Default)]
pub struct OpenRiskRow {
    /// The incident.
    pub incident: IncidentRef,
    /// Its title, cut to fit the chart's label column.
    pub label: String,
    /// Mitigated on.
    pub mitigated: Option<String>,
    /// Days since.
    pub days: i64,
    /// Past `close-within`.
    pub past_limit: bool,
    /// Bar width in the chart (SVG units).
    pub bar: u32,
    /// Bar's y in the chart.
    pub y: u32,
}

/// Incidents sharing a signature.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SignatureRow {
    /// The signature (as the first incident wrote it).
    pub signature: String,
    /// Its incidents, oldest first.
    pub incidents: Vec<IncidentRef>,
    /// Whether the newest one's prevention is verified.
    pub latest_verified: bool,
}

/// Data of `reliability.html` (and `reliability` in `handbook.json`).
#[derive(Debug, Clone, Serialize, Default)]
pub struct ReliabilityView {
    /// Incidents in the handbook.
    pub incidents: usize,
    /// By status.
    pub open: usize,
    /// Saying neither a status nor a mitigated or closed date.
    pub unknown: usize,
    /// Mitigated, not closed.
    pub mitigated: usize,
    /// Closed.
    pub closed: usize,
    /// `[kinds.incident] close-within`, as written (`30d`).
    pub close_within: String,
    /// Mitigated (or open with a mitigated date) and not closed, longest first.
    pub open_risk: Vec<OpenRiskRow>,
    /// Signatures seen more than once, most incidents first.
    pub repeats: Vec<SignatureRow>,
    /// Prevention actions not done, by owner then due date.
    pub open_prevention: Vec<PreventionView>,
    /// Incidents whose signature occurred before within 90 days.
    pub repeat_count: usize,
    /// `repeat_count` over all incidents, in percent (rounded); `None`
    /// without incidents.
    pub repeat_rate_percent: Option<u32>,
    /// Median days from mitigated to closed, over closed incidents with
    /// both dates.
    pub median_days_to_close: Option<i64>,
    /// Width and height of the open-risk chart, and the x of the
    /// `close-within` line (0 when `never`).
    pub chart_width: u32,
    /// Chart height.
    pub chart_height: u32,
    /// The x of the limit line.
    pub limit_x: u32,
}

fn days(from: Date, to: Date) -> i64 {
    to.days() - from.days()
}

fn incident_ref(p: &Page, incidents: &Incidents, i: usize) -> IncidentRef {
    let inc = incidents.get(i);
    IncidentRef {
        title: p.title.clone(),
        url: p.url.clone(),
        status: inc.map_or("open", |x| x.status.as_str()).to_string(),
        started: started(p).map(|d| d.to_string()),
        repeat: inc.is_some_and(|x| x.repeats.is_some()),
    }
}

fn prevention_view(a: &crate::frontmatter::Action, today: Date) -> PreventionView {
    PreventionView {
        what: a.what.clone(),
        owner: a.owner.clone(),
        due: a.due.map(|d| d.to_string()),
        done: a.done,
        done_on: a.done_on.map(|d| d.to_string()),
        verified: a.verified.map(|d| d.to_string()),
        verified_by: a.verified_by.clone(),
        overdue: !a.done && a.due.is_some_and(|d| d < today),
        incident: None,
    }
}

/// Mitigated since `since` and past `close-within` today, as
/// `incident-mitigated-open` measures it.
fn past_limit(since: Date, today: Date, within: Interval) -> bool {
    since.plus(within).is_some_and(|limit| today > limit)
}

/// The record shown on incident page `i`.
pub fn incident_view(
    h: &Handbook,
    incidents: &Incidents,
    i: usize,
    today: Date,
) -> Option<IncidentView> {
    let inc = incidents.get(i)?;
    let p = &h.pages[i];
    let f = &p.front;
    let since = mitigated_since(p, inc.status);
    let runbook = match &inc.runbook {
        RunbookRef::Found(l) => {
            let target = &h.pages[l.page];
            let section = l.anchor.as_ref().and_then(|a| {
                target
                    .md
                    .headings
                    .iter()
                    .find(|x| x.id == *a || x.aliases.contains(a))
                    .map(|x| (x.id.clone(), x.text.clone()))
            });
            Some(match section {
                Some((id, text)) => RunbookView {
                    label: format!("{} › {text}", target.title),
                    url: format!("{}#{id}", target.url),
                },
                None => RunbookView {
                    label: target.title.clone(),
                    url: target.url.clone(),
                },
            })
        }
        _ => None,
    };
    let mut prevention: Vec<PreventionView> = f
        .actions
        .iter()
        .filter(|a| a.prevention)
        .map(|a| prevention_view(a, today))
        .collect();
    prevention.sort_by_key(|a| a.done && a.verified.is_some());
    let (status, meaning) = if status_known(p) {
        (inc.status.as_str(), inc.status.meaning())
    } else {
        (
            "unknown",
            "the page says neither its status nor when the incident was mitigated or closed; add `status:` (open, mitigated or closed) and the dates",
        )
    };
    Some(IncidentView {
        status: status.to_string(),
        meaning: meaning.to_string(),
        severity: f.severity.clone(),
        signature: f.signature.clone(),
        started: started(p).map(|d| d.to_string()),
        mitigated: f.mitigated.map(|d| d.to_string()),
        closed: f.closed.map(|d| d.to_string()),
        days_to_mitigate: started(p).zip(f.mitigated).map(|(a, b)| days(a, b)),
        days_to_close: f.mitigated.zip(f.closed).map(|(a, b)| days(a, b)),
        days_open: since.map(|d| days(d, today).max(0)),
        past_close_within: since
            .is_some_and(|d| past_limit(d, today, h.config.incident_close_within)),
        runbook,
        prevention,
        repeats: inc
            .repeats
            .as_ref()
            .map(|r| incident_ref(&h.pages[r.earlier], incidents, r.earlier)),
        repeats_verified: inc.repeats.as_ref().is_some_and(|r| r.earlier_verified),
    })
}

/// The incidents that used runbook page `i`, oldest first.
pub fn runbook_incidents(h: &Handbook, incidents: &Incidents, i: usize) -> Vec<IncidentRef> {
    let mut out: Vec<(Option<Date>, IncidentRef)> = incidents
        .by_page
        .iter()
        .enumerate()
        .filter_map(|(j, inc)| match &inc.as_ref()?.runbook {
            RunbookRef::Found(l) if l.page == i => Some((
                started(&h.pages[j]),
                incident_ref(&h.pages[j], incidents, j),
            )),
            _ => None,
        })
        .collect();
    out.sort_by(|a, b| (a.0, &a.1.url).cmp(&(b.0, &b.1.url)));
    out.into_iter().map(|(_, r)| r).collect()
}

/// The numbers of `reliability.html`.
pub fn reliability_view(h: &Handbook, incidents: &Incidents, today: Date) -> ReliabilityView {
    let config: &Config = &h.config;
    let mut v = ReliabilityView {
        close_within: config.incident_close_within.to_string(),
        ..ReliabilityView::default()
    };
    let mut by_signature: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut to_close: Vec<i64> = Vec::new();
    for (i, inc) in incidents.by_page.iter().enumerate() {
        let Some(inc) = inc else { continue };
        let p = &h.pages[i];
        v.incidents += 1;
        match inc.status {
            _ if !status_known(p) => v.unknown += 1,
            Status::Open => v.open += 1,
            Status::Mitigated => v.mitigated += 1,
            Status::Closed => v.closed += 1,
        }
        if let Some(since) = mitigated_since(p, inc.status) {
            v.open_risk.push(OpenRiskRow {
                incident: incident_ref(p, incidents, i),
                label: short_label(&p.title),
                mitigated: Some(since.to_string()),
                days: days(since, today).max(0),
                past_limit: past_limit(since, today, config.incident_close_within),
                bar: 0,
                y: 0,
            });
        }
        if let (Status::Closed, Some(m), Some(c)) = (inc.status, p.front.mitigated, p.front.closed)
        {
            to_close.push(days(m, c));
        }
        if let Some(s) = p
            .front
            .signature
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            by_signature.entry(s.to_lowercase()).or_default().push(i);
        }
        for a in p.front.actions.iter().filter(|a| a.prevention && !a.done) {
            let mut row = prevention_view(a, today);
            row.incident = Some(incident_ref(p, incidents, i));
            v.open_prevention.push(row);
        }
    }
    // The repeat rate: an incident whose signature occurred before, within
    // REPEAT_WINDOW_DAYS of its start.
    for pages in by_signature.values_mut() {
        pages.sort_by_key(|&i| (started(&h.pages[i]), i));
        for (k, &i) in pages.iter().enumerate().skip(1) {
            let (Some(now), Some(before)) = (started(&h.pages[i]), started(&h.pages[pages[k - 1]]))
            else {
                continue;
            };
            if days(before, now) <= REPEAT_WINDOW_DAYS {
                v.repeat_count += 1;
            }
        }
    }
    v.repeat_rate_percent = (v.incidents > 0)
        .then(|| ((v.repeat_count as f64 / v.incidents as f64) * 100.0).round() as u32);
    v.repeats = by_signature
        .into_values()
        .filter(|pages| pages.len() > 1)
        .map(|pages| {
            let first = &h.pages[pages[0]];
            let newest = pages[pages.len() - 1];
            SignatureRow {
                signature: first
                    .front
                    .signature
                    .clone()
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
                latest_verified: prevention_verified(&h.pages[newest]),
                incidents: pages
                    .iter()
                    .map(|&i| incident_ref(&h.pages[i], incidents, i))
                    .collect(),
            }
        })
        .collect();
    v.repeats.sort_by(|a, b| {
        b.incidents
            .len()
            .cmp(&a.incidents.len())
            .then(a.signature.cmp(&b.signature))
    });
    v.open_prevention
        .sort_by(|a, b| (&a.owner, &a.due, &a.what).cmp(&(&b.owner, &b.due, &b.what)));
    to_close.sort_unstable();
    v.median_days_to_close = match to_close.len() {
        0 => None,
        n if n % 2 == 1 => Some(to_close[n / 2]),
        n => Some((to_close[n / 2 - 1] + to_close[n / 2]) / 2),
    };
    v.open_risk.sort_by(|a, b| {
        b.days
            .cmp(&a.days)
            .then_with(|| a.incident.url.cmp(&b.incident.url))
    });
    chart(&mut v, config.incident_close_within);
    v
}

/// A title cut to 32 characters (with an ellipsis) for the chart.
fn short_label(title: &str) -> String {
    if title.chars().count() <= 32 {
        title.to_string()
    } else {
        let cut: String = title.chars().take(31).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Lays out the open-risk chart: one bar per incident, its length the days
/// mitigated, with the `close-within` limit as a line.
fn chart(v: &mut ReliabilityView, within: Interval) {
    const WIDTH: u32 = 640;
    const LABEL: u32 = 220;
    const VALUE: u32 = 60;
    const ROW: u32 = 26;
    let limit_days = match within {
        Interval::Days(n) => i64::from(n),
        Interval::Months(n) => 30 * i64::from(n),
        Interval::Never => 0,
    };
    let max = v
        .open_risk
        .iter()
        .map(|r| r.days)
        .max()
        .unwrap_or(0)
        .max(limit_days)
        .max(1);
    let span = f64::from(WIDTH - LABEL - VALUE);
    let scale = |d: i64| (d as f64 / max as f64 * span).round() as u32;
    for (row, y) in v.open_risk.iter_mut().zip((0u32..).map(|i| i * ROW)) {
        row.bar = scale(row.days).max(2);
        row.y = y;
    }
    v.chart_width = WIDTH;
    v.chart_height = (v.open_risk.len() as u32).max(1) * ROW;
    v.limit_x = if limit_days > 0 {
        LABEL + scale(limit_days)
    } else {
        0
    };
}
