package com.spotoptimizer.ec2sim;

import com.spotoptimizer.ec2sim.Ec2SimulatorConfig.Timing;
import com.spotoptimizer.ec2sim.InstanceStore.LaunchResult;
import com.spotoptimizer.ec2sim.InstanceStore.LaunchSpec;
import com.spotoptimizer.ec2sim.InstanceStore.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The EC2 actions the simulator implements; each turns a parsed request into response XML or an Ec2Error. */
final class Ec2Actions {

    private static final Pattern INSTANCE_ID = Pattern.compile("i-([0-9a-f]{8}|[0-9a-f]{17})");
    private static final int MAX_CLIENT_TOKEN_LENGTH = 64;
    private static final int MAX_LAUNCH_COUNT = 1000;

    private final InstanceStore store;
    private final Ec2Faults faults;
    private final Clock clock;

    Ec2Actions(InstanceStore store, Ec2Faults faults, Clock clock) {
        this.store = store;
        this.faults = faults;
        this.clock = clock;
    }

    String handle(QueryRequest request, String requestId) {
        String action = request.action();
        if (action == null) {
            throw new Ec2Error("MissingAction", "The request must contain the parameter Action");
        }
        return switch (action) {
            case "RunInstances" -> runInstances(request, requestId);
            case "DescribeInstances" -> describeInstances(request, requestId);
            case "TerminateInstances" -> terminateInstances(request, requestId);
            case "CreateTags" -> createTags(request, requestId);
            default -> throw new Ec2Error("InvalidAction",
                    "The action " + action + " is not valid for this web service.");
        };
    }

    private String runInstances(QueryRequest request, String requestId) {
        String imageId = request.require("ImageId");
        String instanceType = request.get("InstanceType") == null ? "m1.small" : request.get("InstanceType");
        int min = requireCount(request, "MinCount");
        int max = requireCount(request, "MaxCount");
        if (min > max) {
            throw Ec2Error.invalidValue("MinCount (" + min + ") must not be greater than MaxCount (" + max + ")");
        }
        String token = request.get("ClientToken");
        if (token != null && token.length() > MAX_CLIENT_TOKEN_LENGTH) {
            throw Ec2Error.invalidValue("Value (" + token + ") for parameter clientToken is invalid. "
                    + "Length exceeds maximum of " + MAX_CLIENT_TOKEN_LENGTH);
        }
        boolean spot = "spot".equals(request.get("InstanceMarketOptions.MarketType"));
        dryRun(request);
        LaunchSpec spec = new LaunchSpec(imageId, instanceType, max, token, request.get("SubnetId"), spot,
                instanceTags(request), request.fingerprint());
        // Stored at EC2's wire precision, so ground truth and the SDK's launchTime compare equal.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        // Capacity is all-or-nothing here: MaxCount instances launch, or none.
        LaunchResult result = store.launch(spec, now, faults.timing(),
                () -> faults.beforeLaunch(imageId, instanceType, spec.subnetId()));
        Ec2Xml xml = Ec2Xml.response("RunInstances", requestId)
                .leaf("reservationId", result.reservationId()).leaf("ownerId", Ec2Xml.OWNER_ID).empty("groupSet")
                .open("instancesSet");
        result.instances().forEach(r -> xml.instance(r, now));
        return xml.close("instancesSet").finish("RunInstances");
    }

