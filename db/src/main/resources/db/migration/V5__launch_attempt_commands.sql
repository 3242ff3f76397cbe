-- Capacity fallback for HTTP agents: each launch attempt after the first is a LAUNCH_INSTANCE command of its own
-- (command_id launch-<instance>-attempt-<n>) carrying the launch's request_id, so a command is identified by its
-- attempt too. Existing rows are attempt 0.
ALTER TABLE commands ADD COLUMN attempt integer NOT NULL DEFAULT 0 CHECK (attempt >= 0);
ALTER TABLE commands DROP CONSTRAINT commands_agent_id_command_type_request_id_key;
ALTER TABLE commands ADD CONSTRAINT commands_agent_id_command_type_request_id_attempt_key
    UNIQUE (agent_id, command_type, request_id, attempt);
-- Settling a launch closes whichever of its attempts' commands is open, found by instance.
CREATE INDEX commands_instance ON commands (instance_id) WHERE instance_id IS NOT NULL;
