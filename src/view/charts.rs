//! The geometry of the two charts of `health.html` (inline SVG, no
//! script): pages by kind ([`KindChart`]) and the per-domain scores
//! ([`DomainChart`]). Worked out here so templates only draw.

use super::domain_score::BANDS;
use super::health::HealthView;
use serde::Serialize;

/// Geometry of the "pages by kind" bar chart on the health page, computed
/// here so the template only draws rectangles.
#[derive(Debug, Serialize)]
pub struct KindChart<'a> {
    /// SVG width in user units.
    pub width: u32,
    /// SVG height.
    pub height: u32,
    /// Room for the kind names on the left.
    pub label_width: u32,
    /// The largest page count (the longest bar).
    pub max: usize,
    /// One group of three bars per kind.
    pub rows: Vec<KindChartRow<'a>>,
}

/// One kind's bars: all its pages, the stale ones and the unowned ones.
#[derive(Debug, Serialize)]
pub struct KindChartRow<'a> {
    /// Kind label (plural).
    pub label: &'a str,
    /// Kind id.
    pub kind: &'a str,
    /// Top of the group.
    pub y: u32,
    /// Pages of the kind.
    pub total: usize,
    /// Of those, stale.
    pub stale: usize,
    /// Of those, unowned.
    pub unowned: usize,
    /// Width of the `total` bar.
    pub w_total: u32,
    /// Width of the `stale` bar.
    pub w_stale: u32,
    /// Width of the `unowned` bar.
    pub w_unowned: u32,
}

impl<'a> KindChart<'a> {
    const WIDTH: u32 = 640;
    const LABEL_WIDTH: u32 = 190;
    /// Room on the right for the count printed after the longest bar.
    const VALUE_WIDTH: u32 = 60;
    /// Height of one kind's group of three bars, gap included.
    const ROW_HEIGHT: u32 = 46;

    /// Lays out the chart for `health.by_kind`.
    pub fn new(health: &'a HealthView) -> Self {
        let max = health.by_kind.iter().map(|k| k.total).max().unwrap_or(0);
        let span = Self::WIDTH - Self::LABEL_WIDTH - Self::VALUE_WIDTH;
        let scale = |n: usize| -> u32 {
            if max == 0 {
                0
            } else {
                // Bars of non-zero counts get at least 2 units so they show.
                let w = (n as f64 / max as f64 * f64::from(span)).round() as u32;
                if n > 0 {
                    w.max(2)
                } else {
                    0
                }
            }
        };
        let rows: Vec<KindChartRow<'a>> = health
            .by_kind
            .iter()
            .zip(0u32..)
            .map(|(k, i)| KindChartRow {
                label: &k.label,
                kind: &k.kind,
                y: i * Self::ROW_HEIGHT,
                total: k.total,
                stale: k.stale,
                unowned: k.unowned,
                w_total: scale(k.total),
                w_stale: scale(k.stale),
                w_unowned: scale(k.unowned),
            })
            .collect();
        let count = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        KindChart {
            width: Self::WIDTH,
            height: count.saturating_mul(Self::ROW_HEIGHT).max(Self::ROW_HEIGHT),
            label_width: Self::LABEL_WIDTH,
            max,
            rows,
        }
    }
}

/// Geometry of the per-domain score chart on `health.html` (inline SVG,
/// no script): one stacked bar per domain, a segment per dimension, over
/// the four band zones. Computed here so the template only draws.
#[derive(Debug, Serialize)]
pub struct DomainChart<'a> {
    /// SVG width in user units.
    pub width: u32,
    /// SVG height.
    pub height: u32,
    /// Room for the domain names on the left.
    pub label_width: u32,
    /// Width of one score point.
    pub unit: u32,
    /// Height of the plot area (zones span it).
    pub plot_height: u32,
    /// The band zones along the axis.
    pub zones: Vec<ChartZone>,
    /// Axis ticks 0..=10.
    pub ticks: Vec<ChartTick>,
    /// One bar per domain, in dashboard order.
    pub rows: Vec<DomainChartRow<'a>>,
}

