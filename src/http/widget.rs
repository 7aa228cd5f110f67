//! The embeddable progress of a campaign, outside `/api/v1` (SPEC.md §20.4): `/widget/{id}`,
//! an HTML page without any script for an `<iframe>` on another site (the only page whose
//! CSP lets other sites frame it), and `/badge/{id}.svg`, an SVG badge of raised against goal.
//! Both in English or Vietnamese (`?lang=vi`), both drawn from the published totals; the
//! widget also carries the campaign as schema.org JSON-LD (`NGO`, `DonateAction`), a data
//! block no browser runs.

use super::origin::base_url;
use super::AppState;
use crate::ledger::money::{format_decimal, Currency};
use crate::ledger::totals::CampaignSummary;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

/// The widget's CSP: nothing but its own stylesheet; any site may frame it.
pub const WIDGET_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *";
/// The badge's CSP, as of evidence files: an SVG opened on its own runs nothing.
pub const BADGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/widget/{id}", get(widget))
        .route("/badge/{file}", get(badge))
}

/// `?lang=`.
#[derive(Deserialize)]
struct Lang {
    lang: Option<String>,
}

/// The words of the widget and badge in one language.
struct Words {
    lang: &'static str,
    raised: &'static str,
    of_goal: &'static str,
    no_goal: &'static str,
    gifts: &'static str,
    see: &'static str,
    closed: &'static str,
    group: char,
}

const EN: Words = Words {
    lang: "en",
    raised: "raised",
    of_goal: "of the goal",
    no_goal: "no goal set",
    gifts: "gifts",
    see: "Give, or see every entry of the ledger",
    closed: "This campaign is closed.",
    group: ',',
};

const VI: Words = Words {
    lang: "vi",
    raised: "đã quyên góp",
    of_goal: "mục tiêu",
    no_goal: "chưa đặt mục tiêu",
    gifts: "lượt ủng hộ",
    see: "Ủng hộ, hoặc xem mọi mục của sổ cái",
    closed: "Chiến dịch này đã kết thúc.",
    group: '.',
};

fn words(q: &Lang) -> &'static Words {
    if q.lang.as_deref() == Some("vi") {
        &VI
    } else {
        &EN
    }
}

/// `units` of `currency` with groups of thousands: `1,250,000 VND`, `1.250.000 VND`.
fn amount(units: u128, currency: &str, w: &Words) -> String {
    let text =
        Currency::parse(currency).map_or_else(|_| units.to_string(), |c| format_decimal(units, c));
    let (whole, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(a, b)| (a, Some(b)));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(w.group);
        }
        grouped.push(c);
    }
    let mark = if w.group == ',' { '.' } else { ',' };
    match frac {
        Some(f) => format!("{grouped}{mark}{f} {currency}"),
        None => format!("{grouped} {currency}"),
    }
}

/// Whole percent of the goal reached (may exceed 100), or None without a goal.
fn percent(c: &CampaignSummary) -> Option<u128> {
    let goal = c.goal?.0;
    (goal > 0).then(|| c.donated.0.saturating_mul(100) / goal)
}

/// Text made safe inside XML or HTML, as element content or a quoted attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
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

fn campaign(s: &AppState, id: &str) -> Option<(CampaignSummary, bool)> {
    let v = s.sequencer.view();
    v.totals
        .campaigns
        .iter()
        .find(|c| c.id == id)
        .map(|c| (c.clone(), c.status == "closed"))
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "no such campaign",
    )
        .into_response()
}

/// The campaign's line: "1,250,000 VND raised · 25% of the goal 5,000,000 VND · 12 gifts".
fn progress_line(c: &CampaignSummary, w: &Words) -> String {
    let raised = format!("{} {}", amount(c.donated.0, &c.currency, w), w.raised);
    let goal = match (c.goal, percent(c)) {
        (Some(g), Some(p)) => format!("{p}% {} {}", w.of_goal, amount(g.0, &c.currency, w)),
        _ => w.no_goal.to_string(),
    };
    format!("{raised} · {goal} · {} {}", c.donations, w.gifts)
}

