package com.spotoptimizer.db.instance;

import static com.spotoptimizer.db.instance.InstanceStatus.LAUNCHING;
import static com.spotoptimizer.db.instance.InstanceStatus.LAUNCH_FAILED;
import static com.spotoptimizer.db.instance.InstanceStatus.LAUNCH_TIMED_OUT;
import static com.spotoptimizer.db.instance.InstanceStatus.PROMOTING;
import static com.spotoptimizer.db.instance.InstanceStatus.RUNNING_PRIMARY;
import static com.spotoptimizer.db.instance.InstanceStatus.RUNNING_REPLICA;
import static com.spotoptimizer.db.instance.InstanceStatus.TERMINATED;
import static com.spotoptimizer.db.instance.InstanceStatus.TERMINATING;
import static com.spotoptimizer.db.instance.InstanceStatus.TERMINATION_FAILED;
import static com.spotoptimizer.db.instance.InstanceStatus.TERMINATION_TIMED_OUT;

import com.spotoptimizer.db.command.CommandRepository;
import com.spotoptimizer.db.command.CommandRow;
import com.spotoptimizer.db.command.CommandType;
import com.spotoptimizer.db.event.EventAppender;
import com.spotoptimizer.db.event.EventTypes;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import com.spotoptimizer.db.system.JsonText;
import java.util.function.Function;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Every instance state change. Each method is one transaction: the version-checked row update, the
 * command it queues or closes, and its event row (the outbox). Each is idempotent: a transition that
 * already happened returns the row with {@code changed = false} and writes nothing.
 */
@Component
public class InstanceTransitions {

    private static final int OPTIMISTIC_RETRIES = 5;
    /** A change of a detail that no subscriber needs at once: the row is written, no event. */
    private static final String NO_EVENT = "";

    private final InstanceRepository instances;
    private final CommandRepository commands;
    private final EventAppender events;
    private final TransactionalOperator tx;
    private final Clock clock;

    public InstanceTransitions(InstanceRepository instances, CommandRepository commands, EventAppender events,
                               TransactionalOperator tx, Clock clock) {
        this.instances = instances;
        this.commands = commands;
        this.events = events;
        this.tx = tx;
        this.clock = clock;
    }

    public static String launchCommandId(UUID instanceId) {
        return "launch-" + instanceId;
    }

    /** The LAUNCH_INSTANCE command of attempt {@code attempt} (> 0) of a launch that fell back to an alternative. */
    public static String launchAttemptCommandId(UUID instanceId, int attempt) {
        return launchCommandId(instanceId) + "-attempt-" + attempt;
    }

    public static String terminateCommandId(UUID instanceId, String terminationRequestId) {
        return "terminate-" + instanceId + "-" + terminationRequestId;
    }

    /** new → launching, with its LAUNCH_INSTANCE command and INSTANCE_LAUNCHING. */
    public Mono<TransitionResult> launchRequested(NewLaunch launch) {
        InstanceRow draft = new InstanceRow(launch.instanceId(), launch.clientId(), launch.agentId(), null,
                launch.instanceType(), launch.role(), LAUNCHING, null, launch.requestId(), launch.requestFingerprint(),
                null, launch.metadataJson(), launch.requestedAt(), null, null, null, null, null, 0, null, null);
        CommandRow command = new CommandRow(launchCommandId(launch.instanceId()), launch.agentId(), launch.clientId(),
                launch.instanceId(), CommandType.LAUNCH_INSTANCE.name(), priorityOr(launch.priority(), CommandType.LAUNCH_INSTANCE),
                launch.requestId(), launch.commandMetadataJson(), launch.dispatchedViaTemporal() ? "DISPATCHED" : "QUEUED",
                0, null, launch.requestedAt());
        Mono<TransitionResult> work = instances.insertLaunching(draft, launch.replicaOf())
                .flatMap(created -> commands.insert(command)
                        .then(announce(created, null))
                        .thenReturn(new TransitionResult(created, true)))
                .switchIfEmpty(Mono.defer(() -> instances.findByRequest(launch.clientId(), launch.requestId())
                        .map(existing -> new TransitionResult(existing, false))));
        return tx.transactional(work);
    }

