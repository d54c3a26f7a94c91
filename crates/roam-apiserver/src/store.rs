//! The store: the single source of truth for every object.
//!
//! Each write is one revision of a global monotonic counter; the revision is the
//! object's `resourceVersion`. A [`Backend`] makes revisions durable (append-only
//! log in the style of kine); the [`Store`] keeps the live objects in memory for
//! reads, a ring of recent events for watches, and a broadcast channel for live
//! watchers. Writes are serialised: a revision is committed by the backend
//! (fsync for redb) before it becomes visible and before the write is acknowledged.

use crate::error::ApiError;
use axum::body::Bytes;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
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
#[derive(Debug)]
pub struct Event {
    pub rev: u64,
    pub key: String,
    pub kind: EventType,
    /// The new state (for `Deleted`: the last state, carrying the new revision).
    pub object: Arc<Value>,
    /// The state before this revision, if the key existed.
    pub prev: Option<Arc<Value>>,
    /// `object` as JSON, serialised once for all the watchers that need it.
    json: std::sync::OnceLock<Bytes>,
}

impl Event {
    /// `object` serialised as JSON (computed once, shared).
    pub fn object_json(&self) -> &Bytes {
        self.json
            .get_or_init(|| Bytes::from(serde_json::to_vec(&*self.object).unwrap_or_default()))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("store: {0}")]
pub struct StoreError(pub String);

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::internal(e.to_string())
    }
}

/// One revision to persist: `bytes` is the object's JSON, `None` for a delete;
/// `prev` the JSON of the state before it (`None`: the key did not exist), so
/// that watches can be replayed from the log with the right event types and
/// selector membership (kine keeps the old value for the same reason).
#[derive(Debug, Clone)]
pub struct Record {
    pub rev: u64,
    pub key: String,
    pub bytes: Option<Vec<u8>>,
    pub prev: Option<Vec<u8>>,
}

/// Live objects as (key, JSON) pairs.
pub type Objects = Vec<(String, Vec<u8>)>;

/// Durable persistence of revisions.
pub trait Backend: Send + Sync {
    /// All live objects (key, JSON) and the last committed revision.
    fn load(&self) -> Result<(Objects, u64), StoreError>;
    /// Durably records a batch of consecutive revisions, all or none. Must not
    /// return before the batch survives a crash.
    fn commit(&self, batch: &[Record]) -> Result<(), StoreError>;
    /// The records of revisions `after + 1 ..= upto`, if the log still holds
    /// all of them with their previous states; `None` otherwise.
    fn history(&self, after: u64, upto: u64) -> Result<Option<Vec<Record>>, StoreError> {
        let _ = (after, upto);
        Ok(None)
    }
}

/// Keeps nothing: the in-memory mode for tests and throwaway servers.
#[derive(Debug, Default)]
pub struct MemoryBackend;

impl Backend for MemoryBackend {
    fn load(&self) -> Result<(Objects, u64), StoreError> {
        Ok((Vec::new(), 0))
    }
    fn commit(&self, _batch: &[Record]) -> Result<(), StoreError> {
        Ok(())
    }
}

/// revision → (key, JSON; empty for a delete). Append-only.
const LOG: redb::TableDefinition<u64, (&str, &[u8])> = redb::TableDefinition::new("log");
/// revision → (1 if the key existed before, JSON of the state before): what a
/// watch replayed from the log needs besides `LOG`. Revisions written before
/// this table existed have no entry (and cannot be replayed).
const PREV: redb::TableDefinition<u64, (u8, &[u8])> = redb::TableDefinition::new("log_prev");
/// key → (revision, JSON): the live objects.
const OBJECTS: redb::TableDefinition<&str, (u64, &[u8])> = redb::TableDefinition::new("objects");

/// A redb database: the append-only revision log plus the table of live objects,
/// both written in one transaction per revision, committed with immediate durability.
pub struct RedbBackend {
    db: redb::Database,
    /// How many revisions the log keeps.
    retain: u64,
}

