package main

import (
	"flag"
	"fmt"
	"log/slog"

	"nmnsearch/server/analytics"
)

// analyticsFlags defines serve's -analytics and -analytics-days.
func analyticsFlags(fs *flag.FlagSet, env *envDefaults) (on *bool, days *int) {
	on = fs.Bool("analytics", env.bool("NMNSEARCH_ANALYTICS", true),
		"count readers' searches and clicks as the box reports them (POST /api/events): per day, the top queries, nothing about the person; the report at GET /api/admin/analytics (admin token); false: no route, nothing kept (env NMNSEARCH_ANALYTICS)")
	days = fs.Int("analytics-days", env.int("NMNSEARCH_ANALYTICS_DAYS", analytics.DefaultRetentionDays),
		fmt.Sprintf("days of search analytics kept, today included, 1 to %d; older days are dropped (env NMNSEARCH_ANALYTICS_DAYS)", analytics.MaxRetentionDays))
	return on, days
}

// checkAnalyticsDays refuses a retention Open would.
func checkAnalyticsDays(on bool, days int) error {
	if on && (days < 1 || days > analytics.MaxRetentionDays) {
		return fmt.Errorf("-analytics-days %d: want 1 to %d", days, analytics.MaxRetentionDays)
	}
	return nil
}

// openAnalytics opens serve's search analytics: analytics.db in the data
// directory dir, in memory for an index in memory, none when off or on a
// read-only replica, whose directory is a writer's published copy that
// other replicas share (the writer counts its own readers).
func openAnalytics(on bool, days int, dir string, readOnly bool, logger *slog.Logger) (*analytics.Store, error) {
	switch {
	case !on:
		return nil, nil
	case readOnly:
		logger.Info("analytics off: a read-only replica keeps nothing in the directory it shares")
		return nil, nil
	}
	store, err := analytics.Open(analytics.Options{Dir: dir, RetentionDays: days, Logger: logger})
	if err != nil {
		return nil, err
	}
	return store, nil
}
