//! Label and annotation keys of the OAM contract.

/// Application name on every rendered object.
pub const APP_NAME: &str = "app.oam.dev/name";
/// Application namespace on every rendered object.
pub const APP_NAMESPACE: &str = "app.oam.dev/namespace";
/// `<app>-v<N>` (empty in dry-run).
pub const APP_REVISION: &str = "app.oam.dev/appRevision";
/// Component name on every rendered object.
pub const APP_COMPONENT: &str = "app.oam.dev/component";
/// `WORKLOAD` or `TRAIT`.
pub const APP_RESOURCE_TYPE: &str = "app.oam.dev/resourceType";
/// Replica key of the replication policy.
pub const APP_REPLICA_KEY: &str = "app.oam.dev/replicaKey";
/// Target cluster, set at dispatch.
pub const APP_CLUSTER: &str = "app.oam.dev/cluster";
/// On a cluster registration Secret: how roam authenticates to the cluster
/// (`ServiceAccountToken` or `X509Certificate`); selects registrations.
pub const CLUSTER_CREDENTIAL_TYPE: &str = "cluster.core.oam.dev/cluster-credential-type";
/// On a cluster registration Secret: the cluster's alias.
pub const ANNO_CLUSTER_ALIAS: &str = "cluster.core.oam.dev/cluster-alias";
/// On a cluster registration Secret: the version last probed (JSON).
pub const ANNO_CLUSTER_VERSION: &str = "cluster.core.oam.dev/cluster-version";
/// Component type, on the workload.
pub const WORKLOAD_TYPE: &str = "workload.oam.dev/type";
/// Trait type (or `AuxiliaryWorkload`), on trait objects.
pub const TRAIT_TYPE: &str = "trait.oam.dev/type";
/// The `outputs` key an object came from.
pub const TRAIT_RESOURCE: &str = "trait.oam.dev/resource";
/// `trait.oam.dev/type` of a component's own auxiliary objects.
pub const AUXILIARY_WORKLOAD: &str = "AuxiliaryWorkload";

/// App annotation: explicit version.
pub const ANNO_PUBLISH_VERSION: &str = "app.oam.dev/publishVersion";
/// Schedules workflow restarts: `true` (now), an RFC 3339 time (once, then),
/// or a Go duration (that long after each finish).
pub const ANNO_RESTART_WORKFLOW: &str = "app.oam.dev/restart-workflow";
/// App annotation: workflow name for `context.workflowName`.
pub const ANNO_WORKFLOW_NAME: &str = "app.oam.dev/workflowName";
/// App annotation: labels not propagated to resources (comma list).
pub const ANNO_FILTER_LABEL_KEYS: &str = "filter.oam.dev/label-keys";
/// App annotation: annotations not propagated to resources (comma list).
pub const ANNO_FILTER_ANNOTATION_KEYS: &str = "filter.oam.dev/annotation-keys";
/// App annotation never propagated.
pub const ANNO_INPLACE_UPGRADE: &str = "app.oam.dev/inplace-upgrade";
/// kubectl's bookkeeping annotation, never propagated.
pub const ANNO_KUBECTL_LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// Workload annotation: built-in health policies report healthy.
pub const ANNO_DISABLE_HEALTH_CHECK: &str = "app.oam.dev/disable-health-check";

/// Definition annotation: one-line description.
pub const DEF_DESCRIPTION: &str = "definition.oam.dev/description";
/// Definition annotation: display alias.
pub const DEF_ALIAS: &str = "definition.oam.dev/alias";
/// Definition label: hidden in UIs.
pub const DEF_UI_HIDDEN: &str = "custom.definition.oam.dev/ui-hidden";
/// Definition label: deprecated.
pub const DEF_DEPRECATED: &str = "custom.definition.oam.dev/deprecated";

/// `workload.type` meaning "derive the kind from the rendered output".
pub const AUTODETECT_WORKLOAD: &str = "autodetects.core.oam.dev";
/// The namespace of system definitions.
pub const SYSTEM_NAMESPACE: &str = "vela-system";