/// redb's page cache.
const REDB_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// How many revisions of history the redb log keeps by default.
pub const DEFAULT_LOG_RETAIN: u64 = 100_000;

fn se(what: &str) -> impl Fn(redb::Error) -> StoreError + '_ {
    move |e| StoreError(format!("{what}: {e}"))
}

impl RedbBackend {
    /// Opens (or creates) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        // Every live object is in memory anyway: redb's page cache (1 GiB by
        // default) only needs to hold the pages writes touch.
        let db = redb::Builder::new()
            .set_cache_size(REDB_CACHE_BYTES)
            .create(path)
            .map_err(|e| StoreError(format!("opening {}: {e}", path.display())))?;
        let txn = db.begin_write().map_err(|e| se("begin")(e.into()))?;
        txn.open_table(LOG).map_err(|e| se("log table")(e.into()))?;
        txn.open_table(PREV)
            .map_err(|e| se("log_prev table")(e.into()))?;
        txn.open_table(OBJECTS)
            .map_err(|e| se("objects table")(e.into()))?;
        txn.commit().map_err(|e| se("commit")(e.into()))?;
        Ok(RedbBackend {
            db,
            retain: DEFAULT_LOG_RETAIN,
        })
    }

    /// Keeps only the last `retain` revisions in the log (at least 1).
    pub fn with_retain(mut self, retain: u64) -> Self {
        self.retain = retain.max(1);
        self
    }

    /// The oldest revision still in the log, if any.
    pub fn oldest_logged(&self) -> Result<Option<u64>, StoreError> {
        use redb::{ReadableDatabase, ReadableTable};
        let txn = self
            .db
            .begin_read()
            .map_err(|e| se("begin read")(e.into()))?;
        let log = txn.open_table(LOG).map_err(|e| se("log table")(e.into()))?;
        Ok(log
            .first()
            .map_err(|e| se("log")(e.into()))?
            .map(|(k, _)| k.value()))
    }
}