    /**
     * launching → running_*. On a row already terminating or timed out, the EC2 id is attached without a
     * status change, so the termination that follows can target it.
     */
    public Mono<TransitionResult> launchConfirmed(UUID instanceId, String ec2InstanceId, Instant confirmedAt) {
        return applyWithEc2Id(instanceId, ec2InstanceId, row -> {
            if (row.ec2InstanceId() != null && !row.ec2InstanceId().equals(ec2InstanceId)) {
                throw new ConfirmationConflictException("instance " + instanceId + " was confirmed as "
                        + row.ec2InstanceId() + ", not " + ec2InstanceId, row.ec2InstanceId());
            }
            if (row.status() == LAUNCHING) {
                InstanceRow next = row.withLaunchConfirmed(ec2InstanceId, confirmedAt)
                        .withStatus(InstanceStatus.running(row.role()), null);
                return new Change(next, null, closeLaunchCommand(row, "COMPLETED", "running " + ec2InstanceId));
            }
            boolean awaitingId = row.ec2InstanceId() == null
                    && (row.status() == TERMINATING || row.status() == LAUNCH_TIMED_OUT || row.status() == LAUNCH_FAILED);
            if (awaitingId) {
                return new Change(row.withLaunchConfirmed(ec2InstanceId, confirmedAt),
                        "launch confirmed late as " + ec2InstanceId,
                        closeLaunchCommand(row, "COMPLETED", "running " + ec2InstanceId));
            }
            return null;
        });
    }

    /**
     * Still launching; the agent waits for its EC2 turn. Writes the reason and an INSTANCE_LAUNCH_QUEUED event only
     * when the reason changed (the agent reports coarse reasons, so a launch writes this a few times, not per poll),
     * and never after the call was made.
     */
    public Mono<TransitionResult> launchQueued(UUID instanceId, String reason) {
        return apply(instanceId, row -> row.status() != LAUNCHING || row.pacing().launchCallAt() != null
                || reason == null || reason.equals(row.pacing().launchQueuedReason()) ? null
                : new Change(row.withPacing(row.pacing().withQueuedReason(reason)), reason, noCommand(),
                        EventTypes.INSTANCE_LAUNCH_QUEUED));
    }

    /**
     * Still launching; the agent made its EC2 call at {@code callAt} (recorded once). A launch that was shown queued
     * gets an INSTANCE_LAUNCH_CALL_MADE event (its queued reason is cleared); one that never waited gets none, so the
     * common launch keeps its two events (the running event carries {@code launch_call_at}).
     */
    public Mono<TransitionResult> launchCallMade(UUID instanceId, Instant callAt) {
        return apply(instanceId, row -> row.status() != LAUNCHING || row.pacing().launchCallAt() != null ? null
                : new Change(row.withPacing(row.pacing().withCallAt(callAt)), null, noCommand(),
                        row.pacing().launchQueuedReason() != null ? EventTypes.INSTANCE_LAUNCH_CALL_MADE : NO_EVENT));
    }

    /**
     * Still launching; a launch with alternatives starts attempt {@code attempt}: {@code instance_type} becomes the
     * attempt's, {@code launched_with} names it (null once every attempt was refused) and {@code skipped_alternatives}
     * lists the refused ones with EC2's reasons. From the second attempt on, an INSTANCE_LAUNCH_ATTEMPT event says which
     * alternative runs now and why the one before was skipped. Repeating an attempt changes nothing. For an HTTP agent's
     * attempt after the first, {@code command} (else null) is the attempt's own LAUNCH_INSTANCE command: the earlier
     * attempt's is closed and this one queued, in the same transaction, so the agent is never handed both.
     */
    public Mono<TransitionResult> launchAttempt(UUID instanceId, int attempt, LaunchedWith with,
                                                List<SkippedAlternative> skipped, AttemptCommand command) {
        String withJson = with == null ? null : JsonText.of(with);
        String skippedJson = JsonText.of(skipped);
        return apply(instanceId, row -> {
            if (row.status() != LAUNCHING || (Objects.equals(withJson, row.pacing().launchedWithJson())
                    && Objects.equals(skippedJson, row.pacing().skippedAlternativesJson()))) {
                return null;
            }
            LaunchPacing pacing = new LaunchPacing(null, null, withJson, skippedJson);
            InstanceRow next = row.withPacing(pacing);
            if (with != null) {
                next = next.withInstanceType(with.instanceType());
            }
            String reason = skipped.isEmpty() ? null : describe(skipped.get(skipped.size() - 1))
                    + (with == null ? "; no alternative left" : "; trying " + with.instanceType()
                    + (with.subnetId() == null ? "" : " in " + with.subnetId()));
            return new Change(next, reason, command == null ? noCommand() : queueAttempt(attempt, command),
                    attempt == 0 ? NO_EVENT : EventTypes.INSTANCE_LAUNCH_ATTEMPT);
        });
    }

