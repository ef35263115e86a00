//! What every request passes through before the routes: security headers, a bound on the
//! requests served at once, a deadline, a body limit, a refusal of cross-site writes, and a
//! panic turned into a 500 instead of a dropped connection.

use std::{any::Any, sync::Arc, time::Duration};

use axum::extract::ConnectInfo;
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    Json, Router,
};
use explorer::{settings::WebLimits, web::admission::Client};
use serde_json::json;
use tokio::sync::Semaphore;
use tower_http::{catch_panic::CatchPanicLayer, limit::RequestBodyLimitLayer};

use crate::slow_clients::ClientAddr;

/// Wraps `router` in every guard, outermost first: headers (so even a refusal carries
/// them), panics, the concurrency bound, the deadline, the origin check, the body limit.
pub fn protect(router: Router, limits: &WebLimits) -> Router {
    let slots = Arc::new(Semaphore::new(limits.max_concurrent_requests));
    let proxy_header: Option<Arc<str>> = limits.trusted_proxy_header.as_deref().map(Arc::from);
    router
        .layer(middleware::from_fn(server_fn_status))
        .layer(middleware::from_fn_with_state(proxy_header, identify_client))
        .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
        .layer(middleware::from_fn(same_origin_writes))
        .layer(middleware::from_fn_with_state(limits.request_timeout, deadline))
        .layer(middleware::from_fn_with_state(slots, bounded))
        .layer(CatchPanicLayer::custom(answer_panic))
        .layer(middleware::from_fn(security_headers))
}

/// The policy of a page rendered with `nonce` on its inline scripts (Leptos' hydration
/// scripts carry it), or of any other answer (no inline script runs). The wasm needs
/// 'wasm-unsafe-eval'. Style sheets come from the site only; style attributes, which the
/// page's wasm sets on the Repo Overview page, are allowed (they cannot run code).
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("'self' 'wasm-unsafe-eval' 'nonce-{nonce}'"),
        None => "'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sets the page's policy with this render's nonce; called in the Leptos context of every
/// page render (server-function calls have no nonce and keep the default).
pub fn page_policy() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(Some(&nonce.to_string()))) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, policy);
    }
}

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let policy = HeaderValue::from_str(&content_security_policy(None)).expect("the policy is ASCII");
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    response
}

/// Names the request's [`Client`] for the per-client limits: the peer address, or the
/// trusted proxy's header when one is configured.
async fn identify_client(State(proxy_header): State<Option<Arc<str>>>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<ClientAddr>>().map(|info| info.0 .0.ip());
    let forwarded = proxy_header.as_deref().and_then(|name| request.headers().get(name)?.to_str().ok());
    let client = Client::of(peer, forwarded);
    request.extensions_mut().insert(client);
    next.run(request).await
}

/// Gives a server function's error answer its kind's status. Leptos answers every failure
/// of a server function 500, including arguments it could not read before the function ran
/// (which the function's own code would have answered 400).
async fn server_fn_status(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/api/") && !request.uri().path().starts_with("/api/v1/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 << 10).await else {
        return refusal(StatusCode::INTERNAL_SERVER_ERROR, "failed", "the server failed on this request");
    };
    if let Ok(error) = serde_json::from_slice::<charts::AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// An error answer in the API's shape, `{"kind", "error"}`.
fn refusal(status: StatusCode, kind: &str, sentence: &str) -> Response {
    (status, Json(json!({ "kind": kind, "error": sentence }))).into_response()
}

