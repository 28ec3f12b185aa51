-- Chem task services: separate processes that registered, with an organization's token, the URL they serve and the
-- task versions they run. A service that stops heartbeating or fails its health check is deleted (dropped);
-- last_used_at spreads executions over the live instances of a task (least recently used first).
CREATE TABLE chem_services (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL,
    registered_by  TEXT NOT NULL,
    url            TEXT NOT NULL,
    server_url     TEXT NOT NULL,
    tool_versions  TEXT NOT NULL,
    registered_at  TEXT NOT NULL,
    heartbeat_at   TEXT NOT NULL,
    last_used_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX chem_services_org_url ON chem_services (org_id, url);

CREATE TABLE chem_service_tasks (
    service_id    TEXT NOT NULL REFERENCES chem_services (id),
    task_name     TEXT NOT NULL,
    task_version  INTEGER NOT NULL,
    PRIMARY KEY (service_id, task_name, task_version)
);
CREATE INDEX chem_service_tasks_task ON chem_service_tasks (task_name, task_version);
