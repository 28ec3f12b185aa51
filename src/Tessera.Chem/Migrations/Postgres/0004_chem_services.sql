-- Chem task services: separate processes that registered, with an organization's token, the URL they serve and the
-- task versions they run. A service that stops heartbeating or fails its health check is deleted (dropped);
-- last_used_at spreads executions over the live instances of a task (least recently used first).
CREATE TABLE chem_services (
    id             uuid PRIMARY KEY,
    org_id         uuid NOT NULL,
    registered_by  uuid NOT NULL,
    url            text NOT NULL,
    server_url     text NOT NULL,
    tool_versions  text NOT NULL,
    registered_at  timestamptz NOT NULL,
    heartbeat_at   timestamptz NOT NULL,
    last_used_at   timestamptz NOT NULL
);
CREATE UNIQUE INDEX chem_services_org_url ON chem_services (org_id, url);

CREATE TABLE chem_service_tasks (
    service_id    uuid NOT NULL REFERENCES chem_services (id),
    task_name     text NOT NULL,
    task_version  integer NOT NULL,
    PRIMARY KEY (service_id, task_name, task_version)
);
CREATE INDEX chem_service_tasks_task ON chem_service_tasks (task_name, task_version);
