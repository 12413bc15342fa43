//! Connection pools for both backends and the few helpers every query goes through.

use crate::{
    error::{StoreError, StoreResult},
    events::{Event, EventBus},
    migrate,
};
use sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};
use sea_query_sqlx::SqlxBinder;
use sqlx::{
    AssertSqlSafe, Connection, FromRow, PgConnection, Postgres, Sqlite, SqliteConnection,
    pool::PoolConnection,
    postgres::{PgPool, PgPoolOptions, PgRow},
    sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
        SqliteSynchronous,
    },
};
use std::{path::PathBuf, str::FromStr, sync::Arc, time::Duration};
use tandem_domain::{Instant, time::Clock};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A row type that decodes on both backends.
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

enum Pools {
    /// SQLite allows one writer at a time: writes go through a single connection,
    /// reads through a pool of their own.
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        path: PathBuf,
    },
    Postgres(PgPool),
}

struct Inner {
    pools: Pools,
    events: EventBus,
    /// Where "now" comes from for everything stored: the system clock, or the manual
    /// clock a test moves.
    clock: Clock,
}

/// The database: cheap to clone, shared by handlers and jobs.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

impl Store {
    /// Opens `sqlite://path` or `postgres://…`, runs pending migrations.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        Store::connect_at(url, Clock::system()).await
    }

    /// [`Store::connect`] with the clock that every timestamp is read from.
    pub async fn connect_at(url: &str, clock: Clock) -> StoreResult<Store> {
        let pools = if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = PathBuf::from(path.split('?').next().unwrap_or(path));
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::BadUrl(format!("{}: {e}", dir.display())))?;
            }
            let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-8000");
            // The one writer keeps more of the indexes in memory: bulk writes (imports,
            // demo data) into large tables slow down sharply with a small cache. Its
            // statement journals (the undo of one statement inside a transaction) stay
            // in memory too: in a temporary file, a bulk insert wrote several pages per
            // row to it.
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(
                    opts.clone()
                        .pragma("cache_size", "-65536")
                        .pragma("temp_store", "memory"),
                )
                .await?;
            let readers = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
            let read = SqlitePoolOptions::new()
                .max_connections(readers as u32)
                .connect_with(opts)
                .await?;
            Pools::Sqlite { read, write, path }
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let size = std::thread::available_parallelism().map_or(2, |n| n.get()) * 4;
            let pool = PgPoolOptions::new()
                .max_connections(size as u32)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Pools::Postgres(pool)
        } else {
            return Err(StoreError::BadUrl(url.to_string()));
        };
        let store = Store {
            inner: Arc::new(Inner {
                pools,
                events: EventBus::new(),
                clock,
            }),
        };
        migrate::run(&store).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        match self.inner.pools {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite database file, if this is SQLite.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        match &self.inner.pools {
            Pools::Sqlite { path, .. } => Some(path),
            Pools::Postgres(_) => None,
        }
    }

    /// The one clock: every "now" of the application is read from here.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub fn now(&self) -> Instant {
        self.inner.clock.now()
    }

    pub fn events(&self) -> &EventBus {
        &self.inner.events
    }

    pub(crate) fn pg_pool(&self) -> Option<&PgPool> {
        match &self.inner.pools {
            Pools::Postgres(p) => Some(p),
            Pools::Sqlite { .. } => None,
        }
    }

    /// A connection for reading.
    pub async fn read(&self) -> StoreResult<ReadConn> {
        Ok(match &self.inner.pools {
            Pools::Sqlite { read, .. } => {
                ReadConn::Sqlite(read.acquire().await?, self.inner.clock.clone())
            }
            Pools::Postgres(p) => ReadConn::Postgres(p.acquire().await?, self.inner.clock.clone()),
        })
    }

    /// A write transaction. Events published in it are delivered once it commits.
    pub async fn begin(&self) -> StoreResult<Tx> {
        let inner = match &self.inner.pools {
            // IMMEDIATE takes the write lock up front, so a transaction never fails
            // half-way with SQLITE_BUSY when another process writes too.
            Pools::Sqlite { write, .. } => {
                TxInner::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?)
            }
            Pools::Postgres(p) => TxInner::Postgres(p.begin().await?),
        };
        Ok(Tx {
            inner,
            store: self.clone(),
            pending: Vec::new(),
        })
    }

    /// Whether the database answers (readiness).
    pub async fn ping(&self) -> bool {
        match self.read().await {
            Ok(mut c) => c.conn().exec_raw("SELECT 1").await.is_ok(),
            Err(_) => false,
        }
    }

    pub async fn close(&self) {
        match &self.inner.pools {
            Pools::Sqlite { read, write, .. } => {
                read.close().await;
                write.close().await;
            }
            Pools::Postgres(p) => p.close().await,
        }
    }
}

pub enum ReadConn {
    Sqlite(PoolConnection<Sqlite>, Clock),
    Postgres(PoolConnection<Postgres>, Clock),
}

impl ReadConn {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            ReadConn::Sqlite(c, clock) => Conn::Sqlite(c, clock),
            ReadConn::Postgres(c, clock) => Conn::Postgres(c, clock),
        }
    }
}

enum TxInner {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// A write transaction.
pub struct Tx {
    inner: TxInner,
    store: Store,
    pending: Vec<Event>,
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        let clock = &self.store.inner.clock;
        match &mut self.inner {
            TxInner::Sqlite(t) => Conn::Sqlite(t, clock),
            TxInner::Postgres(t) => Conn::Postgres(t, clock),
        }
    }