async fn bounded(State(slots): State<Arc<Semaphore>>, request: Request, next: Next) -> Response {
    let Ok(_slot) = slots.try_acquire() else {
        let mut response =
            refusal(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the server is busy; try again in a moment");
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    next.run(request).await
}

async fn deadline(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => refusal(StatusCode::REQUEST_TIMEOUT, "bad_input", "the request took too long to arrive or answer"),
    }
}

/// Refuses a write (a POST: retries and server functions) sent by a page of another site,
/// which a browser marks with `Sec-Fetch-Site` or an `Origin` naming another host. Clients
/// that are not browsers send neither and are not the ones a forged request comes through.
async fn same_origin_writes(request: Request, next: Next) -> Response {
    if is_write(request.method()) && is_cross_site(request.headers()) {
        return refusal(StatusCode::FORBIDDEN, "forbidden", "requests from other sites are refused");
    }
    next.run(request).await
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        // "none" is the user's own action (typed URL, bookmark).
        if !matches!(site.as_bytes(), b"same-origin" | b"none") {
            return true;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else { return false };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.to_str().ok().and_then(|o| o.split_once("://")).map(|(_, authority)| authority);
    match (origin_host, host) {
        (Some(origin_host), Some(host)) => !origin_host.eq_ignore_ascii_case(host),
        // "null" (a sandboxed or file page) or no Host to compare with.
        _ => true,
    }
}

/// A handler's panic is logged with what it said and answered 500; the process serves on.
fn answer_panic(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let said = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = said, "a request handler panicked");
    refusal(StatusCode::INTERNAL_SERVER_ERROR, "failed", "the server failed on this request")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::{get, post};
    use tower::ServiceExt;

    fn limits() -> WebLimits {
        WebLimits {
            request_timeout: Duration::from_millis(200),
            header_read_timeout: Duration::from_secs(1),
            max_concurrent_requests: 1,
            max_body_bytes: 16,
            ..explorer::Settings::from_lookup(|_| None).unwrap().web_limits
        }
    }

    fn app() -> Router {
        app_with(limits())
    }

    fn app_with(limits: WebLimits) -> Router {
        let router = Router::new()
            .route("/panic", get(|| async { panic!("boom") as &'static str }))
            .route("/slow", get(|| async { tokio::time::sleep(Duration::from_secs(30)).await }))
            .route("/echo", post(|body: String| async move { body }));
        protect(router, &limits)
    }

    async fn send(request: Request<Body>) -> (StatusCode, HeaderMap, serde_json::Value) {
        let response = app().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 16).await.unwrap();
        (parts.status, parts.headers, serde_json::from_slice(&bytes).unwrap_or_default())
    }

    #[tokio::test]
    async fn a_panic_is_a_500_with_a_sentence_and_the_headers() {
        let (status, headers, body) = send(Request::get("/panic").body(Body::empty()).unwrap()).await;
        assert_eq!(status, 500);
        assert_eq!(body["error"], "the server failed on this request");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        // The router still serves after it.
        let (status, _, _) = send(Request::post("/echo").body(Body::from("hi")).unwrap()).await;
        assert_eq!(status, 200);
    }

    #[tokio::test]
    async fn a_slow_answer_is_cut_off_at_the_deadline() {
        let started = std::time::Instant::now();
        let (status, _, body) = send(Request::get("/slow").body(Body::empty()).unwrap()).await;
        assert_eq!(status, 408);
        assert!(body["error"].as_str().unwrap().contains("too long"), "{body}");
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused() {
        let (status, _, _) = send(Request::post("/echo").body(Body::from("x".repeat(17))).unwrap()).await;
        assert_eq!(status, 413);
    }

    #[tokio::test]
    async fn requests_past_the_concurrency_bound_get_a_503_at_once() {
        let app = app_with(WebLimits { request_timeout: Duration::from_secs(3), ..limits() });
        let slow = tokio::spawn(app.clone().oneshot(Request::get("/slow").body(Body::empty()).unwrap()));
        // The slow request holds the only slot until its deadline; poll until it has it.
        let started = std::time::Instant::now();
        loop {
            let response = app.clone().oneshot(Request::post("/echo").body(Body::from("x")).unwrap()).await.unwrap();
            if response.status() == 503 {
                assert_eq!(response.headers()["retry-after"], "1");
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(2), "the bound never applied");
            tokio::task::yield_now().await;
        }
        assert_eq!(slow.await.unwrap().unwrap().status(), 408);
    }

    #[test]
    fn cross_site_writes_are_told_apart_from_same_origin_ones() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_static(value));
            }
            map
        };
        assert!(!is_cross_site(&headers(&[])), "curl and scripts send neither");
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "same-origin"), ("host", "a.example")])));
        assert!(!is_cross_site(&headers(&[("origin", "https://a.example"), ("host", "a.example")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(is_cross_site(&headers(&[("origin", "https://evil.example"), ("host", "a.example")])));
        assert!(is_cross_site(&headers(&[("origin", "null"), ("host", "a.example")])));
    }

    #[test]
    fn the_page_policy_allows_the_wasm_and_the_nonce_only() {
        let policy = content_security_policy(Some("abc"));
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-abc';"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(!policy.contains("script-src 'self' 'unsafe-inline'"), "{policy}");
        assert!(policy.contains("style-src 'self';"), "style sheets from the site only: {policy}");
    }
}
