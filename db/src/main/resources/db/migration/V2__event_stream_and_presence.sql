-- Single-use tickets that let a browser's EventSource open one stream without putting the long-lived
-- bearer token in a URL. Stored as SHA-256 digests; redeemed by one conditional UPDATE, so a ticket is
-- spent exactly once across every API replica.
CREATE TABLE event_tickets (
    ticket_sha256       bytea PRIMARY KEY,
    client_id           text        NOT NULL REFERENCES clients (client_id),
    expires_at          timestamptz NOT NULL,
    used_at             timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_tickets_expires ON event_tickets (expires_at);

-- Emergency notices an agent reported (spot interruption, rebalance recommendation). An agent repeats a
-- notice while it lasts (it polls instance metadata); the key makes the repeat announce nothing new.
-- notice_key is the notice's action time as text, or '' when the notice carries none.
CREATE TABLE agent_emergencies (
    agent_id            text        NOT NULL REFERENCES agents (agent_id),
    kind                text        NOT NULL CHECK (kind IN ('SPOT_INTERRUPTION', 'REBALANCE_RECOMMENDATION')),
    ec2_instance_id     text        NOT NULL,
    notice_key          text        NOT NULL,
    event_id            bigint      NOT NULL,
    received_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agent_id, kind, ec2_instance_id, notice_key)
);
CREATE INDEX agent_emergencies_received ON agent_emergencies (received_at);

-- The offline sweep looks for online agents whose last heartbeat is old.
CREATE INDEX agents_online_heartbeat ON agents (last_heartbeat_at) WHERE status = 'online';
