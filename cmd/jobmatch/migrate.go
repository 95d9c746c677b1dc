package main

import (
	"context"
	"fmt"

	"github.com/urumqi-hrss/jobmatch/store/postgres"
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
	return nil
}
