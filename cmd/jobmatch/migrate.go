package main

import (
	"context"
	"fmt"

	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/batchqueue"
)

// cmdMigrate applies the embedded PostgreSQL migrations. The embedded store
// needs none.
func (m *Main) cmdMigrate(ctx context.Context, args []string) error {
	fs := m.flags("migrate")
	if _, err := m.parse(fs, args); err != nil {
		return err
	}
	if m.DBURL == "" {
		return &usageError{"migrate: PostgreSQL only: give --db URL or set DATABASE_URL (the embedded store needs no migration)"}
	}
	if err := postgres.MigrateURL(ctx, m.DBURL); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	m.Log.Info("schema migrated", "version", postgres.SchemaVersion())
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	// River's tables, for sharded batch runs (jobmatch batch --shards, jobmatch worker).
	if err := batchqueue.Migrate(ctx, st.(*postgres.Store).Pool(), m.Log); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// Rows written in the clear by an older schema (casework notes before
	// version 2) are sealed now, as any data-key pass would.
	if _, err := dataKeys(); err != nil {
		m.Log.Warn("personal data not sealed: no data key", "err", err)
		return nil
	}
	n, err := st.(*postgres.Store).RotateDataKey(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: seal personal data: %w", err)
	}
	if n > 0 {
		m.Log.Info("personal data sealed", "records", n)
	}
	return nil
}
