-- The journey build of `pathcredit journeys --paths-out` written as DuckDB SQL, for a
-- side-by-side benchmark (benches/peers/journeys.sh). Same semantics on the generated
-- data: identities resolved one hop (anonymous_id -> user_id, shared devices kept
-- separate; equal to union-find when identity edges are star-shaped, as
-- `pathcredit generate-events` writes them), sessions cut by a 30-minute gap and by
-- conversions with the first non-direct touch as the session's channel, 30-day
-- inclusive lookback windows, non-converting journeys after the last conversion,
-- censoring of journeys whose last touch is within 30 days of the data end.
-- Parameters: the files are read from the working directory; the output is
-- paths_duckdb.csv.
CREATE TEMP TABLE ev AS
  SELECT "timestamp"::TIMESTAMPTZ AS ts, user_id, event, channel, value
  FROM read_csv('events.csv', header = true, all_varchar = true);

CREATE TEMP TABLE ids AS
  SELECT anonymous_id, min(user_id) AS user_id
  FROM read_csv('identities.csv', header = true, all_varchar = true)
  GROUP BY anonymous_id
  HAVING count(DISTINCT user_id) = 1;

COPY (
WITH e AS (
  SELECT coalesce(ids.user_id, ev.user_id) AS person, ev.ts, ev.event, ev.channel,
         coalesce(TRY_CAST(ev.value AS DOUBLE), 0) AS value,
         (ev.event = 'conversion')::INT AS is_conv
  FROM ev LEFT JOIN ids ON ev.user_id = ids.anonymous_id
  WHERE ev.event IN ('touch', 'conversion')
),
seq AS (
  SELECT *, coalesce(sum(is_conv) OVER (
           PARTITION BY person ORDER BY ts, is_conv, channel
           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS seg
  FROM e
),
touches AS (SELECT person, seg, ts, channel FROM seq WHERE is_conv = 0),
gaps AS (
  SELECT *, CASE WHEN ts - lag(ts) OVER (PARTITION BY person, seg ORDER BY ts, channel)
                      > INTERVAL 30 MINUTE THEN 1 ELSE 0 END AS new_session
  FROM touches
),
sessions AS (
  SELECT *, sum(new_session) OVER (PARTITION BY person, seg ORDER BY ts, channel
                                   ROWS UNBOUNDED PRECEDING) AS sid
  FROM gaps
),
session_touch AS (
  SELECT person, seg, min(ts) AS ts,
         coalesce(first(channel ORDER BY ts, channel) FILTER (WHERE channel <> 'direct'),
                  first(channel ORDER BY ts, channel)) AS channel
  FROM sessions GROUP BY person, seg, sid
),
conv AS (SELECT person, seg, ts AS cts, value FROM seq WHERE is_conv = 1),
converting AS (
  SELECT c.person, c.seg, any_value(c.value) AS value,
         string_agg(s.channel, ' > ' ORDER BY s.ts, s.channel) AS path
  FROM conv c JOIN session_touch s
    ON s.person = c.person AND s.seg = c.seg AND s.ts >= c.cts - INTERVAL 30 DAY
  GROUP BY c.person, c.seg
),
conversions_per_person AS (SELECT person, sum(is_conv) AS n FROM e GROUP BY person),
open_touch AS (
  SELECT s.* FROM session_touch s JOIN conversions_per_person p
    ON s.person = p.person AND s.seg = p.n
),
open_last AS (SELECT person, max(ts) AS last_ts FROM open_touch GROUP BY person),
data_end AS (SELECT max(ts) AS t FROM ev),
non_converting AS (
  SELECT o.person, string_agg(o.channel, ' > ' ORDER BY o.ts, o.channel) AS path
  FROM open_touch o JOIN open_last l USING (person), data_end
  WHERE o.ts >= l.last_ts - INTERVAL 30 DAY AND data_end.t - l.last_ts > INTERVAL 30 DAY
  GROUP BY o.person
)
SELECT path,
       sum(c) AS total_conversions,
       round(sum(v), 6) AS total_conversion_value,
       sum(n) AS total_null
FROM (SELECT path, 1 AS c, value AS v, 0 AS n FROM converting
      UNION ALL
      SELECT path, 0, 0, 1 FROM non_converting)
GROUP BY path
ORDER BY path
) TO 'paths_duckdb.csv' (HEADER);
