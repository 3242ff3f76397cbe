-- Clients own agents and instances. last_event_id is the client's event sequence: every transaction
-- that writes an event for this client increments it under the row lock, so event ids are assigned in
-- commit order and a reader that moves its cursor past N can never later find an event below N.
CREATE TABLE clients (
    client_id           text PRIMARY KEY CHECK (client_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    name                text        NOT NULL,
    last_event_id       bigint      NOT NULL DEFAULT 0,
    pruned_through_id   bigint      NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
    agent_id            text PRIMARY KEY CHECK (agent_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    client_id           text        NOT NULL REFERENCES clients (client_id),
    name                text        NOT NULL,
    transport           text        NOT NULL CHECK (transport IN ('TEMPORAL', 'HTTP')),
    status              text        NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'offline')),
    last_heartbeat_at   timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agents_client ON agents (client_id);

-- Bearer tokens, stored as SHA-256 digests: tokens are random secrets, so a fast digest is enough
-- and lets a lookup be one index probe.
CREATE TABLE api_tokens (
    token_sha256        bytea PRIMARY KEY,
    principal_kind      text        NOT NULL CHECK (principal_kind IN ('CLIENT', 'AGENT')),
    client_id           text        NOT NULL REFERENCES clients (client_id),
    agent_id            text        REFERENCES agents (agent_id),
    description         text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    revoked_at          timestamptz,
    CHECK ((principal_kind = 'AGENT') = (agent_id IS NOT NULL))
);

CREATE TABLE instances (
    instance_id                     uuid PRIMARY KEY,
    client_id                       text        NOT NULL REFERENCES clients (client_id),
    agent_id                        text        NOT NULL REFERENCES agents (agent_id),
    ec2_instance_id                 text UNIQUE,
    instance_type                   text        NOT NULL,
    role                            text        NOT NULL CHECK (role IN ('primary', 'replica')),
    status                          text        NOT NULL CHECK (status IN (
                                        'launching', 'running_primary', 'running_replica', 'promoting',
                                        'terminating', 'terminated',
                                        'launch_failed', 'launch_timed_out',
                                        'termination_failed', 'termination_timed_out')),
    failure_reason                  text,
    request_id                      text        NOT NULL,
    request_fingerprint             text        NOT NULL,
    termination_request_id          text,
    metadata                        jsonb       NOT NULL DEFAULT '{}',
    launch_requested_at             timestamptz NOT NULL,
    launch_confirmed_at             timestamptz,
    launch_duration_seconds         double precision,
    termination_requested_at        timestamptz,
    termination_confirmed_at        timestamptz,
    termination_duration_seconds    double precision,
    version                         bigint      NOT NULL DEFAULT 0,
    created_at                      timestamptz NOT NULL DEFAULT now(),
    updated_at                      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (client_id, request_id)
);
CREATE INDEX instances_client_status ON instances (client_id, status);
CREATE INDEX instances_agent_status ON instances (agent_id, status);
-- In-flight ages for the "stuck" gauges.
CREATE INDEX instances_launching ON instances (launch_requested_at) WHERE status = 'launching';
CREATE INDEX instances_terminating ON instances (termination_requested_at) WHERE status = 'terminating';

-- Commands for agents. HTTP agents lease them through /pending-commands (a lease that expires
-- unacknowledged hands the command out again); Temporal agents get them on their task queue and the
-- row records what was dispatched.
CREATE TABLE commands (
    command_id          text PRIMARY KEY,
    agent_id            text        NOT NULL REFERENCES agents (agent_id),
    client_id           text        NOT NULL REFERENCES clients (client_id),
    instance_id         uuid        REFERENCES instances (instance_id),
    command_type        text        NOT NULL,
    priority            integer     NOT NULL CHECK (priority IN (100, 75, 50, 25, 10)),
    request_id          text        NOT NULL,
    metadata            jsonb       NOT NULL DEFAULT '{}',
    status              text        NOT NULL CHECK (status IN ('QUEUED', 'DELIVERED', 'DISPATCHED', 'COMPLETED', 'FAILED', 'CANCELLED')),
    attempts            integer     NOT NULL DEFAULT 0,
    lease_expires_at    timestamptz,
    result_message      text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    delivered_at        timestamptz,
    completed_at        timestamptz,
    UNIQUE (agent_id, command_type, request_id)
);
-- pending-commands: highest priority first, oldest first within one.
CREATE INDEX commands_pending ON commands (agent_id, priority DESC, created_at, command_id)
    WHERE status IN ('QUEUED', 'DELIVERED');

-- The outbox. (client_id, event_id) is the client's stream; event_id comes from clients.last_event_id.
CREATE TABLE events (
    client_id           text        NOT NULL REFERENCES clients (client_id),
    event_id            bigint      NOT NULL,
    event_type          text        NOT NULL,
    instance_id         uuid,
    data                jsonb       NOT NULL,
    occurred_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (client_id, event_id)
);
CREATE INDEX events_instance ON events (instance_id, client_id, event_id) WHERE instance_id IS NOT NULL;
CREATE INDEX events_occurred ON events (occurred_at);
