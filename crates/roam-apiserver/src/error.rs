//! Errors as Kubernetes `Status` objects (`metav1.Status`).

use serde_json::{Value, json};

/// An API error: HTTP code, Kubernetes `reason` and a message that names the
/// object and says what is wrong. Rendered as a `Status` body.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{reason} ({code}): {message}")]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    /// `details.kind` (the plural resource) and `details.name`.
    pub kind: Option<String>,
    pub name: Option<String>,
    pub group: Option<String>,
    /// `details.causes`: (reason, field, message).
    pub causes: Vec<(String, String, String)>,
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
            kind: None,
            name: None,
            group: None,
            causes: Vec::new(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "Forbidden", message)
    }

    /// `<plural> "<name>" not found`.
    pub fn not_found(group: &str, plural: &str, name: &str) -> Self {
        let res = qualified(group, plural);
        Self::new(404, "NotFound", format!("{res} \"{name}\" not found"))
            .details(group, plural, name)
    }

    pub fn path_not_found(path: &str) -> Self {
        Self::new(
            404,
            "NotFound",
            format!("the server could not find the requested resource ({path})"),
        )
    }

    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(405, "MethodNotAllowed", message)
    }

    pub fn already_exists(group: &str, plural: &str, name: &str) -> Self {
        let res = qualified(group, plural);
        Self::new(
            409,
            "AlreadyExists",
            format!("{res} \"{name}\" already exists"),
        )
        .details(group, plural, name)
    }

    /// The optimistic-concurrency conflict (stale `resourceVersion`).
    pub fn conflict(group: &str, plural: &str, name: &str) -> Self {
        let res = qualified(group, plural);
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {res} \"{name}\": the object has been modified; \
                 please apply your changes to the latest version and try again"
            ),
        )
        .details(group, plural, name)
    }

    pub fn conflict_msg(
        group: &str,
        plural: &str,
        name: &str,
        msg: impl std::fmt::Display,
    ) -> Self {
        let res = qualified(group, plural);
        Self::new(
            409,
            "Conflict",
            format!("Operation cannot be fulfilled on {res} \"{name}\": {msg}"),
        )
        .details(group, plural, name)
    }

    pub fn gone(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message)
    }

    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(413, "RequestEntityTooLarge", message)
    }

    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(415, "UnsupportedMediaType", message)
    }

    /// 422 `Invalid`: `<Kind> "<name>" is invalid: <field>: <what>`.
    pub fn invalid(
        group: &str,
        kind: &str,
        name: &str,
        field: &str,
        reason: &str,
        what: &str,
    ) -> Self {
        let mut e = Self::new(
            422,
            "Invalid",
            format!("{kind} \"{name}\" is invalid: {field}: {what}"),
        );
        e.kind = Some(kind.to_string());
        e.name = Some(name.to_string());
        if !group.is_empty() {
            e.group = Some(group.to_string());
        }
        e.causes
            .push((reason.to_string(), field.to_string(), what.to_string()));
        e
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalError", message)
    }

    fn details(mut self, group: &str, plural: &str, name: &str) -> Self {
        self.kind = Some(plural.to_string());
        self.name = Some(name.to_string());
        if !group.is_empty() {
            self.group = Some(group.to_string());
        }
        self
    }

    /// The `Status` body.
    pub fn to_status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if self.kind.is_some() || self.name.is_some() || !self.causes.is_empty() {
            let mut details = serde_json::Map::new();
            if let Some(n) = &self.name {
                details.insert("name".into(), json!(n));
            }
            if let Some(g) = &self.group {
                details.insert("group".into(), json!(g));
            }
            if let Some(k) = &self.kind {
                details.insert("kind".into(), json!(k));
            }
            if !self.causes.is_empty() {
                let causes: Vec<Value> = self
                    .causes
                    .iter()
                    .map(|(r, f, m)| json!({"reason": r, "field": f, "message": m}))
                    .collect();
                details.insert("causes".into(), Value::Array(causes));
            }
            status["details"] = Value::Object(details);
        }
        status
    }
}

/// `configmaps` or `deployments.apps`, as Kubernetes names a resource in messages.
fn qualified(group: &str, plural: &str) -> String {
    if group.is_empty() {
        plural.to_string()
    } else {
        format!("{plural}.{group}")
    }
}