    private Function<InstanceRow, Mono<?>> queueAttempt(int attempt, AttemptCommand command) {
        return row -> commands.closeOpenLaunches(row.instanceId(), "FAILED", "superseded by attempt " + attempt,
                        clock.instant())
                .then(commands.insert(new CommandRow(launchAttemptCommandId(row.instanceId(), attempt), row.agentId(),
                        row.clientId(), row.instanceId(), CommandType.LAUNCH_INSTANCE.name(),
                        priorityOr(command.priority(), CommandType.LAUNCH_INSTANCE), row.requestId(),
                        command.metadata().apply(row), "QUEUED", 0, null, clock.instant()), attempt));
    }

    private static String describe(SkippedAlternative s) {
        return s.instanceType() + (s.subnetId() == null ? "" : " in " + s.subnetId()) + " refused: " + s.reason();
    }

    public Mono<TransitionResult> launchFailed(UUID instanceId, String reason) {
        return settleLaunch(instanceId, LAUNCH_FAILED, reason, "FAILED");
    }

    public Mono<TransitionResult> launchTimedOut(UUID instanceId, String reason) {
        // Cancelled, so an HTTP agent that polls late never starts a launch we have given up on.
        return settleLaunch(instanceId, LAUNCH_TIMED_OUT, reason, "CANCELLED");
    }

    /** launching → terminating while the launch is unsettled: no command yet, the launch workflow queues it later. */
    public Mono<TransitionResult> terminationRequestedWhileLaunching(UUID instanceId, String requestId, String reason,
                                                                     Instant requestedAt) {
        return apply(instanceId, row -> {
            if (row.status() != LAUNCHING) {
                return null;
            }
            return new Change(row.withTerminationRequested(requestId, requestedAt).withStatus(TERMINATING, null),
                    reason, noCommand());
        });
    }

    /**
     * running, failed or timed out → terminating, queueing TERMINATE_INSTANCE (its metadata computed
     * from the row, which knows the EC2 id). On a row already terminating it makes sure the command
     * exists (the hand-over from a launch that was terminated).
     */
    public Mono<TransitionResult> terminationRequested(UUID instanceId, String requestId, String reason, Instant requestedAt,
                                                       Function<InstanceRow, String> commandMetadata,
                                                       boolean dispatchedViaTemporal, int priority) {
        Function<InstanceRow, Mono<?>> queue = row -> commands.insert(new CommandRow(
                terminateCommandId(row.instanceId(), row.terminationRequestId()), row.agentId(), row.clientId(),
                row.instanceId(), CommandType.TERMINATE_INSTANCE.name(), priorityOr(priority, CommandType.TERMINATE_INSTANCE),
                row.terminationRequestId(), commandMetadata.apply(row), dispatchedViaTemporal ? "DISPATCHED" : "QUEUED", 0, null,
                clock.instant()));
        return tx.transactional(findOrFail(instanceId).flatMap(row -> {
            if (row.status() == TERMINATED) {
                return Mono.just(new TransitionResult(row, false));
            }
            if (row.status() == TERMINATING) {
                return queue.apply(row).thenReturn(new TransitionResult(row, false));
            }
            return apply(instanceId, current -> {
                if (!current.status().canMoveTo(TERMINATING)) {
                    throw new TransitionNotAllowedException(current.status(), "terminate");
                }
                return new Change(current.withTerminationRequested(requestId, requestedAt).withStatus(TERMINATING, null),
                        reason, queue);
            });
        }));
    }

