//! The one error the app's boundary speaks, to the page (server functions) and to API
//! clients alike. Its message is a sentence for a user: raw Redis, queue or database text
//! stays in the server's log, next to the cache key it concerns.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a request has no answer, in kinds the page can branch on. Serialised, it is the JSON
/// API's error body: `{"kind":"unavailable","error":"the cache is unavailable"}`. Messages
/// are lower-case clauses without a final period, like the rest of the API's errors, so the
/// page can set them in its own sentences.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "crate::wire::ErrorWire")]
pub enum AppError {
    /// The request itself is wrong (a bad parameter, an unknown org, too large a selection):
    /// asking again unchanged gets the same answer.
    BadInput {
        #[serde(rename = "error")]
        message: String,
    },
    /// What the request names does not exist, such as an unknown chart.
    NotFound {
        #[serde(rename = "error")]
        message: String,
    },
    /// Something the answer depends on (Redis, the job queue, the repository list) is down
    /// or not ready yet: asking again shortly may work.
    Unavailable {
        #[serde(rename = "error")]
        message: String,
    },
    /// Too much asked at once, by this client (`per_client`, HTTP 429) or of the whole fleet
    /// (a full queue, a query that keeps failing: 503). Asking again after
    /// `retry_after_secs` may work.
    Busy {
        #[serde(rename = "error")]
        message: String,
        retry_after_secs: u32,
        per_client: bool,
    },
    /// The work was tried and failed, such as a chart's query job. `retryable` when the
    /// cause is passing (a lost database connection), so that trying again may work.
    Failed {
        #[serde(rename = "error")]
        message: String,
        retryable: bool,
    },
}

impl AppError {
    pub fn bad_input(message: impl Into<String>) -> Self {
        AppError::BadInput { message: message.into() }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        AppError::NotFound { message: message.into() }
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        AppError::Unavailable { message: message.into() }
    }

    pub fn busy(message: impl Into<String>, retry_after: std::time::Duration, per_client: bool) -> Self {
        // Whole seconds, rounded up: a wait of 0.2 s is "1 s", never "0 s".
        let retry_after_secs = retry_after.as_millis().div_ceil(1000).clamp(1, u32::MAX as u128) as u32;
        AppError::Busy { message: message.into(), retry_after_secs, per_client }
    }

    /// How long to wait before asking again, when the answer says.
    pub fn retry_after_secs(&self) -> Option<u32> {
        match self {
            AppError::Busy { retry_after_secs, .. } => Some(*retry_after_secs),
            _ => None,
        }
    }

    pub fn failed(message: impl Into<String>, retryable: bool) -> Self {
        AppError::Failed { message: message.into(), retryable }
    }

    /// The sentence for the user.
    pub fn message(&self) -> &str {
        match self {
            AppError::BadInput { message }
            | AppError::NotFound { message }
            | AppError::Unavailable { message }
            | AppError::Busy { message, .. }
            | AppError::Failed { message, .. } => message,
        }
    }

