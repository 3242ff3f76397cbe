-- EC2 pacing and capacity fallback (docs/ARCHITECTURE.md, "EC2 rate limits and pacing").
-- launch_queued_reason: why the agent holds the launch (waiting for EC2's RunInstances budget), null once called.
-- launch_call_at: when the agent made its EC2 call; the 5-minute confirmation deadline runs from here.
-- launched_with: {"instance_type", "subnet_id"} of the attempt that ran (a launch may carry alternatives).
-- skipped_alternatives: [{"instance_type", "subnet_id", "reason"}] of the attempts EC2 refused for capacity.
ALTER TABLE instances
    ADD COLUMN launch_queued_reason text,
    ADD COLUMN launch_call_at       timestamptz,
    ADD COLUMN launched_with        jsonb,
    ADD COLUMN skipped_alternatives jsonb;
