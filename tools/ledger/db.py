"""The ledger: one SQLite file (via sqlite-utils) holding every record and a hash-chained audit log.

Tables
    runs            one row per simulation or import (``run_id`` = content hash of its inputs)
    jobs            the jobs table (``tools.jobs.JOB_COLUMNS``) with the run that produced them
    series          regular time series: grid intensity, electricity and instance prices
    series_values   their values (one row per interval)
    telemetry       metered power per node (W) and utilisation, 5-minute steps
    accounts        one row per accounting run (inputs, method, totals)
    emissions       per-job energy/emissions of the latest accounting of that job
    audit_log       append-only, each row holding the hash of the previous one
    meta            schema version, audit head hash and row count

Every write happens inside one transaction together with its audit row, so a failure writes
nothing. Writes are idempotent: storing content that is already there (same content hash)
changes nothing and adds no audit row. Times are stored as ISO-8601 UTC strings to the second.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlite_utils

from tools.hashing import canonical_json, content_hash, sha256_hex
from tools.jobs import JOB_COLUMNS, TIME_COLUMNS, frame_records, validate_jobs_frame
from tools.schemas import GridSeries, PriceSeries, RegularSeries

SCHEMA_VERSION = "1"
GENESIS_HASH = "0" * 64
ISO_SECONDS = "%Y-%m-%dT%H:%M:%SZ"


class LedgerError(RuntimeError):
    """The ledger cannot serve a request (missing record, inconsistent state)."""


@dataclass(frozen=True)
class StoreResult:
    """Outcome of an idempotent write: the record id and whether anything new was written."""

    id: str
    created: bool
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditReport:
    """Result of walking the audit chain."""

    rows: int
    ok: bool
    problems: list[str]


def _iso(ts: pd.Series) -> pd.Series:
    return pd.to_datetime(ts, utc=True).dt.round("s").dt.strftime(ISO_SECONDS)


def _now() -> datetime:
    return datetime.now(UTC)


class Ledger:
    """Typed access to the SQLite ledger at ``path`` (created on first use)."""

    def __init__(self, path: str | Path, *, clock: Callable[[], datetime] = _now) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(self.path)
        self.db.execute("PRAGMA foreign_keys=ON")
        self._clock = clock
        self._ensure_schema()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------
    def _ensure_schema(self) -> None:
        db = self.db
        with db.atomic():
            db.table("meta").create({"key": str, "value": str}, pk="key", if_not_exists=True)
            db.table("runs").create({"run_id": str, "kind": str, "params": str, "summary": str,
                               "created_utc": str}, pk="run_id", if_not_exists=True)
            job_cols: dict[str, Any] = {c: str for c in JOB_COLUMNS}
            job_cols.update({"duration_h": float, "vcpus": int, "memory_gb": float, "gpus": int,
                             "utilisation": float, "max_deferral_h": float, "data_gb": float,
                             "interruptible": int, "run_id": str})
            db.table("jobs").create(job_cols, pk="job_id", if_not_exists=True,
                              foreign_keys=[("run_id", "runs", "run_id")])
            db.table("series").create({
                "series_id": str, "run_id": str, "quantity": str, "region": str, "basis": str,
                "kind": str, "instance_type": str, "step_minutes": int, "start_utc": str,
                "end_utc": str, "n_values": int, "source": str, "created_utc": str,
            }, pk="series_id", if_not_exists=True, foreign_keys=[("run_id", "runs", "run_id")])
            db.table("series_values").create({
                "series_id": str, "i": int, "ts_utc": str, "value": float, "lower": float,
                "upper": float,
            }, pk=("series_id", "i"), if_not_exists=True,
                foreign_keys=[("series_id", "series", "series_id")])
            db.table("telemetry").create({
                "run_id": str, "node": str, "ts_utc": str, "cluster": str, "utilisation": float,
                "power_w": float,
            }, pk=("run_id", "node", "ts_utc"), if_not_exists=True,
                foreign_keys=[("run_id", "runs", "run_id")])
            db.table("accounts").create({"account_id": str, "run_id": str, "params": str,
                                   "totals": str, "created_utc": str},
                                  pk="account_id", if_not_exists=True)
            db.table("emissions").create({
                "job_id": str, "account_id": str, "team": str, "region": str, "start_utc": str,
                "basis": str, "method": str, "intensity_g_per_kwh": float, "energy_kwh": float,
                "energy_lower_kwh": float, "energy_upper_kwh": float, "operational_kg": float,
                "embodied_kg": float, "emissions_kg": float, "lower_kg": float, "upper_kg": float,
            }, pk="job_id", if_not_exists=True,
                foreign_keys=[("job_id", "jobs", "job_id"), ("account_id", "accounts", "account_id")])
            db.table("audit_log").create({
                "seq": int, "ts_utc": str, "actor": str, "action": str, "subject": str,
                "payload": str, "prev_hash": str, "row_hash": str,
            }, pk="seq", if_not_exists=True)
            for table, cols in (("jobs", ["run_id"]), ("series", ["region", "quantity"]),
                                ("emissions", ["account_id"])):
                db.table(table).create_index(cols, if_not_exists=True)
            if db.table("meta").count == 0:
                db.table("meta").insert_all([
                    {"key": "schema_version", "value": SCHEMA_VERSION},
                    {"key": "audit_head", "value": GENESIS_HASH},
                    {"key": "audit_rows", "value": "0"},
                ])

    @contextmanager
    def transaction(self) -> Iterator[Ledger]:
        """All writes inside commit together or not at all (nested blocks use savepoints)."""
        with self.db.atomic():
            yield self

    def _meta(self, key: str) -> str:
        return str(self.db.table("meta").get(key)["value"])

    def now_iso(self) -> str:
        """The ledger clock's now, ISO-8601 UTC to the second."""
        return self._clock().astimezone(UTC).strftime(ISO_SECONDS)

    # -- audit log ------------------------------------------------------------------------
    @staticmethod
    def _row_hash(row: Mapping[str, Any]) -> str:
        fields = ("seq", "ts_utc", "actor", "action", "subject", "payload", "prev_hash")
        return sha256_hex(canonical_json({k: row[k] for k in fields}))

    def audit(self, action: str, subject: str, payload: Mapping[str, Any], actor: str = "system",
              *, rows: Mapping[str, Iterable[str]] | None = None) -> dict[str, Any]:
        """Append one audit row chained to the previous head; returns the row.

        ``rows``: table -> keys of the rows this write created, changed or deleted; their digests
        as they are now (None: deleted) go into the payload under ``rows``, so that
        :meth:`verify_rows` can tell any later edit made outside the app.
        """
        if rows:
            payload = {**payload, "rows": {t: self.row_digests(t, keys) for t, keys in rows.items()}}
        with self.transaction():
            seq = int(self._meta("audit_rows")) + 1
            row: dict[str, Any] = {
                "seq": seq, "ts_utc": self.now_iso(), "actor": actor, "action": action,
                "subject": subject, "payload": canonical_json(payload),
                "prev_hash": self._meta("audit_head"),
            }
            row["row_hash"] = self._row_hash(row)
            self.db.table("audit_log").insert(row)
            self.db.table("meta").upsert_all([{"key": "audit_head", "value": row["row_hash"]},
                                        {"key": "audit_rows", "value": str(seq)}], pk="key")
        return row

    # -- tamper evidence of protected tables ----------------------------------------------
    def _pk(self, table: str) -> list[str]:
        return list(self.db.table(table).pks)

    def row_digests(self, table: str, keys: Iterable[str] | None = None) -> dict[str, str | None]:
        """SHA-256 of each row's canonical JSON by its key (primary-key values joined by '/');
        every row of ``table``, or only ``keys`` (None for a key with no row)."""
        pk = self._pk(table)
        key_sql = " || '/' || ".join(f"CAST({c} AS TEXT)" for c in pk)
        sql = f"SELECT {key_sql} AS _key, * FROM {table}"
        args: list[Any] = []
        wanted = None if keys is None else sorted({str(k) for k in keys})
        if wanted is not None:
            sql += f" WHERE {key_sql} IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(wanted))
        out: dict[str, str | None] = dict.fromkeys(wanted or [])
        for row in self.db.query(sql, args):
            key = row.pop("_key")
            out[str(key)] = sha256_hex(canonical_json(row))
        return out

    def protect(self, table: str) -> None:
        """Put ``table`` under tamper evidence: on first call the digests of the rows it already
        holds are recorded in one audit row (``adopt-rows``); later writes pass ``rows=`` to
        :meth:`audit`."""
        key = f"protected:{table}"
        if self.db.table("meta").count_where("key = ?", [key]):
            return
        with self.transaction():
            digests = self.row_digests(table)
            if digests:
                self.audit("adopt-rows", table, {"rows": {table: digests}})
            self.db.table("meta").insert({"key": key, "value": self.now_iso()})

    def protected_tables(self) -> list[str]:
        return sorted(str(r["key"]).split(":", 1)[1] for r in self.db.query(
            "SELECT key FROM meta WHERE key LIKE 'protected:%'"))

    def verify_rows(self, tables: Iterable[str] | None = None) -> list[dict[str, str]]:
        """Every protected row (of ``tables``, default all) that differs from its last audited
        digest: ``{"table", "key", "problem"}`` where problem is ``edited``, ``added outside the
        app`` or ``deleted outside the app``."""
        wanted = set(self.protected_tables() if tables is None else tables) & set(self.protected_tables())
        recorded: dict[str, dict[str, str | None]] = {}
        for row in self.db.query("SELECT payload FROM audit_log WHERE instr(payload, '\"rows\":') > 0 "
                                 "ORDER BY seq"):
            for table, digests in (json.loads(row["payload"]).get("rows") or {}).items():
                if table in wanted:
                    recorded.setdefault(table, {}).update(digests)
        problems: list[dict[str, str]] = []
        for table in sorted(wanted):
            if table not in self.db.table_names():
                continue
            want = recorded.get(table, {})
            have = self.row_digests(table)
            for key, digest in have.items():
                if key not in want or want[key] is None:
                    problems.append({"table": table, "key": key, "problem": "added outside the app"})
                elif want[key] != digest:
                    problems.append({"table": table, "key": key, "problem": "edited"})
            for key, digest in want.items():
                if digest is not None and key not in have:
                    problems.append({"table": table, "key": key, "problem": "deleted outside the app"})
        return problems

    def audit_row(self, seq: int) -> dict[str, Any] | None:
        """The audit row ``seq`` (1-based), or None."""
        rows = list(self.db.query("SELECT * FROM audit_log WHERE seq = ?", [seq]))
        return rows[0] if rows else None

    def audit_head(self) -> tuple[str, int]:
        """The hash of the last audit row and the number of rows (what an anchor records)."""
        return self._meta("audit_head"), int(self._meta("audit_rows"))

    def verify_audit(self) -> AuditReport:
        """Walk the chain: recompute every row hash and link; detect edits and deletions."""
        problems: list[str] = []
        prev = GENESIS_HASH
        expected_seq = 1
        rows = list(self.db.query("SELECT * FROM audit_log ORDER BY seq"))
        for row in rows:
            if row["seq"] != expected_seq:
                problems.append(f"seq {expected_seq} missing (next row is seq {row['seq']})")
                expected_seq = row["seq"]
            if row["prev_hash"] != prev:
                problems.append(f"seq {row['seq']}: prev_hash does not match row {row['seq'] - 1}")
            if self._row_hash(row) != row["row_hash"]:
                problems.append(f"seq {row['seq']}: content was altered (hash mismatch)")
            prev = row["row_hash"]
            expected_seq += 1
        head, count = self._meta("audit_head"), int(self._meta("audit_rows"))
        if count != len(rows):
            problems.append(f"meta records {count} audit rows but {len(rows)} are present")
        if head != prev:
            problems.append("audit head hash does not match the last row (rows removed at the end?)")
        return AuditReport(rows=len(rows), ok=not problems, problems=problems)

    # -- runs -----------------------------------------------------------------------------
    def _run_exists(self, run_id: str) -> bool:
        return bool(self.db.table("runs").count_where("run_id = ?", [run_id]))

    def _insert_run(self, run_id: str, kind: str, params: Mapping[str, Any],
                    summary: Mapping[str, Any]) -> None:
        self.db.table("runs").insert({"run_id": run_id, "kind": kind, "params": canonical_json(params),
                                "summary": canonical_json(summary), "created_utc": self.now_iso()})

    def latest_run(self, kind: str = "simulate") -> dict[str, Any] | None:
        """The most recently stored run of ``kind`` (insertion order), or None."""
        rows = list(self.db.query(
            "SELECT * FROM runs WHERE kind = ? ORDER BY rowid DESC LIMIT 1", [kind]))
        return rows[0] if rows else None

    def get_run(self, run_id: str) -> dict[str, Any]:
        rows = list(self.db.query("SELECT * FROM runs WHERE run_id = ?", [run_id]))
        if not rows:
            raise LedgerError(f"no run with run_id={run_id!r}")
        return rows[0]

    # -- writes -----------------------------------------------------------------------------
    def store_run(
        self,
        kind: str,
        params: Mapping[str, Any],
        *,
        jobs: pd.DataFrame | None = None,
        series: list[RegularSeries] | None = None,
        telemetry: pd.DataFrame | None = None,
        summary: Mapping[str, Any] | None = None,
        actor: str = "system",
    ) -> StoreResult:
        """Store one simulation or import atomically and idempotently.

        ``run_id`` is the content hash of ``kind`` + ``params`` + the series' hashes; if that
        run is already stored nothing is written and ``created`` is False.
        """
        series = series or []
        series_ids = [s.content_hash() for s in series]
        run_id = content_hash({"kind": kind, "params": params, "series": series_ids})[:16]
        if self._run_exists(run_id):
            return StoreResult(run_id, False)
        rows = (self._job_rows(validate_jobs_frame(jobs, source=f"{kind} jobs"))
                if jobs is not None else None)
        counts = {"jobs": 0 if rows is None else len(rows), "series": len(series),
                  "telemetry": 0 if telemetry is None else len(telemetry)}
        hashes: dict[str, Any] = {"series": series_ids}
        if rows is not None:
            hashes["jobs_sha256"] = content_hash(rows.to_dict("split")["data"])
        with self.transaction():
            self._insert_run(run_id, kind, params, {**(summary or {}), **counts})
            if rows is not None:
                self._insert_jobs(run_id, rows)
            for s, sid in zip(series, series_ids, strict=True):
                self._insert_series(run_id, sid, s)
            if telemetry is not None and len(telemetry):
                self._insert_telemetry(run_id, telemetry)
            self.audit(f"store-{kind}", run_id, {"params": params, "counts": counts, **hashes},
                       actor=actor)
        return StoreResult(run_id, True, counts)

    @staticmethod
    def _job_rows(frame: pd.DataFrame) -> pd.DataFrame:
        rows = frame.copy()
        for column in TIME_COLUMNS:
            rows[column] = _iso(rows[column])
        rows["interruptible"] = rows["interruptible"].astype(int)
        return rows

    def _insert_jobs(self, run_id: str, rows: pd.DataFrame) -> None:
        rows = rows.assign(run_id=run_id)
        existing = self.db.execute(
            "SELECT job_id FROM jobs WHERE job_id IN (SELECT value FROM json_each(?)) LIMIT 1",
            [json.dumps(rows["job_id"].tolist())]).fetchone()
        if existing:
            raise LedgerError(f"job_id {existing[0]!r} is already stored by another run")
        self.db.table("jobs").insert_all(frame_records(rows), batch_size=5000)

    def _insert_series(self, run_id: str, series_id: str, s: RegularSeries) -> None:
        if isinstance(s, GridSeries):
            quantity, basis, kind, instance = "intensity_g_per_kwh", s.basis, s.kind, None
            lower, upper = s.lower, s.upper
        elif isinstance(s, PriceSeries):
            quantity, basis, kind, instance = s.kind, None, "realised", s.instance_type
            lower = upper = None
        else:
            raise LedgerError(f"cannot store series of type {type(s).__name__}")
        if self.db.table("series").count_where("series_id = ?", [series_id]):
            return  # identical content already stored by an earlier run
        self.db.table("series").insert({
            "series_id": series_id, "run_id": run_id, "quantity": quantity,
            "region": s.region, "basis": basis, "kind": kind, "instance_type": instance,
            "step_minutes": s.step_minutes, "start_utc": s.start_utc.strftime(ISO_SECONDS),
            "end_utc": s.end_utc.strftime(ISO_SECONDS), "n_values": len(s.values),
            "source": s.source, "created_utc": self.now_iso(),
        })
        ts = s.index().strftime(ISO_SECONDS)
        n = len(s.values)
        nothing: list[float | None] = [None] * n
        self.db.conn.executemany(
            "INSERT INTO series_values (series_id, i, ts_utc, value, lower, upper) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            zip([series_id] * n, range(n), ts, s.values, lower or nothing, upper or nothing,
                strict=True))

    def _insert_telemetry(self, run_id: str, telemetry: pd.DataFrame) -> None:
        ts = _iso(telemetry["ts_utc"])
        self.db.conn.executemany(
            "INSERT INTO telemetry (run_id, node, ts_utc, cluster, utilisation, power_w) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            zip([run_id] * len(telemetry), telemetry["node"], ts, telemetry["cluster"],
                telemetry["utilisation"].astype(float), telemetry["power_w"].astype(float),
                strict=True))

    def store_account(self, run_id: str, params: Mapping[str, Any], emissions: pd.DataFrame,
                      totals: Mapping[str, float], actor: str = "system") -> StoreResult:
        """Store an accounting of ``run_id``'s jobs; same inputs -> same id -> no rewrite."""
        account_id = content_hash({"run_id": run_id, "params": params})[:16]
        if self.db.table("accounts").count_where("account_id = ?", [account_id]):
            return StoreResult(account_id, False)
        rows = emissions.copy()
        rows["start_utc"] = _iso(rows["start_utc"])
        rows["account_id"] = account_id
        with self.transaction():
            self.db.table("accounts").insert({"account_id": account_id, "run_id": run_id,
                                        "params": canonical_json(params),
                                        "totals": canonical_json(dict(totals)),
                                        "created_utc": self.now_iso()})
            self.db.table("emissions").upsert_all(frame_records(rows), pk="job_id", batch_size=5000)
            self.audit("account", account_id, {"run_id": run_id, "params": params,
                                               "totals": dict(totals)}, actor=actor)
        return StoreResult(account_id, True, {"emissions": len(rows)})

    # -- reads ------------------------------------------------------------------------------
    def load_jobs(self, run_id: str) -> pd.DataFrame:
        """Jobs of one run as a validated DataFrame (UTC timestamps)."""
        cols = ", ".join(JOB_COLUMNS)
        frame = pd.DataFrame(list(self.db.query(
            f"SELECT {cols} FROM jobs WHERE run_id = ? ORDER BY job_id", [run_id])),
            columns=list(JOB_COLUMNS))
        if frame.empty:
            raise LedgerError(f"run {run_id!r} has no jobs")
        for column in TIME_COLUMNS:
            frame[column] = pd.to_datetime(frame[column], utc=True)
        return validate_jobs_frame(frame, source=f"ledger run {run_id}")

    def load_series(self, series_id: str) -> GridSeries | PriceSeries:
        rows = list(self.db.query("SELECT * FROM series WHERE series_id = ?", [series_id]))
        if not rows:
            raise LedgerError(f"no series with series_id={series_id!r}")
        meta = rows[0]
        vals = pd.DataFrame(list(self.db.query(
            "SELECT value, lower, upper FROM series_values WHERE series_id = ? ORDER BY i",
            [series_id])))
        common = {"region": meta["region"], "start_utc": meta["start_utc"],
                  "step_minutes": meta["step_minutes"], "values": vals["value"].tolist(),
                  "source": meta["source"]}
        if meta["quantity"] == "intensity_g_per_kwh":
            bounded = vals["lower"].notna().all()
            return GridSeries(**common, basis=meta["basis"], kind=meta["kind"],
                              lower=vals["lower"].tolist() if bounded else None,
                              upper=vals["upper"].tolist() if bounded else None)
        return PriceSeries(**common, kind=meta["quantity"], instance_type=meta["instance_type"])

    def find_series(self, region: str, *, quantity: str = "intensity_g_per_kwh", kind: str = "realised",
                    run_id: str | None = None, own_run_only: bool = False,
                    covering: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> GridSeries | PriceSeries | None:
        """The stored series of ``region`` (the one lookup every caller uses).

        Among the series of ``quantity`` and ``kind`` (price series are ``realised``) that cover
        ``covering`` = (start, end) when given, the one stored by ``run_id`` wins (only those with
        ``own_run_only``), then the most recently stored. None when there is none.
        """
        sql = "SELECT series_id FROM series WHERE quantity = ? AND region = ? AND kind = ?"
        args: list[Any] = [quantity, region, kind]
        if covering is not None:
            start, end = (pd.Timestamp(t) for t in covering)
            sql += " AND start_utc <= ? AND end_utc >= ?"
            args += [start.floor("s").strftime(ISO_SECONDS), end.ceil("s").strftime(ISO_SECONDS)]
        if own_run_only:
            sql += " AND run_id = ?"
            args.append(run_id)
        rows = list(self.db.query(sql + " ORDER BY (run_id IS ?) DESC, rowid DESC LIMIT 1", [*args, run_id]))
        return self.load_series(str(rows[0]["series_id"])) if rows else None

    def run_series(self, run_id: str, kind: str = "realised") -> dict[str, GridSeries]:
        """Every grid series of one kind stored by ``run_id``, by region (the latest per region)."""
        out: dict[str, GridSeries] = {}
        for row in self.db.query("SELECT series_id FROM series WHERE quantity = 'intensity_g_per_kwh' "
                                 "AND run_id = ? AND kind = ? ORDER BY rowid", [run_id, kind]):
            series = self.load_series(str(row["series_id"]))
            assert isinstance(series, GridSeries)
            out[series.region] = series
        return out

    def grid_for_jobs(self, jobs: pd.DataFrame, run_id: str | None = None,
                      kind: str = "realised") -> dict[str, GridSeries]:
        """For each region of ``jobs``, the grid series that covers all its jobs.

        Preference: a series stored by the jobs' own run; else the most recently imported
        series of that region. Raises LedgerError naming the region if none covers the jobs.
        """
        end = jobs["start_utc"] + pd.to_timedelta(jobs["duration_h"], unit="h")
        span = pd.DataFrame({"region": jobs["region"], "start": jobs["start_utc"], "end": end}
                            ).groupby("region").agg(start=("start", "min"), end=("end", "max"))
        out: dict[str, GridSeries] = {}
        for region, row in span.iterrows():
            if not self.db.table("series").count_where("quantity = 'intensity_g_per_kwh'"):
                raise LedgerError(f"no grid series stored; needed for region {region!r}")
            series = self.find_series(str(region), kind=kind, run_id=run_id, covering=(row["start"], row["end"]))
            if series is None:
                raise LedgerError(
                    f"no {kind} grid series covers region {region!r} from "
                    f"{row['start'].isoformat()} to {row['end'].isoformat()}")
            assert isinstance(series, GridSeries)
            out[str(region)] = series
        return out

    def latest_account_id(self, run_id: str) -> str | None:
        """The most recent accounting of ``run_id``, or None if it was never accounted."""
        rows = list(self.db.query(
            "SELECT account_id FROM accounts WHERE run_id = ? ORDER BY rowid DESC LIMIT 1", [run_id]))
        return str(rows[0]["account_id"]) if rows else None

    def load_emissions(self, account_id: str) -> pd.DataFrame:
        frame = pd.DataFrame(list(self.db.query(
            "SELECT * FROM emissions WHERE account_id = ? ORDER BY job_id", [account_id])))
        if frame.empty:
            raise LedgerError(f"account {account_id!r} has no emission rows")
        frame["start_utc"] = pd.to_datetime(frame["start_utc"], utc=True)
        return frame

    def load_telemetry(self, run_id: str) -> pd.DataFrame:
        frame = pd.DataFrame(list(self.db.query(
            "SELECT ts_utc, cluster, node, utilisation, power_w FROM telemetry WHERE run_id = ? "
            "ORDER BY node, ts_utc", [run_id])))
        if not frame.empty:
            frame["ts_utc"] = pd.to_datetime(frame["ts_utc"], utc=True)
        return frame

    def counts(self) -> dict[str, int]:
        """Row counts of every table."""
        return {name: int(self.db.table(name).count) for name in self.db.table_names()}
