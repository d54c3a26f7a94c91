//! roam-render: Application + definitions → Kubernetes manifests.
//!
//! Pure: no I/O, no clock, no cluster. Callers hand in the application, a
//! [`Registry`] of definitions (built-ins embedded in this crate, plus what
//! the user or a cluster provides) and a [`Target`]; they get objects back
//! or every error found, located in the application.
//!
//! * [`definition`] — the five definition kinds as one type;
//!   [`deffile`] — the CUE "def file" format, both ways;
//! * [`registry`] — lookup with "did you mean" suggestions;
//! * [`cache`] — compiled templates shared by content;
//! * [`render`] — component → traits → OAM contract; [`patch`] — patch
//!   strategies; [`health`] — health/status rules over live objects.

pub mod cache;
pub mod dataflow;
pub mod deffile;
pub mod definition;
pub mod deftest;
pub mod dryrun;
pub mod health;
pub mod patch;
pub mod policy;
pub mod registry;
pub mod render;
pub mod schema;
pub mod yaml;

pub use cache::TemplateCache;
pub use definition::{DefKind, DefSource, Definition, DefinitionError};
pub use registry::Registry;
pub use render::{
    ClusterVersion, ErrorKind, Origin, RenderError, RenderErrors, RenderedApp, RenderedComponent,
    RenderedObject, Renderer, Target,
};
