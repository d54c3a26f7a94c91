//! The store: the single source of truth for every object.
//!
//! Each write is one revision of a global monotonic counter; the revision is the
//! object's `resourceVersion`. A [`Backend`] makes revisions durable (append-only
//! log in the style of kine); the [`Store`] keeps the live objects in memory for
//! reads, a ring of recent events for watches, and a broadcast channel for live
//! watchers. Writes are serialised: a revision is committed by the backend
//! (fsync for redb) before it becomes visible and before the write is acknowledged.

use crate::error::ApiError;
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// How many past events the watch history ring keeps by default.
pub const DEFAULT_HISTORY: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One committed revision.
#[derive(Debug, Clone)]
pub struct Event {
    pub rev: u64,
    pub key: String,
    pub kind: EventType,
    /// The new state (for `Deleted`: the last state, carrying the new revision).
    pub object: Arc<Value>,
    /// The state before this revision, if the key existed.
    pub prev: Option<Arc<Value>>,
}

#[derive(Debug, thiserror::Error)]
#[error("store: {0}")]
pub struct StoreError(pub String);

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::internal(e.to_string())
    }
}

/// Durable persistence of revisions.
pub trait Backend: Send + Sync {
    /// All live objects (key, value) and the last committed revision.
    fn load(&self) -> Result<(Vec<(String, Value)>, u64), StoreError>;
    /// Durably records revision `rev`: `Some` puts `value` at `key`, `None` deletes it.
    /// Must not return before the revision survives a crash.
    fn commit(&self, rev: u64, key: &str, value: Option<&Value>) -> Result<(), StoreError>;
}

/// Keeps nothing: the in-memory mode for tests and throwaway servers.
#[derive(Debug, Default)]
pub struct MemoryBackend;

impl Backend for MemoryBackend {
    fn load(&self) -> Result<(Vec<(String, Value)>, u64), StoreError> {
        Ok((Vec::new(), 0))
    }
    fn commit(&self, _rev: u64, _key: &str, _value: Option<&Value>) -> Result<(), StoreError> {
        Ok(())
    }
}

/// revision → (key, JSON; empty for a delete). Append-only.
const LOG: redb::TableDefinition<u64, (&str, &[u8])> = redb::TableDefinition::new("log");
/// key → (revision, JSON): the live objects.
const OBJECTS: redb::TableDefinition<&str, (u64, &[u8])> = redb::TableDefinition::new("objects");

/// A redb database: the append-only revision log plus the table of live objects,
/// both written in one transaction per revision, committed with immediate durability.
pub struct RedbBackend {
    db: redb::Database,
}

fn se(what: &str) -> impl Fn(redb::Error) -> StoreError + '_ {
    move |e| StoreError(format!("{what}: {e}"))
}

impl RedbBackend {
    /// Opens (or creates) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let db = redb::Database::create(path)
            .map_err(|e| StoreError(format!("opening {}: {e}", path.display())))?;
        let txn = db.begin_write().map_err(|e| se("begin")(e.into()))?;
        txn.open_table(LOG).map_err(|e| se("log table")(e.into()))?;
        txn.open_table(OBJECTS)
            .map_err(|e| se("objects table")(e.into()))?;
        txn.commit().map_err(|e| se("commit")(e.into()))?;
        Ok(RedbBackend { db })
    }
}

impl Backend for RedbBackend {
    fn load(&self) -> Result<(Vec<(String, Value)>, u64), StoreError> {
        use redb::{ReadableDatabase, ReadableTable};
        let txn = self
            .db
            .begin_read()
            .map_err(|e| se("begin read")(e.into()))?;
        let log = txn.open_table(LOG).map_err(|e| se("log table")(e.into()))?;
        let rev = match log.last().map_err(|e| se("log")(e.into()))? {
            Some((k, _)) => k.value(),
            None => 0,
        };
        let objects = txn
            .open_table(OBJECTS)
            .map_err(|e| se("objects table")(e.into()))?;
        let mut out = Vec::new();
        for row in objects.iter().map_err(|e| se("objects")(e.into()))? {
            let (k, v) = row.map_err(|e| se("objects")(e.into()))?;
            let key = k.value().to_string();
            let (_, bytes) = v.value();
            let value: Value = serde_json::from_slice(bytes)
                .map_err(|e| StoreError(format!("object {key} is not valid JSON: {e}")))?;
            out.push((key, value));
        }
        Ok((out, rev))
    }

    fn commit(&self, rev: u64, key: &str, value: Option<&Value>) -> Result<(), StoreError> {
        let bytes = match value {
            Some(v) => serde_json::to_vec(v).map_err(|e| StoreError(e.to_string()))?,
            None => Vec::new(),
        };
        let txn = self
            .db
            .begin_write()
            .map_err(|e| se("begin write")(e.into()))?;
        {
            let mut log = txn.open_table(LOG).map_err(|e| se("log table")(e.into()))?;
            log.insert(rev, (key, bytes.as_slice()))
                .map_err(|e| se("log insert")(e.into()))?;
            let mut objects = txn
                .open_table(OBJECTS)
                .map_err(|e| se("objects table")(e.into()))?;
            if value.is_some() {
                objects
                    .insert(key, (rev, bytes.as_slice()))
                    .map_err(|e| se("object insert")(e.into()))?;
            } else {
                objects
                    .remove(key)
                    .map_err(|e| se("object remove")(e.into()))?;
            }
        }
        txn.commit().map_err(|e| se("commit")(e.into()))?;
        Ok(())
    }
}

