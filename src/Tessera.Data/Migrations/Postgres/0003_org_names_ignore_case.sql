-- Organization names are unique whatever their letter case: 'Acme' and 'ACME' were two organizations, easy to
-- mistake for each other (a member added to the wrong one). Names that already clash stay with the oldest
-- organization; the others get the first 8 characters of their id appended.
-- lower() folds ASCII letters on SQLite and every letter on PostgreSQL.
UPDATE organizations SET name = name || '-' || substr(CAST(id AS text), 1, 8)
WHERE EXISTS (
    SELECT 1 FROM organizations o
    WHERE lower(o.name) = lower(organizations.name)
      AND (o.created_at < organizations.created_at OR (o.created_at = organizations.created_at AND o.id < organizations.id)));
CREATE UNIQUE INDEX organizations_name_ignore_case ON organizations (lower(name));
