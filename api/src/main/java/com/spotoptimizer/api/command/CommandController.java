package com.spotoptimizer.api.command;

import com.spotoptimizer.api.auth.Caller;
import com.spotoptimizer.api.system.Problems;
import com.spotoptimizer.db.account.AccountRepository;
import com.spotoptimizer.db.command.CommandRepository;
import com.spotoptimizer.db.command.CommandRow;
import com.spotoptimizer.db.command.CommandType;
import com.spotoptimizer.db.instance.InstanceRepository;
import com.spotoptimizer.db.system.JsonText;
import jakarta.validation.Valid;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Switch and maintenance commands queued by a client (launch and terminate have their own endpoints). */
@RestController
public class CommandController {

    private final CommandRepository commands;
    private final AccountRepository accounts;
    private final InstanceRepository instances;
    private final Clock clock;

    public CommandController(CommandRepository commands, AccountRepository accounts, InstanceRepository instances, Clock clock) {
        this.commands = commands;
        this.accounts = accounts;
        this.instances = instances;
        this.clock = clock;
    }

    public record QueuedCommand(String commandId, String agentId, String commandType, int priority, String requestId,
                                String instanceId, Instant createdAt) {
    }

    @PostMapping(path = "/api/client/commands", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<QueuedCommand>> queue(@AuthenticationPrincipal OAuth2AuthenticatedPrincipal principal,
                                              @Valid @RequestBody QueueCommandRequest request) {
        Caller caller = Caller.of(principal);
        CommandType type = CommandType.parse(request.commandType()).orElseThrow();
        String requestId = request.requestId() != null ? request.requestId() : UUID.randomUUID().toString();
        String commandId = "cmd-" + UUID.nameUUIDFromBytes((request.agentId() + "/" + type + "/" + requestId).getBytes());
        Mono<Optional<UUID>> instanceId = request.instanceId() == null ? Mono.just(Optional.empty())
                : instances.findForClient(caller.clientId(), request.instanceId()).map(row -> Optional.of(row.instanceId()))
                        .switchIfEmpty(Mono.error(() -> Problems.notFound("instance " + request.instanceId())));
        return accounts.findAgent(request.agentId())
                .filter(agent -> agent.clientId().equals(caller.clientId()))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("agent " + request.agentId())))
                .then(instanceId)
                .flatMap(instance -> {
                    UUID target = instance.orElse(null);
                    Instant now = clock.instant();
                    CommandRow row = new CommandRow(commandId, request.agentId(), caller.clientId(), target, type.name(),
                            type.priority(), requestId, JsonText.of(request.metadata() == null ? Map.of() : request.metadata()),
                            "QUEUED", 0, null, now);
                    return commands.insert(row).then(commands.findForAgent(request.agentId(), commandId));
                })
                .map(c -> ResponseEntity.status(HttpStatus.ACCEPTED).body(new QueuedCommand(c.commandId(), c.agentId(),
                        c.commandType(), c.priority(), c.requestId(),
                        c.instanceId() == null ? null : c.instanceId().toString(), c.createdAt())));
    }
}
