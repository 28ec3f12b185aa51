-- Results move to each organization's own store (a schema chem_org_<id> on PostgreSQL, a database file per
-- organization beside the SQLite one): an execution names its result there by result_id. The result column is only
-- read to move the results of earlier versions over when a server starts (LegacyResultMove), which empties it.
ALTER TABLE chem_executions ADD COLUMN result_id uuid NULL;