/// What a mutation decides to do with a key.
pub enum Write {
    Put(Value),
    Delete,
    /// Nothing changes; no revision is spent.
    Unchanged,
}

/// Where a watch starts.
pub enum WatchStart {
    /// The current objects under the prefix (as synthetic `ADDED`s) at revision `rev`.
    Snapshot { objects: Vec<Arc<Value>>, rev: u64 },
    /// The events after the requested revision.
    Events(Vec<Arc<Event>>),
}

struct State {
    objects: BTreeMap<String, Arc<Value>>,
    rev: u64,
    ring: VecDeque<Arc<Event>>,
    /// Every event with a revision above this one is in `ring`.
    oldest: u64,
    capacity: usize,
}

/// The store. Cheap to share behind an `Arc`.
pub struct Store {
    state: Mutex<State>,
    backend: Box<dyn Backend>,
    tx: broadcast::Sender<Arc<Event>>,
}

impl Store {
    pub fn new(backend: Box<dyn Backend>, history: usize) -> Result<Self, StoreError> {
        let (objects, rev) = backend.load()?;
        let objects = objects.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
        let (tx, _) = broadcast::channel(4096);
        Ok(Store {
            state: Mutex::new(State {
                objects,
                rev,
                ring: VecDeque::new(),
                oldest: rev,
                capacity: history.max(1),
            }),
            backend,
            tx,
        })
    }

    pub fn in_memory() -> Self {
        Self::new(Box::new(MemoryBackend), DEFAULT_HISTORY).expect("the memory backend cannot fail")
    }

    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::new(Box::new(RedbBackend::open(path)?), DEFAULT_HISTORY)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The last committed revision.
    pub fn revision(&self) -> u64 {
        self.lock().rev
    }

    pub fn get(&self, key: &str) -> Option<Arc<Value>> {
        self.lock().objects.get(key).cloned()
    }

    /// The objects whose key starts with `prefix`, in key order, and the revision they reflect.
    pub fn list(&self, prefix: &str) -> (Vec<Arc<Value>>, u64) {
        let st = self.lock();
        let items = st
            .objects
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(_, v)| v.clone())
            .collect();
        (items, st.rev)
    }

    /// The (key, object) pairs under `prefix`, in key order.
    pub fn entries(&self, prefix: &str) -> Vec<(String, Arc<Value>)> {
        let st = self.lock();
        st.objects
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The keys under `prefix`, in order.
    pub fn keys(&self, prefix: &str) -> Vec<String> {
        let st = self.lock();
        st.objects
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Atomically reads `key`, lets `f` decide (given the revision a write would get),
    /// and commits the decision. Returns the event written, or `None` if unchanged.
    pub fn mutate<F>(&self, key: &str, f: F) -> Result<Option<Arc<Event>>, ApiError>
    where
        F: FnOnce(Option<&Value>, u64) -> Result<Write, ApiError>,
    {
        let mut st = self.lock();
        let rev = st.rev + 1;
        let prev = st.objects.get(key).cloned();
        let (kind, object) = match f(prev.as_deref(), rev)? {
            Write::Unchanged => return Ok(None),
            Write::Put(mut value) => {
                set_rv(&mut value, rev);
                self.backend.commit(rev, key, Some(&value))?;
                let kind = if prev.is_some() {
                    EventType::Modified
                } else {
                    EventType::Added
                };
                let value = Arc::new(value);
                st.objects.insert(key.to_string(), value.clone());
                (kind, value)
            }
            Write::Delete => {
                let Some(old) = prev.as_deref() else {
                    return Ok(None);
                };
                self.backend.commit(rev, key, None)?;
                st.objects.remove(key);
                let mut last = old.clone();
                set_rv(&mut last, rev);
                (EventType::Deleted, Arc::new(last))
            }
        };
        st.rev = rev;
        let event = Arc::new(Event {
            rev,
            key: key.to_string(),
            kind,
            object,
            prev,
        });
        if st.ring.len() >= st.capacity
            && let Some(old) = st.ring.pop_front()
        {
            st.oldest = old.rev;
        }
        st.ring.push_back(event.clone());
        // Sent under the lock so that live events arrive in revision order.
        let _ = self.tx.send(event.clone());
        Ok(Some(event))
    }

    /// Starts a watch: `from = None` means "current state, then changes"; `Some(n)` means
    /// "changes after revision n" (410 Gone if n is older than the retained history).
    #[allow(clippy::result_large_err)]
    pub fn watch(
        &self,
        prefix: &str,
        from: Option<u64>,
    ) -> Result<(WatchStart, broadcast::Receiver<Arc<Event>>), ApiError> {
        let st = self.lock();
        let rx = self.tx.subscribe();
        let start = match from {
            None => WatchStart::Snapshot {
                objects: st
                    .objects
                    .range(prefix.to_string()..)
                    .take_while(|(k, _)| k.starts_with(prefix))
                    .map(|(_, v)| v.clone())
                    .collect(),
                rev: st.rev,
            },
            Some(n) if n < st.oldest => {
                return Err(ApiError::gone(format!(
                    "too old resource version: {n} ({})",
                    st.oldest + 1
                )));
            }
            Some(n) => WatchStart::Events(
                st.ring
                    .iter()
                    .filter(|e| e.rev > n && e.key.starts_with(prefix))
                    .cloned()
                    .collect(),
            ),
        };
        Ok((start, rx))
    }
}

fn set_rv(value: &mut Value, rev: u64) {
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("resourceVersion".into(), Value::String(rev.to_string()));
    }
}
