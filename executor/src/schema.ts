/**
 * The executor's own tables, in the Postgres schema `executor` (never `public`, where the app's
 * Prisma tables live). Each migration runs once, recorded in executor.migrations.
 */
export const MIGRATIONS: { id: number; sql: string }[] = [
  {
    id: 1,
    sql: `
CREATE TABLE executor.apps (
  id text PRIMARY KEY,
  url text NOT NULL,
  framework text,
  sdk text,
  synced_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE executor.functions (
  id text PRIMARY KEY,
  app_id text NOT NULL,
  config jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE executor.events (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  name text NOT NULL,
  data jsonb NOT NULL,
  ts bigint NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_received ON executor.events (received_at);
CREATE TABLE executor.runs (
  id text PRIMARY KEY,
  function_id text NOT NULL,
  status text NOT NULL,
  event_id text,
  event jsonb NOT NULL,
  output jsonb,
  error jsonb,
  ckeys text[],
  climits int[],
  parent_run_id text,
  parent_step_id text,
  start_deadline timestamptz,
  state_bytes bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  ended_at timestamptz
);
CREATE INDEX runs_fn_status ON executor.runs (function_id, status, created_at DESC);
CREATE INDEX runs_status ON executor.runs (status, created_at DESC);
CREATE INDEX runs_event ON executor.runs (event_id);
CREATE INDEX runs_created ON executor.runs (created_at DESC);
CREATE SEQUENCE executor.step_seq;
CREATE TABLE executor.steps (
  run_id text NOT NULL,
  id text NOT NULL,
  name text,
  op text,
  status text NOT NULL,
  data jsonb,
  error jsonb,
  attempts int NOT NULL DEFAULT 0,
  seq bigint,
  created_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  PRIMARY KEY (run_id, id)
);
CREATE TABLE executor.attempts (
  id bigserial PRIMARY KEY,
  run_id text NOT NULL,
  step_id text,
  step_name text,
  attempt int NOT NULL,
  started_at timestamptz NOT NULL,
  duration_ms double precision NOT NULL,
  outcome text NOT NULL,
  error jsonb
);
CREATE INDEX attempts_run ON executor.attempts (run_id, id);
CREATE TABLE executor.queue (
  id bigserial PRIMARY KEY,
  run_id text NOT NULL,
  kind text NOT NULL,
  step_id text,
  attempt int NOT NULL DEFAULT 0,
  run_at timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz,
  lease_owner text,
  ckeys text[],
  climits int[],
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX queue_ready ON executor.queue (run_at, id);
CREATE INDEX queue_run ON executor.queue (run_id);
CREATE INDEX queue_ckeys ON executor.queue USING gin (ckeys) WHERE lease_until IS NOT NULL;
CREATE UNIQUE INDEX queue_one_discovery ON executor.queue (run_id) WHERE kind = 'call' AND step_id IS NULL;
CREATE TABLE executor.waits (
  id bigserial PRIMARY KEY,
  run_id text NOT NULL,
  step_id text NOT NULL,
  event_name text NOT NULL,
  expr text,
  expires_at timestamptz NOT NULL
);
CREATE INDEX waits_event ON executor.waits (event_name);
CREATE INDEX waits_run ON executor.waits (run_id);
CREATE TABLE executor.idempotency (
  function_id text NOT NULL,
  key text NOT NULL,
  run_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (function_id, key)
);
CREATE TABLE executor.crons (
  function_id text NOT NULL,
  expr text NOT NULL,
  next_at timestamptz NOT NULL,
  PRIMARY KEY (function_id, expr)
);
`,
  },
];

MIGRATIONS.push({
  id: 2,
  // status changes on every run would maintain these on each update; the runs API does not need them
  sql: "DROP INDEX IF EXISTS executor.runs_status; DROP INDEX IF EXISTS executor.runs_created;",
});