impl Backend for RedbBackend {
    fn load(&self) -> Result<(Objects, u64), StoreError> {
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
            out.push((key, bytes.to_vec()));
        }
        Ok((out, rev))
    }

    fn commit(&self, batch: &[Record]) -> Result<(), StoreError> {
        let Some(last) = batch.last() else {
            return Ok(());
        };
        let txn = self
            .db
            .begin_write()
            .map_err(|e| se("begin write")(e.into()))?;
        {
            let mut log = txn.open_table(LOG).map_err(|e| se("log table")(e.into()))?;
            let mut prevs = txn
                .open_table(PREV)
                .map_err(|e| se("log_prev table")(e.into()))?;
            let mut objects = txn
                .open_table(OBJECTS)
                .map_err(|e| se("objects table")(e.into()))?;
            for r in batch {
                let bytes = r.bytes.as_deref().unwrap_or_default();
                log.insert(r.rev, (r.key.as_str(), bytes))
                    .map_err(|e| se("log insert")(e.into()))?;
                let prev = r.prev.as_deref().unwrap_or_default();
                prevs
                    .insert(r.rev, (u8::from(r.prev.is_some()), prev))
                    .map_err(|e| se("log_prev insert")(e.into()))?;
                if r.bytes.is_some() {
                    objects
                        .insert(r.key.as_str(), (r.rev, bytes))
                        .map_err(|e| se("object insert")(e.into()))?;
                } else {
                    objects
                        .remove(r.key.as_str())
                        .map_err(|e| se("object remove")(e.into()))?;
                }
            }
            // Compaction: the log keeps the last `retain` revisions (the live
            // objects are in `objects`); done when a batch crosses a multiple of 1024.
            let first = batch[0].rev;
            if last.rev / 1024 != (first - 1) / 1024 && last.rev > self.retain {
                let below = last.rev - self.retain;
                log.retain_in(..below, |_, _| false)
                    .map_err(|e| se("log compaction")(e.into()))?;
                prevs
                    .retain_in(..below, |_, _| false)
                    .map_err(|e| se("log compaction")(e.into()))?;
            }
        }
        txn.commit().map_err(|e| se("commit")(e.into()))?;
        Ok(())
    }

    fn history(&self, after: u64, upto: u64) -> Result<Option<Vec<Record>>, StoreError> {
        use redb::ReadableDatabase;
        if upto <= after {
            return Ok(Some(Vec::new()));
        }
        // One read transaction: a snapshot that compaction cannot change under us.
        let txn = self
            .db
            .begin_read()
            .map_err(|e| se("begin read")(e.into()))?;
        let log = txn.open_table(LOG).map_err(|e| se("log table")(e.into()))?;
        let prevs = txn
            .open_table(PREV)
            .map_err(|e| se("log_prev table")(e.into()))?;
        let mut out = Vec::new();
        let mut want = after + 1;
        for row in log
            .range(after + 1..=upto)
            .map_err(|e| se("log")(e.into()))?
        {
            let (k, v) = row.map_err(|e| se("log")(e.into()))?;
            let rev = k.value();
            if rev != want {
                return Ok(None);
            }
            want += 1;
            let Some(p) = prevs.get(rev).map_err(|e| se("log_prev")(e.into()))? else {
                return Ok(None);
            };
            let (existed, prev) = p.value();
            let (key, bytes) = v.value();
            out.push(Record {
                rev,
                key: key.to_string(),
                bytes: (!bytes.is_empty()).then(|| bytes.to_vec()),
                prev: (existed == 1).then(|| prev.to_vec()),
            });
        }
        Ok((want == upto + 1).then_some(out))
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

/// A write whose revision is allocated but not yet committed.
struct Pending {
    record: Record,
    event: Arc<Event>,
}

/// Where a writer learns the outcome of its revision.
type Slot = Arc<Mutex<Option<Result<Arc<Event>, String>>>>;

/// What the store indexes about an object.
fn uid_of(v: &Value) -> Option<&str> {
    v["metadata"]["uid"].as_str()
}

fn owner_uids(v: &Value) -> impl Iterator<Item = &str> {
    v["metadata"]["ownerReferences"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["uid"].as_str())
}

fn labels_of(v: &Value) -> impl Iterator<Item = (&str, &str)> {
    v["metadata"]["labels"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
}

fn parse(json: &Bytes) -> Arc<Value> {
    Arc::new(serde_json::from_slice(json).unwrap_or(Value::Null))
}

struct State {
    /// Committed objects as JSON (compact; parsed when read): what readers see.
    objects: BTreeMap<String, Bytes>,
    /// uid → key of every committed object.
    uids: HashMap<String, String>,
    /// owner uid → keys of the committed objects whose `ownerReferences` name it.
    owners: HashMap<String, BTreeSet<String>>,
    /// label key → label value → keys of the committed objects carrying that label.
    /// Label-selected lists (controllers, simulators) read candidates from here
    /// instead of parsing every object of the resource.
    labels: HashMap<String, HashMap<String, BTreeSet<String>>>,
    /// The last committed revision.
    rev: u64,
    /// The last allocated revision (≥ `rev`; above it while a batch is in flight).
    next: u64,
    /// Allocated, uncommitted writes in revision order, with their writers' slots.
    pending: Vec<(Pending, Slot)>,
    /// The newest uncommitted state of each key with pending writes
    /// (`None`: deleted), which later writes in the same batch build on.
    overlay: HashMap<String, (u64, Option<Arc<Value>>)>,
    ring: VecDeque<Arc<Event>>,
    /// Every event with a revision above this one is in `ring`.
    oldest: u64,
    capacity: usize,
}

impl State {
    fn current(&self, key: &str) -> Option<Arc<Value>> {
        match self.overlay.get(key) {
            Some((_, v)) => v.clone(),
            None => self.objects.get(key).map(parse),
        }
    }

    fn index(&mut self, key: &str, v: &Value) {
        if let Some(uid) = uid_of(v) {
            self.uids.insert(uid.to_string(), key.to_string());
        }
        for o in owner_uids(v) {
            self.owners
                .entry(o.to_string())
                .or_default()
                .insert(key.to_string());
        }
        for (k, v) in labels_of(v) {
            self.labels
                .entry(k.to_string())
                .or_default()
                .entry(v.to_string())
                .or_default()
                .insert(key.to_string());
        }
    }

    fn unindex(&mut self, key: &str, v: &Value) {
        if let Some(uid) = uid_of(v)
            && self.uids.get(uid).is_some_and(|k| k == key)
        {
            self.uids.remove(uid);
        }
        for o in owner_uids(v) {
            if let Some(keys) = self.owners.get_mut(o) {
                keys.remove(key);
                if keys.is_empty() {
                    self.owners.remove(o);
                }
            }
        }
        for (k, v) in labels_of(v) {
            if let Some(values) = self.labels.get_mut(k) {
                if let Some(keys) = values.get_mut(v) {
                    keys.remove(key);
                    if keys.is_empty() {
                        values.remove(v);
                    }
                }
                if values.is_empty() {
                    self.labels.remove(k);
                }
            }
        }
    }
}

/// The store. Cheap to share behind an `Arc`.
///
/// Writes use group commit: a writer computes its new state under the state lock
/// (on top of other uncommitted writes), queues it, and then either commits the
/// whole queue in one backend transaction (one fsync) or finds that another
/// writer already did. Nothing is visible to readers or watchers, and no write is
/// acknowledged, before its batch is durable.
pub struct Store {
    state: Mutex<State>,
    /// Held by the writer committing a batch.
    commit: Mutex<()>,
    backend: Box<dyn Backend>,
    tx: broadcast::Sender<Arc<Event>>,
}

impl Store {
    pub fn new(backend: Box<dyn Backend>, history: usize) -> Result<Self, StoreError> {
        let (loaded, rev) = backend.load()?;
        let mut st = State {
            objects: BTreeMap::new(),
            uids: HashMap::new(),
            owners: HashMap::new(),
            labels: HashMap::new(),
            rev,
            next: rev,
            pending: Vec::new(),
            overlay: HashMap::new(),
            ring: VecDeque::new(),
            oldest: rev,
            capacity: history.max(1),
        };
        for (k, bytes) in loaded {
            let v: Value = serde_json::from_slice(&bytes)
                .map_err(|e| StoreError(format!("object {k} is not valid JSON: {e}")))?;
            st.index(&k, &v);
            st.objects.insert(k, Bytes::from(bytes));
        }
        let (tx, _) = broadcast::channel(4096);
        Ok(Store {
            state: Mutex::new(st),
            commit: Mutex::new(()),
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
        let json = self.lock().objects.get(key).cloned();
        json.as_ref().map(parse)
    }

    /// The stored JSON of `key` (no parsing).
    pub fn get_json(&self, key: &str) -> Option<Bytes> {
        self.lock().objects.get(key).cloned()
    }

    /// The objects whose key starts with `prefix`, in key order, and the revision they reflect.
    pub fn list(&self, prefix: &str) -> (Vec<Arc<Value>>, u64) {
        let (items, rev) = {
            let st = self.lock();
            let items: Vec<Bytes> = st
                .objects
                .range(prefix.to_string()..)
                .take_while(|(k, _)| k.starts_with(prefix))
                .map(|(_, v)| v.clone())
                .collect();
            (items, st.rev)
        };
        (items.iter().map(parse).collect(), rev)
    }

    /// The (key, object) pairs under `prefix`, in key order.
    pub fn entries(&self, prefix: &str) -> Vec<(String, Arc<Value>)> {
        let items: Vec<(String, Bytes)> = {
            let st = self.lock();
            st.objects
                .range(prefix.to_string()..)
                .take_while(|(k, _)| k.starts_with(prefix))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        items.into_iter().map(|(k, v)| (k, parse(&v))).collect()
    }

    /// The key of the live object with `uid`.
    pub fn key_of_uid(&self, uid: &str) -> Option<String> {
        self.lock().uids.get(uid).cloned()
    }

    /// The (key, object) pairs of the objects whose `ownerReferences` name `uid`.
    pub fn dependents(&self, uid: &str) -> Vec<(String, Arc<Value>)> {
        let items: Vec<(String, Bytes)> = {
            let st = self.lock();
            st.owners
                .get(uid)
                .into_iter()
                .flatten()
                .filter_map(|k| st.objects.get(k).map(|v| (k.clone(), v.clone())))
                .collect()
        };
        items.into_iter().map(|(k, v)| (k, parse(&v))).collect()
    }

    /// Calls `f` with each (key, object) under `prefix` whose key sorts after `after`,
    /// in key order, until `f` returns false; all under one consistent view, whose
    /// revision is returned.
    pub fn scan(
        &self,
        prefix: &str,
        after: Option<&str>,
        mut f: impl FnMut(&str, &Bytes) -> bool,
    ) -> u64 {
        use std::ops::Bound;
        let st = self.lock();
        let start = match after {
            Some(a) if a >= prefix => Bound::Excluded(a.to_string()),
            _ => Bound::Included(prefix.to_string()),
        };
        for (k, v) in st.objects.range((start, Bound::Unbounded)) {
            if !k.starts_with(prefix) || !f(k, v) {
                break;
            }
        }
        st.rev
    }

    /// Like [`Store::scan`], but visits only the objects that carry, for every
    /// `(label, values)` in `required`, that label with one of those values. The
    /// cost is the size of the smallest such candidate set, not of the prefix.
    /// Callers still apply their whole selector; `required` must not be empty.
    pub fn scan_labelled(
        &self,
        prefix: &str,
        after: Option<&str>,
        required: &[(&str, &[String])],
        mut f: impl FnMut(&str, &Bytes) -> bool,
    ) -> u64 {
        let st = self.lock();
        let candidates = |(label, values): &(&str, &[String])| -> Vec<&String> {
            let Some(by_value) = st.labels.get(*label) else {
                return Vec::new();
            };
            let mut keys: Vec<&String> = values
                .iter()
                .filter_map(|v| by_value.get(v))
                .flatten()
                .collect();
            if values.len() > 1 {
                keys.sort_unstable();
                keys.dedup();
            }
            keys
        };
        let size = |(label, values): &&(&str, &[String])| -> usize {
            st.labels.get(*label).map_or(0, |by_value| {
                values
                    .iter()
                    .filter_map(|v| by_value.get(v))
                    .map(BTreeSet::len)
                    .sum()
            })
        };
        let Some(smallest) = required.iter().min_by_key(size) else {
            return st.rev;
        };
        for k in candidates(smallest) {
            if !k.starts_with(prefix) || after.is_some_and(|a| k.as_str() <= a) {
                continue;
            }
            if let Some(v) = st.objects.get(k)
                && !f(k, v)
            {
                break;
            }
        }
        st.rev
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
        let slot: Slot = Arc::new(Mutex::new(None));
        {
            let mut st = self.lock();
            let rev = st.next + 1;
            let prev = st.current(key);
            let (kind, object, bytes) = match f(prev.as_deref(), rev)? {
                Write::Unchanged => return Ok(None),
                Write::Put(mut value) => {
                    set_rv(&mut value, rev);
                    let bytes =
                        serde_json::to_vec(&value).map_err(|e| StoreError(e.to_string()))?;
                    let kind = if prev.is_some() {
                        EventType::Modified
                    } else {
                        EventType::Added
                    };
                    (kind, Arc::new(value), Some(bytes))
                }
                Write::Delete => {
                    let Some(old) = prev.as_deref() else {
                        return Ok(None);
                    };
                    let mut last = old.clone();
                    set_rv(&mut last, rev);
                    (EventType::Deleted, Arc::new(last), None)
                }
            };
            // The previous state as JSON for the log: the stored bytes, unless a
            // write still being committed made it.
            let prev_bytes = match (&prev, st.overlay.contains_key(key)) {
                (None, _) => None,
                (Some(_), false) if let Some(b) = st.objects.get(key) => Some(b.to_vec()),
                (Some(p), _) => {
                    Some(serde_json::to_vec(&**p).map_err(|e| StoreError(e.to_string()))?)
                }
            };
            st.next = rev;
            let live = (kind != EventType::Deleted).then(|| object.clone());
            st.overlay.insert(key.to_string(), (rev, live));
            let json = std::sync::OnceLock::new();
            if let Some(b) = &bytes {
                let _ = json.set(Bytes::from(b.clone()));
            }
            let event = Arc::new(Event {
                rev,
                key: key.to_string(),
                kind,
                object,
                prev,
                json,
            });
            st.pending.push((
                Pending {
                    record: Record {
                        rev,
                        key: key.to_string(),
                        bytes,
                        prev: prev_bytes,
                    },
                    event,
                },
                slot.clone(),
            ));
        }
        self.flush(&slot)
    }

    /// Waits until the batch holding the caller's write is committed, committing
    /// the queue itself if no other writer is.
    fn flush(&self, slot: &Slot) -> Result<Option<Arc<Event>>, ApiError> {
        let take = |slot: &Slot| slot.lock().unwrap_or_else(|e| e.into_inner()).take();
        let _committer = self.commit.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(done) = take(slot) {
            return done.map(Some).map_err(|e| StoreError(e).into());
        }
        let batch = std::mem::take(&mut self.lock().pending);
        let records: Vec<Record> = batch.iter().map(|(p, _)| p.record.clone()).collect();
        let result = self.backend.commit(&records);
        let mut st = self.lock();
        match result {
            Ok(()) => {
                for (p, s) in batch {
                    let e = p.event;
                    if let Some(prev) = &e.prev {
                        st.unindex(&e.key, prev);
                    }
                    match e.kind {
                        EventType::Deleted => {
                            st.objects.remove(&e.key);
                        }
                        _ => {
                            st.objects.insert(e.key.clone(), e.object_json().clone());
                            st.index(&e.key, &e.object);
                        }
                    }
                    if st.overlay.get(&e.key).is_some_and(|(r, _)| *r == e.rev) {
                        st.overlay.remove(&e.key);
                    }
                    st.rev = e.rev;
                    if st.ring.len() >= st.capacity
                        && let Some(old) = st.ring.pop_front()
                    {
                        st.oldest = old.rev;
                    }
                    st.ring.push_back(e.clone());
                    // Sent under the lock so that live events arrive in revision order.
                    let _ = self.tx.send(e.clone());
                    *s.lock().unwrap_or_else(|e| e.into_inner()) = Some(Ok(e));
                }
            }
            Err(err) => {
                // Writes queued meanwhile were computed on top of the failed batch:
                // they fail too, and revisions restart from the last committed one.
                let msg = err.0;
                let later = std::mem::take(&mut st.pending);
                for (_, s) in batch.into_iter().chain(later) {
                    *s.lock().unwrap_or_else(|e| e.into_inner()) = Some(Err(msg.clone()));
                }
                st.overlay.clear();
                st.next = st.rev;
            }
        }
        drop(st);
        match take(slot) {
            Some(done) => done.map(Some).map_err(|e| StoreError(e).into()),
            None => Err(ApiError::internal("a write was lost from its commit batch")),
        }
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
                    .map(|(_, v)| parse(v))
                    .collect(),
                rev: st.rev,
            },
            Some(n) if n < st.oldest => {
                // Older than the ring (after a restart the ring starts empty):
                // replay from the durable log while it still holds the revisions.
                let older = self
                    .backend
                    .history(n, st.oldest)?
                    .ok_or_else(|| {
                        ApiError::gone(format!("too old resource version: {n} ({})", st.oldest + 1))
                    })?
                    .into_iter()
                    .map(replayed)
                    .collect::<Result<Vec<_>, StoreError>>()?;
                WatchStart::Events(
                    older
                        .into_iter()
                        .chain(st.ring.iter().cloned())
                        .filter(|e| e.rev > n && e.key.starts_with(prefix))
                        .collect(),
                )
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

/// The event a log record stands for.
fn replayed(r: Record) -> Result<Arc<Event>, StoreError> {
    let parse = |b: &[u8]| {
        serde_json::from_slice::<Value>(b)
            .map_err(|e| StoreError(format!("revision {} is not valid JSON: {e}", r.rev)))
    };
    let prev = r.prev.as_deref().map(parse).transpose()?.map(Arc::new);
    let json = std::sync::OnceLock::new();
    let (kind, object) = match &r.bytes {
        Some(b) => {
            let _ = json.set(Bytes::from(b.clone()));
            let kind = if prev.is_some() {
                EventType::Modified
            } else {
                EventType::Added
            };
            (kind, Arc::new(parse(b)?))
        }
        None => {
            let mut last = prev.as_deref().cloned().ok_or_else(|| {
                StoreError(format!(
                    "revision {} deletes a key that did not exist",
                    r.rev
                ))
            })?;
            set_rv(&mut last, r.rev);
            (EventType::Deleted, Arc::new(last))
        }
    };
    Ok(Arc::new(Event {
        rev: r.rev,
        key: r.key,
        kind,
        object,
        prev,
        json,
    }))
}

fn set_rv(value: &mut Value, rev: u64) {
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("resourceVersion".into(), Value::String(rev.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn put(store: &Store, key: &str, n: u64) -> Arc<Event> {
        store
            .mutate(key, |_, _| {
                Ok(Write::Put(json!({"metadata": {"name": key}, "n": n})))
            })
            .unwrap()
            .unwrap()
    }

    #[test]
    fn concurrent_writers_share_commits_and_keep_revisions_dense() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("s.redb")).unwrap());
        let mut rx = store.tx.subscribe();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let store = store.clone();
                std::thread::spawn(move || {
                    (0..50)
                        .map(|i| put(&store, &format!("/k/{t}"), i).rev)
                        .collect::<Vec<u64>>()
                })
            })
            .collect();
        let mut revs: Vec<u64> = threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        revs.sort_unstable();
        assert_eq!(revs, (1..=400).collect::<Vec<u64>>());
        assert_eq!(store.revision(), 400);
        // Watchers saw every revision, in order.
        let seen: Vec<u64> = (0..400).map(|_| rx.try_recv().unwrap().rev).collect();
        assert_eq!(seen, (1..=400).collect::<Vec<u64>>());
        // Each key's last write is what is stored, and what reopening finds.
        for t in 0..8 {
            assert_eq!(store.get(&format!("/k/{t}")).unwrap()["n"], 49);
        }
        drop(store);
        let reopened = Store::open(&dir.path().join("s.redb")).unwrap();
        assert_eq!(reopened.revision(), 400);
        assert_eq!(reopened.get("/k/3").unwrap()["n"], 49);
    }

    #[test]
    fn label_index_follows_relabels_and_deletes() {
        let store = Store::in_memory();
        let labelled = |key: &str, app: &str| {
            store
                .mutate(key, |_, _| {
                    Ok(Write::Put(
                        json!({"metadata": {"name": key, "labels": {"app": app, "tier": "web"}}}),
                    ))
                })
                .unwrap();
        };
        labelled("/d/ns1/a", "shop");
        labelled("/d/ns1/b", "blog");
        labelled("/d/ns1/c", "shop");
        labelled("/d/ns2/a", "shop");
        labelled("/s/ns1/a", "shop");
        let visit = |prefix: &str, after: Option<&str>, req: &[(&str, &[String])]| {
            let mut seen = Vec::new();
            store.scan_labelled(prefix, after, req, |k, _| {
                seen.push(k.to_string());
                true
            });
            seen
        };
        let shop = ["shop".to_string()];
        let both = ["shop".to_string(), "blog".to_string()];
        let web = ["web".to_string()];
        assert_eq!(
            visit("/d/ns1/", None, &[("app", &shop)]),
            ["/d/ns1/a", "/d/ns1/c"]
        );
        assert_eq!(
            visit("/d/", None, &[("app", &both), ("tier", &web)]),
            ["/d/ns1/a", "/d/ns1/b", "/d/ns1/c", "/d/ns2/a"]
        );
        assert_eq!(
            visit("/d/", Some("/d/ns1/b"), &[("app", &shop)]),
            ["/d/ns1/c", "/d/ns2/a"]
        );
        assert!(visit("/d/", None, &[("app", &shop), ("missing", &shop)]).is_empty());
        // Relabelled and deleted objects leave the index.
        labelled("/d/ns1/a", "blog");
        store.mutate("/d/ns1/c", |_, _| Ok(Write::Delete)).unwrap();
        assert_eq!(
            visit("/d/ns1/", None, &[("app", &shop)]),
            Vec::<String>::new()
        );
        assert_eq!(
            visit("/d/ns1/", None, &[("app", &both)]),
            ["/d/ns1/a", "/d/ns1/b"]
        );
        let st = store.lock();
        assert_eq!(st.labels["app"]["shop"].len(), 2, "{:?}", st.labels["app"]);
    }

    #[test]
    fn later_writes_in_a_batch_build_on_earlier_ones() {
        let store = Store::in_memory();
        put(&store, "/a", 1);
        let ev = store
            .mutate("/a", |cur, _| {
                let mut v = cur.unwrap().clone();
                v["n"] = json!(v["n"].as_u64().unwrap() + 1);
                Ok(Write::Put(v))
            })
            .unwrap()
            .unwrap();
        assert_eq!(ev.object["n"], 2);
        assert_eq!(ev.prev.as_ref().unwrap()["n"], 1);
        assert!(
            store
                .mutate("/a", |_, _| Ok(Write::Delete))
                .unwrap()
                .is_some()
        );
        assert!(
            store
                .mutate("/a", |_, _| Ok(Write::Delete))
                .unwrap()
                .is_none()
        );
        assert!(store.get("/a").is_none());
    }

    #[test]
    fn the_log_is_compacted() {
        let dir = tempfile::tempdir().unwrap();
        let backend = RedbBackend::open(&dir.path().join("s.redb"))
            .unwrap()
            .with_retain(100);
        let store = Store::new(Box::new(backend), 10).unwrap();
        for i in 0..1100 {
            put(&store, &format!("/k/{}", i % 7), i);
        }
        drop(store);
        let backend = RedbBackend::open(&dir.path().join("s.redb")).unwrap();
        let oldest = backend.oldest_logged().unwrap().unwrap();
        // Compacted when revision 1024 was written: the 100 before it are kept.
        assert_eq!(oldest, 924);
        let store = Store::new(Box::new(backend), 10).unwrap();
        assert_eq!(store.revision(), 1100);
        assert_eq!(store.get("/k/0").unwrap()["n"], 1099);
    }

    #[test]
    fn watches_older_than_the_ring_replay_the_log_until_compacted() {
        let dir = tempfile::tempdir().unwrap();
        let backend = RedbBackend::open(&dir.path().join("s.redb"))
            .unwrap()
            .with_retain(100);
        let store = Store::new(Box::new(backend), 10).unwrap();
        for i in 0..1100 {
            put(&store, &format!("/k/{}", i % 7), i);
        }
        // The ring holds the last 10 revisions, the log 924..=1100.
        let Ok((WatchStart::Events(events), _)) = store.watch("/k/", Some(950)) else {
            panic!("a watch from 950 replays the log");
        };
        let revs: Vec<u64> = events.iter().map(|e| e.rev).collect();
        assert_eq!(revs, (951..=1100).collect::<Vec<u64>>());
        assert!(events.iter().all(|e| e.kind == EventType::Modified));
        assert_eq!(events[0].prev.as_ref().unwrap()["n"], 943);
        assert_eq!(events[0].object["n"], 950);
        let Err(e) = store.watch("/k/", Some(900)) else {
            panic!("compacted revisions cannot be replayed");
        };
        assert_eq!(e.code, 410);
    }
}