    pub fn now(&self) -> Instant {
        self.store.now()
    }

    /// Publishes an event when (and only if) this transaction commits. On PostgreSQL it
    /// travels through `pg_notify`, so every instance sharing the database sees it.
    pub async fn publish(&mut self, event: Event) -> StoreResult<()> {
        match &mut self.inner {
            TxInner::Postgres(t) => {
                let payload = serde_json::to_string(&event).unwrap_or_default();
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(crate::events::PG_CHANNEL)
                    .bind(payload)
                    .execute(&mut **t)
                    .await?;
            }
            TxInner::Sqlite(_) => self.pending.push(event),
        }
        Ok(())
    }

    pub async fn commit(self) -> StoreResult<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        for event in self.pending {
            self.store.events().send(event);
        }
        Ok(())
    }
}

/// A connection inside a transaction or from the read pool, with the store's clock.
pub enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection, &'a Clock),
    Postgres(&'a mut PgConnection, &'a Clock),
}

impl Conn<'_> {
    /// "Now" by the store's clock: the time every write stamps.
    pub fn now(&self) -> Instant {
        match self {
            Conn::Sqlite(_, clock) | Conn::Postgres(_, clock) => clock.now(),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_, _) => Backend::Sqlite,
            Conn::Postgres(_, _) => Backend::Postgres,
        }
    }

    pub async fn all<T: Row>(&mut self, q: &impl SqlxBinder) -> StoreResult<Vec<T>> {
        Ok(match self {
            Conn::Sqlite(c, _) => {
                let (sql, values) = q.build_sqlx(SqliteQueryBuilder);
                sqlx::query_as_with::<_, T, _>(AssertSqlSafe(sql), values)
                    .fetch_all(&mut **c)
                    .await?
            }
            Conn::Postgres(c, _) => {
                let (sql, values) = q.build_sqlx(PostgresQueryBuilder);
                sqlx::query_as_with::<_, T, _>(AssertSqlSafe(sql), values)
                    .fetch_all(&mut **c)
                    .await?
            }
        })
    }

    pub async fn optional<T: Row>(&mut self, q: &impl SqlxBinder) -> StoreResult<Option<T>> {
        Ok(match self {
            Conn::Sqlite(c, _) => {
                let (sql, values) = q.build_sqlx(SqliteQueryBuilder);
                sqlx::query_as_with::<_, T, _>(AssertSqlSafe(sql), values)
                    .fetch_optional(&mut **c)
                    .await?
            }
            Conn::Postgres(c, _) => {
                let (sql, values) = q.build_sqlx(PostgresQueryBuilder);
                sqlx::query_as_with::<_, T, _>(AssertSqlSafe(sql), values)
                    .fetch_optional(&mut **c)
                    .await?
            }
        })
    }

    pub async fn one<T: Row>(&mut self, q: &impl SqlxBinder) -> StoreResult<T> {
        self.optional(q).await?.ok_or(StoreError::NotFound)
    }

    /// Runs a statement; returns the number of rows it touched.
    pub async fn exec(&mut self, q: &impl SqlxBinder) -> StoreResult<u64> {
        Ok(match self {
            Conn::Sqlite(c, _) => {
                let (sql, values) = q.build_sqlx(SqliteQueryBuilder);
                sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(&mut **c)
                    .await?
                    .rows_affected()
            }
            Conn::Postgres(c, _) => {
                let (sql, values) = q.build_sqlx(PostgresQueryBuilder);
                sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(&mut **c)
                    .await?
                    .rows_affected()
            }
        })
    }

    /// A fixed SQLite statement of this crate with one text parameter: bulk inserts that
    /// pass all their rows as one JSON array (`json_each(?)`), so that they are a single
    /// statement.
    pub(crate) async fn exec_sqlite_json(
        &mut self,
        sql: &'static str,
        json: String,
    ) -> StoreResult<u64> {
        match self {
            Conn::Sqlite(c, _) => Ok(sqlx::query(sql)
                .bind(json)
                .execute(&mut **c)
                .await?
                .rows_affected()),
            Conn::Postgres(_, _) => Err(StoreError::Corrupt(
                "a SQLite statement on PostgreSQL".into(),
            )),
        }
    }

    /// A statement without parameters (DDL, pragmas). Only for fixed SQL of this crate.
    pub(crate) async fn exec_raw(&mut self, sql: &str) -> StoreResult<()> {
        let sql = AssertSqlSafe(sql.to_string());
        match self {
            Conn::Sqlite(c, _) => {
                sqlx::raw_sql(sql).execute(&mut **c).await?;
            }
            Conn::Postgres(c, _) => {
                sqlx::raw_sql(sql).execute(&mut **c).await?;
            }
        }
        Ok(())
    }
}

/// Opens a single connection (for tools that must not start pools, such as restore checks).
pub(crate) async fn sqlite_single(path: &std::path::Path) -> StoreResult<SqliteConnection> {
    let opts = SqliteConnectOptions::new().filename(path).read_only(true);
    Ok(SqliteConnection::connect_with(&opts).await?)
}

pub(crate) fn pg_listener_pool(store: &Store) -> Option<PgPool> {
    store.pg_pool().cloned()
}
