//! A page of charts opens on the configured default selection (DEFAULT_SELECTION) when its
//! URL names none, by redirecting to the URL that names it: the address bar then says what
//! is shown. The welcome and definitions pages need no selection.

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::Method,
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use charts::encode_query_value;

/// `repos=..&orgs=..` for a setting like `org:chaoss, 25480`; None when it names nothing.
pub fn target(setting: &str) -> Option<Arc<str>> {
    let (mut repos, mut orgs) = (Vec::new(), Vec::new());
    for item in setting.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match item.strip_prefix("org:") {
            Some(org) => orgs.push(encode_query_value(org.trim())),
            None => repos.push(encode_query_value(item)),
        }
    }
    let mut params = Vec::new();
    if !repos.is_empty() {
        params.push(format!("repos={}", repos.join(",")));
    }
    if !orgs.is_empty() {
        params.push(format!("orgs={}", orgs.join(",")));
    }
    (!params.is_empty()).then(|| Arc::from(params.join("&")))
}

pub async fn redirect(State(target): State<Option<Arc<str>>>, request: Request, next: Next) -> Response {
    if let Some(target) = target {
        let names_selection = request
            .uri()
            .query()
            .is_some_and(|q| q.split('&').any(|p| p.starts_with("repos=") || p.starts_with("orgs=")));
        let path = request.uri().path();
        let charts_page = charts::PAGES.iter().any(|page| page.path == path);
        if request.method() == Method::GET && charts_page && !names_selection {
            return Redirect::to(&format!("{path}?{target}")).into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orgs_and_repos_become_query_parameters() {
        assert_eq!(
            target("org:chaoss, 25480 ,org:Frontend Repos").as_deref(),
            Some("repos=25480&orgs=chaoss,Frontend%20Repos")
        );
        assert_eq!(target(" , "), None);
    }
}