/** Stored functions, (re)created with CREATE OR REPLACE at every start. */
export const FUNCTIONS_SQL = `
-- Lease up to p_limit ready queue items, honouring concurrency keys: an item whose key already has
-- climits[i] leased (executing) items is skipped. One round trip; an advisory lock serialises
-- leasing between executor processes so limits hold across them.
-- (seqscan/sort off: the ready scan must walk queue_ready in order and stop early, not sort the whole queue;
-- PGlite has no autovacuum/autoanalyze, so the planner cannot be trusted to know that.)
CREATE OR REPLACE FUNCTION executor.lease_items(p_limit int, p_owner text, p_lease_ms int)
RETURNS SETOF executor.queue LANGUAGE plpgsql SET enable_seqscan = off SET enable_sort = off AS $$
DECLARE
  r executor.queue;
  cnt int;
  taken int := 0;
  ok boolean;
  i int;
  blocked text[] := '{}';
  v_now timestamptz := clock_timestamp();
BEGIN
  -- Nothing ready (the idle poll, once a second): answer from the ready index alone, before the lock
  -- and the blocked-keys aggregate over the leased items.
  IF NOT EXISTS (SELECT 1 FROM executor.queue WHERE run_at <= v_now AND (lease_until IS NULL OR lease_until < v_now)) THEN
    RETURN;
  END IF;
  -- The advisory lock serialises leasing across executor processes (no row locks needed: a row is
  -- only taken by the UPDATE below, which re-checks that it is still free).
  PERFORM pg_advisory_xact_lock(7288101);
  -- Keys already at their limit (from the currently leased items) are skipped by the scan itself, so a
  -- backlog of one saturated key cannot hide ready work of other keys and functions behind it.
  SELECT coalesce(array_agg(k), '{}') INTO blocked FROM (
    SELECT u.k, min(u.lim) AS lim, count(*) AS c
    FROM executor.queue q, unnest(q.ckeys, q.climits) AS u(k, lim)
    WHERE q.lease_until IS NOT NULL AND q.lease_until >= v_now
    GROUP BY u.k
  ) s WHERE s.c >= s.lim;
  FOR r IN
    SELECT * FROM executor.queue
    WHERE run_at <= v_now AND (lease_until IS NULL OR lease_until < v_now)
      AND (ckeys IS NULL OR NOT (ckeys && blocked))
    ORDER BY run_at, id
    LIMIT p_limit * 2 + 100
  LOOP
    ok := true;
    IF r.ckeys IS NOT NULL THEN
      FOR i IN 1 .. coalesce(array_length(r.ckeys, 1), 0) LOOP
        IF r.ckeys[i] = ANY(blocked) THEN ok := false; EXIT; END IF;
        SELECT count(*) INTO cnt FROM executor.queue
          WHERE lease_until IS NOT NULL AND lease_until >= v_now AND ckeys @> ARRAY[r.ckeys[i]];
        IF cnt >= r.climits[i] THEN
          blocked := blocked || r.ckeys[i];
          ok := false;
          EXIT;
        END IF;
      END LOOP;
    END IF;
    IF ok THEN
      UPDATE executor.queue
        SET lease_until = v_now + make_interval(secs => p_lease_ms / 1000.0), lease_owner = p_owner
        WHERE id = r.id AND (lease_until IS NULL OR lease_until < v_now) RETURNING * INTO r;
      IF FOUND THEN
        RETURN NEXT r;
        taken := taken + 1;
      END IF;
      EXIT WHEN taken >= p_limit;
    END IF;
  END LOOP;
END $$;

-- Record a settled step (data, error, or a resumed sleep/wait/invoke) exactly once, then decide
-- what happens next: 'gone' (run already finished/cancelled), 'dup' (already memoized),
-- 'wait' (other steps of the run still pending), 'discover' (p_keep: the caller keeps its leased
-- item, now the run's discovery call) or 'enqueued' (a discovery call was queued).
CREATE OR REPLACE FUNCTION executor.finish_step(p_run text, p_step text, p_name text, p_op text, p_data jsonb,
  p_error jsonb, p_status text, p_bytes bigint, p_item bigint, p_keep boolean, p_attempts int)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  pending int;
  n int;
  q executor.queue;
BEGIN
  -- lock the run (and count the result into its state) first: serialises concurrent step results
  UPDATE executor.runs SET state_bytes = state_bytes + p_bytes WHERE id = p_run AND status IN ('Queued', 'Running');
  IF NOT FOUND THEN
    IF p_item IS NOT NULL THEN DELETE FROM executor.queue WHERE id = p_item; END IF;
    RETURN 'gone';
  END IF;
  INSERT INTO executor.steps AS s (run_id, id, name, op, status, data, error, seq, ended_at, attempts)
    VALUES (p_run, p_step, p_name, p_op, p_status, p_data, p_error, nextval('executor.step_seq'), now(), p_attempts)
    ON CONFLICT (run_id, id) DO UPDATE
      SET status = EXCLUDED.status, data = EXCLUDED.data, error = EXCLUDED.error, seq = EXCLUDED.seq,
          ended_at = now(), op = coalesce(s.op, EXCLUDED.op), name = coalesce(s.name, EXCLUDED.name),
          attempts = greatest(s.attempts, EXCLUDED.attempts)
      WHERE s.seq IS NULL;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n = 0 THEN
    UPDATE executor.runs SET state_bytes = state_bytes - p_bytes WHERE id = p_run;
    IF p_item IS NOT NULL THEN DELETE FROM executor.queue WHERE id = p_item; END IF;
    RETURN 'dup';
  END IF;
  SELECT count(*) INTO pending FROM executor.steps WHERE run_id = p_run AND seq IS NULL;
  IF pending > 0 THEN
    IF p_item IS NOT NULL THEN DELETE FROM executor.queue WHERE id = p_item; END IF;
    RETURN 'wait';
  END IF;
  IF p_item IS NOT NULL AND p_keep THEN
    SELECT * INTO q FROM executor.queue WHERE id = p_item;
    IF q.kind = 'call' AND q.step_id IS NULL THEN
      -- already the run's discovery item (the SDK ran the step inline)
      IF q.attempt <> 0 THEN UPDATE executor.queue SET attempt = 0 WHERE id = p_item; END IF;
      RETURN 'discover';
    END IF;
    IF EXISTS (SELECT 1 FROM executor.queue WHERE run_id = p_run AND kind = 'call' AND step_id IS NULL AND id <> p_item) THEN
      DELETE FROM executor.queue WHERE id = p_item;
      RETURN 'wait';
    END IF;
    UPDATE executor.queue SET kind = 'call', step_id = NULL, attempt = 0 WHERE id = p_item;
    RETURN 'discover';
  END IF;
  IF p_item IS NOT NULL THEN DELETE FROM executor.queue WHERE id = p_item; END IF;
  INSERT INTO executor.queue (run_id, kind, step_id, attempt, run_at, ckeys, climits)
    SELECT p_run, 'call', NULL, 0, now(), ckeys, climits FROM executor.runs WHERE id = p_run
    ON CONFLICT DO NOTHING;
  RETURN 'enqueued';
END $$;

-- Finish a run once (Completed, Failed or Cancelled): drop its queued work and waits. With
-- p_outbox a 'finished' item is queued in the same transaction to emit inngest/function.finished
-- / .failed and to resume an invoking parent, so a crash cannot lose them.
CREATE OR REPLACE FUNCTION executor.finish_run(p_run text, p_status text, p_output jsonb, p_error jsonb, p_outbox boolean)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  n int;
BEGIN
  UPDATE executor.runs SET status = p_status, output = p_output, error = p_error, ended_at = now()
    WHERE id = p_run AND status IN ('Queued', 'Running');
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n = 0 THEN RETURN false; END IF;
  DELETE FROM executor.queue WHERE run_id = p_run;
  DELETE FROM executor.waits WHERE run_id = p_run;
  IF p_outbox THEN
    INSERT INTO executor.queue (run_id, kind) VALUES (p_run, 'finished');
  END IF;
  RETURN true;
END $$;
`;
