package com.spotoptimizer.db.command;

import com.spotoptimizer.db.event.EventAppender;
import com.spotoptimizer.db.event.EventTypes;
import com.spotoptimizer.db.system.JsonText;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** An agent's report on a command: closes it and announces COMMAND_EXECUTED, in one transaction. */
@Component
public class CommandResults {

    private final CommandRepository commands;
    private final EventAppender events;
    private final TransactionalOperator tx;
    private final Clock clock;

    public CommandResults(CommandRepository commands, EventAppender events, TransactionalOperator tx, Clock clock) {
        this.commands = commands;
        this.events = events;
        this.tx = tx;
        this.clock = clock;
    }

    /** How a move (switch, maintenance, failover) ended, as its workflow recorded it. */
    public record MoveOutcome(String commandId, boolean succeeded, String reason, String newInstanceId,
                              String oldInstanceId) {
    }

    /**
     * Closes a move's command with its outcome and announces COMMAND_EXECUTED carrying it ({@code outcome}
     * {@code succeeded|failed}, {@code reason}, {@code new_instance_id}), in one transaction. True if this closed
     * it; a repeat (a retried activity) changes nothing and announces nothing.
     */
    public Mono<Boolean> recordMoveOutcome(MoveOutcome outcome) {
        Map<String, Object> recorded = new LinkedHashMap<>();
        recorded.put("outcome", outcome.succeeded() ? "succeeded" : "failed");
        recorded.put("reason", outcome.reason());
        recorded.put("new_instance_id", outcome.newInstanceId());
        recorded.put("old_instance_id", outcome.oldInstanceId());
        Mono<Boolean> work = commands.findById(outcome.commandId()).flatMap(command -> commands.closeWithOutcome(
                        command.commandId(), outcome.succeeded() ? "COMPLETED" : "FAILED", outcome.reason(),
                        JsonText.of(recorded), clock.instant())
                .flatMap(closed -> {
                    if (closed == 0) {
                        return Mono.just(false);
                    }
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("command_id", command.commandId());
                    data.put("agent_id", command.agentId());
                    data.put("command_type", command.commandType());
                    data.put("instance_id", command.instanceId() == null ? null : command.instanceId().toString());
                    data.put("request_id", command.requestId());
                    data.put("priority", command.priority());
                    data.put("success", outcome.succeeded());
                    data.put("message", outcome.reason());
                    data.putAll(recorded);
                    return events.append(command.clientId(), EventTypes.COMMAND_EXECUTED, command.instanceId(), data,
                            clock.instant()).thenReturn(true);
                }))
                .defaultIfEmpty(false);
        return tx.transactional(work);
    }

    /** True if this report closed the command; a repeated report changes nothing and announces nothing. */
    public Mono<Boolean> record(CommandRow command, boolean success, String message) {
        Mono<Boolean> work = commands.close(command.commandId(), success ? "COMPLETED" : "FAILED", message, clock.instant())
                .flatMap(closed -> {
                    if (closed == 0) {
                        return Mono.just(false);
                    }
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("command_id", command.commandId());
                    data.put("agent_id", command.agentId());
                    data.put("command_type", command.commandType());
                    data.put("instance_id", command.instanceId() == null ? null : command.instanceId().toString());
                    data.put("request_id", command.requestId());
                    data.put("success", success);
                    data.put("message", message);
                    return events.append(command.clientId(), EventTypes.COMMAND_EXECUTED, command.instanceId(), data,
                            clock.instant()).thenReturn(true);
                });
        return tx.transactional(work);
    }
}