    private String describeInstances(QueryRequest request, String requestId) {
        List<String> ids = instanceIds(request, false);
        Integer maxResults = request.integer("MaxResults");
        if (maxResults != null && !ids.isEmpty()) {
            throw new Ec2Error("InvalidParameterCombination",
                    "The parameter instancesSet cannot be used with the parameter maxResults");
        }
        if (maxResults != null && (maxResults < 5 || maxResults > 1000)) {
            throw Ec2Error.invalidValue("Value ( " + maxResults + " ) for parameter maxResults is invalid. "
                    + "Expecting a value between 5 and 1000.");
        }
        Instant now = clock.instant();
        Timing timing = faults.timing();
        Predicate<InstanceRecord> filter = InstanceFilters.parse(request.members("Filter"), now);
        dryRun(request);
        List<InstanceRecord> candidates = store.all().stream()
                .filter(r -> InstanceStore.isDescribable(r, now, timing)).toList();
        if (!ids.isEmpty()) {
            Map<String, InstanceRecord> byId = new LinkedHashMap<>();
            candidates.forEach(r -> byId.put(r.instanceId(), r));
            List<String> missing = ids.stream().filter(id -> !byId.containsKey(id)).toList();
            if (!missing.isEmpty()) {
                throw Ec2Error.notFound(missing);
            }
            candidates = ids.stream().map(byId::get).toList();
        }
        String after = decodeToken(request.get("NextToken"));
        List<InstanceRecord> matches = candidates.stream().filter(filter)
                .filter(r -> after == null || r.instanceId().compareTo(after) > 0)
                .sorted(Comparator.comparing(InstanceRecord::instanceId)).toList();
        // Pages are cut by instance id, so instances changing state between pages never shift the cursor.
        List<InstanceRecord> page = maxResults == null || matches.size() <= maxResults
                ? matches : matches.subList(0, maxResults);
        Map<String, List<InstanceRecord>> reservations = new LinkedHashMap<>();
        page.forEach(r -> reservations.computeIfAbsent(r.reservationId(), k -> new ArrayList<>()).add(r));

        Ec2Xml xml = Ec2Xml.response("DescribeInstances", requestId).open("reservationSet");
        reservations.forEach((reservationId, instances) -> {
            xml.open("item").leaf("reservationId", reservationId).leaf("ownerId", Ec2Xml.OWNER_ID)
                    .empty("groupSet").open("instancesSet");
            instances.forEach(r -> xml.instance(r, now));
            xml.close("instancesSet").close("item");
        });
        xml.close("reservationSet");
        if (page.size() < matches.size()) {
            xml.leaf("nextToken", encodeToken(page.get(page.size() - 1).instanceId()));
        }
        return xml.finish("DescribeInstances");
    }

    private String terminateInstances(QueryRequest request, String requestId) {
        List<String> ids = instanceIds(request, true);
        dryRun(request);
        List<Transition> transitions = store.terminate(ids,
                clock.instant().truncatedTo(ChronoUnit.MILLIS), faults.timing());
        Ec2Xml xml = Ec2Xml.response("TerminateInstances", requestId).open("instancesSet");
        for (Transition t : transitions) {
            xml.open("item").leaf("instanceId", t.instance().instanceId()).state("currentState", t.current())
                    .state("previousState", t.previous()).close("item");
        }
        return xml.close("instancesSet").finish("TerminateInstances");
    }

    private String createTags(QueryRequest request, String requestId) {
        List<String> resources = request.list("ResourceId");
        if (resources.isEmpty()) {
            throw Ec2Error.missing("ResourceId");
        }
        Map<String, String> tags = tags(request.members("Tag"));
        if (tags.isEmpty()) {
            throw Ec2Error.missing("Tag");
        }
        dryRun(request);
        // Only instances are modelled; tags on other resource types are accepted and forgotten.
        List<String> instanceIds = resources.stream().filter(id -> id.startsWith("i-")).toList();
        store.createTags(instanceIds, tags, clock.instant(), faults.timing());
        return Ec2Xml.response("CreateTags", requestId).leaf("return", true).finish("CreateTags");
    }

    private static List<String> instanceIds(QueryRequest request, boolean required) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(request.list("InstanceId")));
        if (required && ids.isEmpty()) {
            throw Ec2Error.missing("InstanceId");
        }
        for (String id : ids) {
            if (!INSTANCE_ID.matcher(id).matches()) {
                throw new Ec2Error("InvalidInstanceID.Malformed", "Invalid id: \"" + id + "\"");
            }
        }
        return ids;
    }

    private static Map<String, String> instanceTags(QueryRequest request) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (QueryRequest spec : request.members("TagSpecification")) {
            if ("instance".equals(spec.get("ResourceType"))) {
                tags.putAll(tags(spec.members("Tag")));
            }
        }
        return tags;
    }

    private static Map<String, String> tags(List<QueryRequest> members) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (QueryRequest tag : members) {
            String key = tag.require("Key");
            if (key.startsWith("aws:")) {
                throw Ec2Error.invalidValue("Tag keys starting with 'aws:' are reserved for internal use");
            }
            String value = tag.asMap().get("Value");
            tags.put(key, value == null ? "" : value);
        }
        return tags;
    }

    private static int requireCount(QueryRequest request, String name) {
        Integer count = request.integer(name);
        if (count == null) {
            throw Ec2Error.missing(name);
        }
        if (count < 1 || count > MAX_LAUNCH_COUNT) {
            throw Ec2Error.invalidValue("Value (" + count + ") for parameter " + name + " is invalid.");
        }
        return count;
    }

    private static void dryRun(QueryRequest request) {
        if ("true".equalsIgnoreCase(request.get("DryRun"))) {
            throw new Ec2Error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.");
        }
    }

    private static String encodeToken(String lastInstanceId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastInstanceId.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToken(String token) {
        if (token == null) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Ec2Error("InvalidParameterValue", "Invalid NextToken: " + token);
        }
    }
}