/// schema.org JSON-LD of the campaign, safe inside a `<script>` data block.
fn json_ld(title: &str, org: &str, page: &str) -> String {
    let ngo = serde_json::json!({"@type": "NGO", "name": org});
    let doc = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NGO",
        "name": org,
        "potentialAction": {
            "@type": "DonateAction",
            "name": title,
            "url": page,
            "recipient": ngo,
            "target": {"@type": "EntryPoint", "urlTemplate": page},
        },
    });
    // `<` never appears raw, so no `</script>` can close the block early.
    doc.to_string().replace('<', "\\u003c")
}

async fn widget(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<Lang>,
    parts: Parts,
) -> Response {
    let Some((c, closed)) = campaign(&s, &id) else {
        return not_found();
    };
    let w = words(&q);
    let base = base_url(
        &parts,
        &s.guard.trusted_proxies,
        s.site.public_url.as_deref(),
    );
    let page = format!("{base}/#/campaign/{}", c.id);
    let value = percent(&c).map_or(0, |p| p.min(100));
    let bar = if c.goal.is_some() {
        format!("<progress max=\"100\" value=\"{value}\">{value}%</progress>")
    } else {
        String::new()
    };
    let html = format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<link rel=\"stylesheet\" href=\"../widget.css\">\n\
         <script type=\"application/ld+json\">{ld}</script>\n</head>\n<body>\n\
         <main class=\"widget\">\n<p class=\"org\">{org}</p>\n<h1>{title}</h1>\n{bar}\n\
         <p class=\"line\">{line}</p>\n{closed}<p><a href=\"{page}\" target=\"_blank\" rel=\"noopener\">{see}</a></p>\n\
         </main>\n</body>\n</html>\n",
        lang = w.lang,
        title = escape(&c.title),
        ld = json_ld(&c.title, &s.site.name, &page),
        org = escape(&s.site.name),
        line = escape(&progress_line(&c, w)),
        closed = if closed {
            format!("<p class=\"closed\">{}</p>\n", w.closed)
        } else {
            String::new()
        },
        page = escape(&page),
        see = w.see,
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, WIDGET_CSP),
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        html,
    )
        .into_response()
}

async fn badge(
    State(s): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<Lang>,
) -> Response {
    let Some(id) = file.strip_suffix(".svg") else {
        return not_found();
    };
    let Some((c, _)) = campaign(&s, id) else {
        return not_found();
    };
    let w = words(&q);
    let label = w.raised;
    let value = match (c.goal, percent(&c)) {
        (Some(g), Some(p)) => format!(
            "{} / {} ({p}%)",
            amount(c.donated.0, &c.currency, w),
            amount(g.0, &c.currency, w)
        ),
        _ => amount(c.donated.0, &c.currency, w),
    };
    // About 7 px a character at 11 px: wide enough for Latin and Vietnamese text.
    let lw = 12 + 7 * label.chars().count();
    let vw = 12 + 7 * value.chars().count();
    let fill = percent(&c).map_or(0, |p| p.min(100)) as usize * vw / 100;
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total}\" height=\"20\" role=\"img\" aria-label=\"{aria}\">\
         <title>{aria}</title>\
         <rect width=\"{lw}\" height=\"20\" fill=\"#444\"/>\
         <rect x=\"{lw}\" width=\"{vw}\" height=\"20\" fill=\"#1b5e20\"/>\
         <rect x=\"{lw}\" y=\"17\" width=\"{fill}\" height=\"3\" fill=\"#a5d6a7\"/>\
         <g fill=\"#fff\" font-family=\"Verdana,DejaVu Sans,sans-serif\" font-size=\"11\">\
         <text x=\"6\" y=\"14\">{label}</text><text x=\"{tx}\" y=\"14\">{value}</text></g></svg>",
        total = lw + vw,
        aria = escape(&format!("{}: {label} {value}", c.title)),
        label = escape(label),
        value = escape(&value),
        tx = lw + 6,
    );
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CONTENT_SECURITY_POLICY, BADGE_CSP),
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        svg,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_by_language() {
        assert_eq!(amount(1_250_000, "VND", &EN), "1,250,000 VND");
        assert_eq!(amount(1_250_000, "VND", &VI), "1.250.000 VND");
        assert_eq!(amount(123_456, "USD", &EN), "1,234.56 USD");
        assert_eq!(amount(5, "VND", &EN), "5 VND");
    }

    #[test]
    fn json_ld_never_holds_a_raw_angle_bracket() {
        let title = "</script><script>alert(1)</script>";
        assert!(!json_ld(title, "Org", "https://x/#/campaign/a").contains('<'));
    }
}
