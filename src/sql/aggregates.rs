//! The smaller aggregates the SQL counts on request: order-k transitions (for the exact
//! Markov model) and journeys per channel set (for Shapley's games).

use super::Writer;

impl Writer<'_> {
    /// Order-k transition counts, with ChannelAttribution's state convention.
    pub(super) fn transitions(&mut self, k: usize) {
        let source = self.journey_source.clone();
        let mut window = vec!["channel".to_string()];
        for back in 1..k {
            window.insert(
                0,
                format!("lag(channel, {back}) OVER (PARTITION BY unit, j ORDER BY pos)"),
            );
        }
        let state = format!("concat_ws(' > ', {})", window.join(", "));
        let query = format!(
            "WITH w AS (\n  SELECT unit, j, converted, value, pos, {state} AS full_state,\n    \
             row_number() OVER (PARTITION BY unit, j ORDER BY pos) AS rn,\n    \
             count(*) OVER (PARTITION BY unit, j) AS len FROM {source}),\n\
             states AS (\n  -- Windows of {k} touches; a journey shorter than {k} is one state (its whole path).\n  \
             SELECT unit, j, converted, value, rn AS pos, full_state AS state FROM w WHERE rn >= {k}\n  UNION ALL\n  \
             SELECT unit, j, converted, value, rn, full_state FROM w WHERE len < {k} AND rn = len),\n\
             collapsed AS (\n  SELECT *, lag(state) OVER (PARTITION BY unit, j ORDER BY pos) AS prev FROM states),\n\
             seq AS (\n  SELECT unit, j, converted, value, state, row_number() OVER (PARTITION BY unit, j ORDER BY pos) AS n,\n    \
             count(*) OVER (PARTITION BY unit, j) AS m FROM collapsed WHERE prev IS NULL OR prev <> state),\n\
             moves AS (\n  SELECT CASE WHEN n = 1 THEN '(start)' ELSE lag(state) OVER (PARTITION BY unit, j ORDER BY n) END AS from_state,\n    \
             state AS to_state, 1.0 AS cnt, CAST(0 AS DOUBLE) AS v FROM seq\n  UNION ALL\n  \
             SELECT state, CASE WHEN converted = 1 THEN '(conversion)' ELSE '(null)' END, 1.0, value FROM seq WHERE n = m)\n\
             SELECT from_state, to_state, sum(cnt) AS count, sum(v) AS value FROM moves GROUP BY from_state, to_state"
        );
        self.step(
            &format!(
                "Order-{k} transition counts for the exact Markov model: windows of {k} consecutive\n\
                 touches, consecutive equal windows collapsed, each journey from (start) to\n\
                 (conversion) or (null); value on the moves into (conversion)."
            ),
            "transitions",
            query,
        );
    }

    /// Journeys per set of distinct channels.
    pub(super) fn coalitions(&mut self) {
        let source = self.journey_source.clone();
        let channels = self.d.ordered_join("channel", "channel", " + ");
        self.step(
            "Journeys per set of distinct channels (sorted, joined by ` + `), for Shapley's\n\
             games: conversions, value and non-conversions.",
            "coalitions",
            format!(
                "WITH sets AS (\n  SELECT unit, j, max(converted) AS converted, max(value) AS value, {channels} AS channels\n  \
                 FROM (SELECT DISTINCT unit, j, converted, value, channel FROM {source}) d GROUP BY unit, j)\n\
                 SELECT channels, sum(converted) AS total_conversions, sum(value) AS total_conversion_value,\n  \
                 sum(1 - converted) AS total_null\nFROM sets GROUP BY channels"
            ),
        );
    }
}