    /**
     * terminating → terminated. A confirmation naming another EC2 id than the recorded one is refused
     * ({@link ConfirmationConflictException}), as is one naming an EC2 id of another row.
     */
    public Mono<TransitionResult> terminated(UUID instanceId, String ec2InstanceId, Instant confirmedAt) {
        return applyWithEc2Id(instanceId, ec2InstanceId, row -> {
            if (row.ec2InstanceId() != null && ec2InstanceId != null && !row.ec2InstanceId().equals(ec2InstanceId)) {
                throw new ConfirmationConflictException("instance " + instanceId + " is " + row.ec2InstanceId()
                        + ", not " + ec2InstanceId, row.ec2InstanceId());
            }
            return row.status() != TERMINATING ? null : new Change(
                    row.withTerminationConfirmed(ec2InstanceId, confirmedAt).withStatus(TERMINATED, null), null,
                    closeTerminateCommand(row, "COMPLETED", "terminated"));
        });
    }

    /**
     * EC2 reports the instance ended without a termination of ours (spot reclaim, console, another tool):
     * a settled row becomes {@code terminated} with the reason. A row being launched or terminated is left to
     * its workflow, which learns the same from the agent.
     */
    public Mono<TransitionResult> endedOutside(UUID instanceId, String reason, Instant endedAt) {
        return apply(instanceId, row -> !row.status().endsOnGroundTruth() ? null : new Change(
                row.withTerminationConfirmed(null, endedAt).withStatus(TERMINATED, reason), reason,
                updated -> commands.closeOpenForInstance(row.instanceId(), "CANCELLED",
                        "instance ended outside the control plane: " + reason, clock.instant())));
    }

    public Mono<TransitionResult> terminationFailed(UUID instanceId, String reason) {
        return apply(instanceId, row -> row.status() != TERMINATING ? null : new Change(
                row.withStatus(TERMINATION_FAILED, reason), reason, closeTerminateCommand(row, "FAILED", reason)));
    }

    public Mono<TransitionResult> terminationTimedOut(UUID instanceId, String reason) {
        return apply(instanceId, row -> row.status() != TERMINATING ? null : new Change(
                row.withStatus(TERMINATION_TIMED_OUT, reason), reason, closeTerminateCommand(row, "CANCELLED", reason)));
    }

    /**
     * running_replica → promoting (INSTANCE_PROMOTING). Already promoting: unchanged (a retried step). Anything
     * else, a primary included, is not promotable: a move that finds its replica promoted already skips this step.
     */
    public Mono<TransitionResult> promotionRequested(UUID instanceId, String reason) {
        return apply(instanceId, row -> {
            if (row.status() == PROMOTING) {
                return null;
            }
            if (row.status() != RUNNING_REPLICA) {
                throw new TransitionNotAllowedException(row.status(), "promote");
            }
            return new Change(row.withStatus(PROMOTING, null), reason, noCommand(), null);
        });
    }

    /**
     * promoting → running_primary (INSTANCE_PROMOTED): the role becomes primary and the row stands in for nobody.
     * A row EC2 ended meanwhile (terminated by ground truth) is returned unchanged: the promotion failed.
     */
    public Mono<TransitionResult> promoted(UUID instanceId, String reason) {
        return apply(instanceId, row -> row.status() != PROMOTING ? null : new Change(
                row.withStatus(RUNNING_PRIMARY, null).withRole("primary"), reason,
                updated -> instances.setReplicaOf(instanceId, null), EventTypes.INSTANCE_PROMOTED));
    }

    /** promoting → running_replica: the promotion failed before the old primary was touched. */
    public Mono<TransitionResult> promotionAbandoned(UUID instanceId, String reason) {
        return apply(instanceId, row -> row.status() != PROMOTING ? null
                : new Change(row.withStatus(RUNNING_REPLICA, null), reason, noCommand(), null));
    }

    /**
     * running_primary → running_replica (INSTANCE_DEMOTED), standing in for {@code newPrimary} from now on.
     * Anything else (already a replica, ended, being terminated) is returned unchanged.
     */
    public Mono<TransitionResult> demoted(UUID instanceId, UUID newPrimary, String reason) {
        return apply(instanceId, row -> row.status() != RUNNING_PRIMARY ? null : new Change(
                row.withStatus(RUNNING_REPLICA, null).withRole("replica"), reason,
                updated -> instances.setReplicaOf(instanceId, newPrimary), EventTypes.INSTANCE_DEMOTED));
    }