/// A band's stretch of the axis.
#[derive(Debug, Serialize)]
pub struct ChartZone {
    /// Band id.
    pub band: &'static str,
    /// Band label.
    pub label: &'static str,
    /// Left edge.
    pub x: u32,
    /// Width.
    pub w: u32,
}

/// An axis tick.
#[derive(Debug, Serialize)]
pub struct ChartTick {
    /// Position.
    pub x: u32,
    /// The score there.
    pub value: u32,
}

/// One domain's bar.
#[derive(Debug, Serialize)]
pub struct DomainChartRow<'a> {
    /// Domain name.
    pub domain: &'a str,
    /// Top of the row.
    pub y: u32,
    /// Total score.
    pub score: u8,
    /// Band id.
    pub band: &'a str,
    /// Band label.
    pub band_label: &'a str,
    /// Where the total is printed.
    pub text_x: u32,
    /// One segment per dimension with a score above 0.
    pub segments: Vec<ChartSegment<'a>>,
    /// Labels of dimensions that are unknown.
    pub unknown: Vec<&'a str>,
}

/// One dimension's part of a bar.
#[derive(Debug, Serialize)]
pub struct ChartSegment<'a> {
    /// Dimension key (for the colour class).
    pub key: &'a str,
    /// Dimension label.
    pub label: &'a str,
    /// Its score.
    pub score: u8,
    /// Left edge.
    pub x: u32,
    /// Width.
    pub w: u32,
}

impl<'a> DomainChart<'a> {
    const WIDTH: u32 = 640;
    const LABEL_WIDTH: u32 = 150;
    const UNIT: u32 = 36;
    const ROW_HEIGHT: u32 = 30;
    const TOP: u32 = 22;
    const AXIS: u32 = 22;

    /// Lays out the chart for `health.domains`.
    pub fn new(health: &'a HealthView) -> Self {
        let bands = health.band_from;
        let x0 = Self::LABEL_WIDTH;
        let at = |points: u32| x0 + points.min(10) * Self::UNIT;
        let rows: Vec<DomainChartRow<'a>> = health
            .domains
            .iter()
            .zip(0u32..)
            .map(|(d, i)| {
                let mut cum = 0u32;
                let mut segments = Vec::new();
                let mut unknown = Vec::new();
                for dim in &d.dimensions {
                    match dim.score {
                        Some(s) if s > 0 => {
                            segments.push(ChartSegment {
                                key: &dim.key,
                                label: &dim.label,
                                score: s,
                                x: at(cum),
                                w: u32::from(s) * Self::UNIT,
                            });
                            cum += u32::from(s);
                        }
                        Some(_) => {}
                        None => unknown.push(dim.label.as_str()),
                    }
                }
                DomainChartRow {
                    domain: &d.domain,
                    y: Self::TOP + i * Self::ROW_HEIGHT,
                    score: d.score,
                    band: &d.band,
                    band_label: &d.band_label,
                    text_x: at(cum) + 8,
                    segments,
                    unknown,
                }
            })
            .collect();
        let count = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        let plot_height = count.saturating_mul(Self::ROW_HEIGHT).max(Self::ROW_HEIGHT);
        let edges = [0, bands[0], bands[1], bands[2], 10];
        let zones = BANDS
            .iter()
            .enumerate()
            .map(|(i, (band, label))| ChartZone {
                band,
                label,
                x: at(edges[i]),
                w: at(edges[i + 1].max(edges[i])) - at(edges[i]),
            })
            .collect();
        DomainChart {
            width: Self::WIDTH,
            height: Self::TOP + plot_height + Self::AXIS,
            label_width: x0,
            unit: Self::UNIT,
            plot_height,
            zones,
            ticks: (0..=10).map(|v| ChartTick { x: at(v), value: v }).collect(),
            rows,
        }
    }
}