    /// The kind as the JSON API names it.
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::BadInput { .. } => "bad_input",
            AppError::NotFound { .. } => "not_found",
            AppError::Unavailable { .. } => "unavailable",
            AppError::Busy { .. } => "busy",
            AppError::Failed { .. } => "failed",
        }
    }

    /// Whether asking again, unchanged, may get an answer.
    pub fn is_retryable(&self) -> bool {
        match self {
            AppError::BadInput { .. } | AppError::NotFound { .. } => false,
            AppError::Unavailable { .. } | AppError::Busy { .. } => true,
            AppError::Failed { retryable, .. } => *retryable,
        }
    }

    /// The honest HTTP status: 400, 404, 503 for what may pass, 500 for what will not.
    pub fn http_status(&self) -> u16 {
        match self {
            AppError::BadInput { .. } => 400,
            AppError::NotFound { .. } => 404,
            AppError::Busy { per_client: true, .. } => 429,
            AppError::Busy { per_client: false, .. } => 503,
            AppError::Unavailable { .. } | AppError::Failed { retryable: true, .. } => 503,
            AppError::Failed { retryable: false, .. } => 500,
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for AppError {}

impl From<crate::ControlError> for AppError {
    fn from(error: crate::ControlError) -> Self {
        AppError::bad_input(error.0)
    }
}

/// Lets `#[server]` functions return `Result<T, AppError>`. Failures of the server-function
/// machinery itself become kinds too, with sentences instead of its own text.
#[cfg(feature = "server-fn")]
impl server_fn::error::FromServerFnError for AppError {
    type Encoder = server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        use server_fn::error::ServerFnErrorErr as E;
        match value {
            // The browser could not reach the server (network down, server restarting).
            E::Request(_) => AppError::unavailable("the server could not be reached"),
            // Arguments the server could not read: most often a page older than a deploy.
            E::Args(_) | E::MissingArg(_) | E::UnsupportedRequestMethod(_) => {
                AppError::bad_input("the server could not read this request; reload the page")
            }
            E::Deserialization(_) | E::Serialization(_) => {
                AppError::failed("the page could not read the server's answer; reload the page", false)
            }
            E::Registration(_) | E::ServerError(_) | E::MiddlewareError(_) | E::Response(_) => {
                AppError::failed("the server could not answer this request", true)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> [AppError; 5] {
        [
            AppError::bad_input("interval must be one of day, week, month, year"),
            AppError::not_found("there is no chart \"pie\""),
            AppError::unavailable("the cache is unavailable"),
            AppError::failed("the database refused the query", false),
            AppError::failed("the Augur database could not be reached", true),
        ]
    }

    #[test]
    fn each_kind_has_an_honest_status() {
        let statuses: Vec<u16> = every_kind().iter().map(AppError::http_status).collect();
        assert_eq!(statuses, [400, 404, 503, 500, 503]);
    }

    #[test]
    fn only_passing_causes_are_retryable() {
        let retryable: Vec<bool> = every_kind().iter().map(AppError::is_retryable).collect();
        assert_eq!(retryable, [false, false, true, false, true]);
    }

    #[test]
    fn the_json_names_the_kind_and_carries_the_sentence_as_error() {
        let json = serde_json::to_value(AppError::unavailable("the cache is unavailable")).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "unavailable", "error": "the cache is unavailable"}));
        let json = serde_json::to_value(AppError::failed("no", true)).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "failed", "error": "no", "retryable": true}));
        for error in every_kind() {
            let json = serde_json::to_value(&error).unwrap();
            assert_eq!(json["kind"], error.kind());
            assert_eq!(serde_json::from_value::<AppError>(json).unwrap(), error, "round trip");
        }
    }

    #[test]
    fn display_is_the_sentence_alone() {
        assert_eq!(AppError::not_found("there is no chart \"pie\"").to_string(), "there is no chart \"pie\"");
    }

    #[test]
    fn busy_answers_say_when_to_ask_again() {
        let client = AppError::busy("too many new charts", std::time::Duration::from_millis(200), true);
        assert_eq!((client.http_status(), client.retry_after_secs(), client.is_retryable()), (429, Some(1), true));
        let fleet = AppError::busy("the queue is full", std::time::Duration::from_secs(30), false);
        assert_eq!((fleet.http_status(), fleet.retry_after_secs()), (503, Some(30)));
        let json = serde_json::to_value(&fleet).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "busy", "error": "the queue is full", "retry_after_secs": 30, "per_client": false})
        );
        assert_eq!(serde_json::from_value::<AppError>(json).unwrap(), fleet);
    }

    #[cfg(feature = "server-fn")]
    #[test]
    fn server_fn_failures_become_sentences_without_their_raw_text() {
        use server_fn::error::{FromServerFnError, ServerFnErrorErr as E};
        let raw = "hyper::Error(Connect, ConnectError(\"tcp connect error\"))";
        let cases = [
            (E::Request(raw.into()), 503),
            (E::Args(raw.into()), 400),
            (E::MissingArg(raw.into()), 400),
            (E::Deserialization(raw.into()), 500),
            (E::ServerError(raw.into()), 503),
            (E::Response(raw.into()), 503),
        ];
        for (error, status) in cases {
            let described = format!("{error:?}");
            let error = AppError::from_server_fn_error(error);
            assert_eq!(error.http_status(), status, "{described}");
            assert!(!error.message().contains("hyper"), "{described} became {error:?}");
        }
        // What the server sends is what the page reads back.
        let sent = AppError::failed("the query took too long", false);
        assert_eq!(AppError::de(sent.ser()), sent);
    }
}
