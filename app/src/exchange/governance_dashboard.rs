//! An organisation's conformance on its governance page: each ruleset with what it finds
//! in the latest versions now, a plot of the share of conformant assets per ruleset over
//! the last 90 days, and the assets at risk (error findings; those a blocking ruleset
//! would refuse marked).

use leptos::prelude::*;
use leptos_router::components::A;
use portico_types::governance::{ConformancePoint, GovernanceDashboard};

use super::conformance_badge::ConformanceBadge;
use crate::error::AppError;

/// The dashboard's figures for `organization` (any member).
#[server(prefix = "/rpc", endpoint = "governance_dashboard")]
pub async fn load_governance_dashboard(
    organization: String,
) -> Result<GovernanceDashboard, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::exchange::governance::dashboard(&ctx.db, &user, &organization).await?)
}

/// The dashboard's figures for the page's organisation; none when none is chosen.
pub async fn load_dashboard(organization: String) -> Result<Option<GovernanceDashboard>, AppError> {
    if organization.is_empty() {
        return Ok(None);
    }
    load_governance_dashboard(organization).await.map(Some)
}

/// The dashboard of `organization`, from figures the page loaded with its profile (in
/// the page's one `Suspense`, so the server's render and the browser's agree).
#[component]
pub fn ConformanceDashboard(
    organization: String,
    figures: Result<GovernanceDashboard, AppError>,
) -> impl IntoView {
    view! {
        <h2>"Conformance"</h2>
        {match figures {
            Ok(figures) => view! { <Figures organization figures/> }.into_any(),
            Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
        }}
    }
}

#[component]
fn Figures(organization: String, figures: GovernanceDashboard) -> impl IntoView {
    if figures.rulesets.is_empty() && figures.history.is_empty() {
        return view! {
            <p class="muted" data-testid="dashboard-empty">"No version was checked yet: apply a ruleset, then publish."</p>
        }
        .into_any();
    }
    let names: Vec<String> = figures.rulesets.iter().map(|r| r.ruleset.clone()).collect();
    view! {
        <table class="table" data-testid="ruleset-standings">
            <thead><tr><th>"Ruleset"</th><th>"Assets checked"</th><th>"Conformant"</th><th>"Errors"</th><th>"Warnings"</th></tr></thead>
            <tbody>
                {figures.rulesets.into_iter().enumerate().map(|(index, standing)| view! {
                    <tr>
                        <td><span class=format!("series-key series-{}", index % SERIES)></span><code>{standing.ruleset}</code></td>
                        <td>{standing.assets}</td>
                        <td>{format!("{} ({})", standing.conformant, percent(standing.conformant, standing.assets))}</td>
                        <td>{standing.counts.errors}</td>
                        <td>{standing.counts.warnings}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <ConformancePlot names history=figures.history/>
        <h3>"Assets at risk"</h3>
        {if figures.at_risk.is_empty() {
            view! { <p class="muted" data-testid="at-risk-none">"None: no latest version has an error finding."</p> }.into_any()
        } else {
            view! {
                <ul class="at-risk" data-testid="at-risk">
                    {figures.at_risk.into_iter().map(|risk| {
                        let href = format!("/exchange/{organization}/{}/{}", risk.asset, risk.version);
                        view! {
                            <li>
                                <A href=href><code>{format!("{}/{}", risk.asset, risk.version)}</code></A>" "
                                <ConformanceBadge counts=risk.counts/>
                                {(!risk.blocked_by.is_empty()).then(|| view! {
                                    <span class="muted">{format!(" · its next publish would be refused by {}", risk.blocked_by.join(", "))}</span>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
    .into_any()
}

/// How many series colours the stylesheet has.
const SERIES: usize = 6;
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 200.0;
/// Room for the axis labels.
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 24.0;

fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "—".into();
    }
    format!("{:.0} %", f64::from(part) * 100.0 / f64::from(whole))
}

/// The share of conformant latest versions per ruleset, one line each (a ruleset no
/// longer applied keeps its colour after the current ones).
#[component]
fn ConformancePlot(names: Vec<String>, history: Vec<ConformancePoint>) -> impl IntoView {
    let mut days: Vec<String> = history.iter().map(|p| p.day.clone()).collect();
    days.dedup();
    let mut series = names;
    for point in &history {
        if !series.contains(&point.ruleset) {
            series.push(point.ruleset.clone());
        }
    }
    let x = |day: &str| {
        let index = days.iter().position(|d| d == day).unwrap_or(0);
        if days.len() < 2 {
            LEFT + (WIDTH - LEFT) / 2.0
        } else {
            LEFT + (WIDTH - LEFT - 8.0) * index as f64 / (days.len() - 1) as f64
        }
    };
    let y = |point: &ConformancePoint| {
        let share = if point.assets == 0 {
            0.0
        } else {
            f64::from(point.conformant) / f64::from(point.assets)
        };
        8.0 + (HEIGHT - BOTTOM - 8.0) * (1.0 - share)
    };
    let lines = series
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let points: Vec<(f64, f64, String)> = history
                .iter()
                .filter(|p| &p.ruleset == name)
                .map(|p| {
                    (
                        x(&p.day),
                        y(p),
                        format!(
                            "{name}, {}: {} of {} conformant, {} errors, {} warnings",
                            p.day, p.conformant, p.assets, p.errors, p.warnings
                        ),
                    )
                })
                .collect();
            let path = points
                .iter()
                .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
                .collect::<Vec<_>>()
                .join(" ");
            let class = format!("series-{}", index % SERIES);
            view! {
                <g class=class data-ruleset=name.clone()>
                    <polyline points=path fill="none"/>
                    {points.into_iter().map(|(x, y, label)| view! {
                        <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="3.5"><title>{label}</title></circle>
                    }).collect_view()}
                </g>
            }
        })
        .collect_view();
    let grid = [0u32, 50, 100]
        .into_iter()
        .map(|level| {
            let y = 8.0 + (HEIGHT - BOTTOM - 8.0) * (1.0 - f64::from(level) / 100.0);
            view! {
                <line class="grid" x1=LEFT.to_string() x2=WIDTH.to_string() y1=format!("{y:.1}") y2=format!("{y:.1}")/>
                <text class="axis" x=(LEFT - 6.0).to_string() y=format!("{:.1}", y + 4.0) text-anchor="end">{format!("{level} %")}</text>
            }
        })
        .collect_view();
    let first = days.first().cloned().unwrap_or_default();
    // One day has one label.
    let last = days.last().filter(|last| **last != first).cloned();
    view! {
        <figure class="conformance-plot">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" data-testid="conformance-plot"
                aria-label="Share of conformant latest versions per ruleset, by day">
                {grid}
                <text class="axis" x=LEFT.to_string() y=(HEIGHT - 6.0).to_string()>{first}</text>
                {last.map(|last| view! {
                    <text class="axis" x=WIDTH.to_string() y=(HEIGHT - 6.0).to_string() text-anchor="end">{last}</text>
                })}
                {lines}
            </svg>
            <figcaption class="muted">"Share of the latest versions with no finding, per ruleset, on each day something was published or checked again (last 90 days)."</figcaption>
        </figure>
    }
}
