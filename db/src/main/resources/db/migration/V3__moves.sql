-- The optimizer's moves: promotion, switches, maintenance and interruption failover.

-- Which primary a replica stands in for. Set when a replica is launched for a primary (a switch's or a
-- failover's replacement, or a launch whose metadata names "replica_of"); a promotion clears it on the new
-- primary and points a demoted primary at the new one. A replica without it stands in for its client's oldest
-- running primary on the same agent (see InstanceRepository.findPrimaryFor).
ALTER TABLE instances ADD COLUMN replica_of uuid;
CREATE INDEX instances_replica_of ON instances (replica_of) WHERE replica_of IS NOT NULL;

-- A scheduled command is not handed to an agent before not_before. The outcome of a move (succeeded or failed,
-- the reason, the new instance) is recorded on its command row by the move's workflow.
ALTER TABLE commands ADD COLUMN not_before timestamptz;
ALTER TABLE commands ADD COLUMN outcome jsonb;