    private static int priorityOr(int priority, CommandType type) {
        return priority <= 0 ? type.priority() : priority;
    }

    private Mono<TransitionResult> settleLaunch(UUID instanceId, InstanceStatus target, String reason, String commandStatus) {
        return apply(instanceId, row -> row.status() != LAUNCHING ? null
                : new Change(row.withStatus(target, reason), reason, closeLaunchCommand(row, commandStatus, reason)));
    }

    /**
     * What a transition writes besides the row: the event's reason, the command work, and the event type (null: the
     * one the new status announces; a change that keeps the status names its own).
     */
    private record Change(InstanceRow next, String reason, Function<InstanceRow, Mono<?>> commandWork, String eventType) {
        Change(InstanceRow next, String reason, Function<InstanceRow, Mono<?>> commandWork) {
            this(next, reason, commandWork, null);
        }
    }

    /**
     * Reads the row, lets {@code decide} pick the change (null = already done), writes it if the
     * version still matches, and retries from a fresh read when a concurrent writer won.
     */
    private Mono<TransitionResult> apply(UUID instanceId, Function<InstanceRow, Change> decide) {
        Mono<TransitionResult> attempt = findOrFail(instanceId).flatMap(current -> {
            Change change = decide.apply(current);
            if (change == null) {
                return Mono.just(new TransitionResult(current, false));
            }
            return instances.updateIfVersion(change.next(), clock.instant())
                    .switchIfEmpty(Mono.error(() -> new OptimisticLockingFailureException(
                            "instance " + instanceId + " changed concurrently")))
                    .flatMap(updated -> change.commandWork().apply(updated)
                            .then(announce(updated, change.reason(), change.eventType()))
                            .thenReturn(new TransitionResult(updated, true)));
        });
        return tx.transactional(attempt)
                .retryWhen(Retry.max(OPTIMISTIC_RETRIES).filter(OptimisticLockingFailureException.class::isInstance));
    }

    /**
     * {@link #apply} for a transition that writes an EC2 id: an id that belongs to another row is refused,
     * also when two transactions race to claim it (the unique index decides).
     */
    private Mono<TransitionResult> applyWithEc2Id(UUID instanceId, String ec2InstanceId,
                                                  Function<InstanceRow, Change> decide) {
        Mono<Void> unclaimed = ec2InstanceId == null ? Mono.empty() : instances.findByEc2Id(ec2InstanceId)
                .filter(holder -> !holder.instanceId().equals(instanceId))
                .flatMap(holder -> Mono.<Void>error(new ConfirmationConflictException(ec2InstanceId
                        + " belongs to instance " + holder.instanceId(), null)));
        return unclaimed.then(apply(instanceId, decide))
                .onErrorMap(DuplicateKeyException.class, e -> new ConfirmationConflictException(ec2InstanceId
                        + " was just claimed by another instance", null));
    }

    private Mono<InstanceRow> findOrFail(UUID instanceId) {
        return instances.findById(instanceId)
                .switchIfEmpty(Mono.error(() -> new NoSuchInstanceException(instanceId)));
    }

    private Mono<Void> announce(InstanceRow row, String reason) {
        return announce(row, reason, null);
    }

    private Mono<Void> announce(InstanceRow row, String reason, String eventType) {
        if (NO_EVENT.equals(eventType)) {
            return Mono.empty();
        }
        return events.append(row.clientId(), eventType != null ? eventType : InstanceEvents.typeFor(row.status()),
                row.instanceId(),
                InstanceEvents.data(row, reason), clock.instant()).then();
    }

    private Function<InstanceRow, Mono<?>> closeLaunchCommand(InstanceRow row, String status, String message) {
        return updated -> commands.closeOpenLaunches(row.instanceId(), status, message, clock.instant());
    }

    private Function<InstanceRow, Mono<?>> closeTerminateCommand(InstanceRow row, String status, String message) {
        return updated -> row.terminationRequestId() == null ? Mono.empty()
                : commands.close(terminateCommandId(row.instanceId(), row.terminationRequestId()), status, message,
                        clock.instant());
    }

    private static Function<InstanceRow, Mono<?>> noCommand() {
        return updated -> Mono.empty();
    }
}
