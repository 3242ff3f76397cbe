package com.spotoptimizer.ec2sim;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * DescribeInstances filters: values of one filter are OR-ed, filters are AND-ed, values may use the
 * {@code *} and {@code ?} wildcards. An unknown filter name is an error, as in EC2, so a typo in a client
 * fails loudly instead of silently matching everything.
 */
final class InstanceFilters {

    private InstanceFilters() {
    }

    static Predicate<InstanceRecord> parse(List<QueryRequest> filters, Instant now) {
        Predicate<InstanceRecord> all = r -> true;
        for (QueryRequest filter : filters) {
            String name = filter.require("Name");
            List<Pattern> values = filter.list("Value").stream().map(InstanceFilters::wildcard).toList();
            all = all.and(one(name, values, now));
        }
        return all;
    }

    private static Predicate<InstanceRecord> one(String name, List<Pattern> values, Instant now) {
        if (name.startsWith("tag:")) {
            String key = name.substring("tag:".length());
            return r -> r.tags().containsKey(key) && anyMatch(values, r.tags().get(key));
        }
        if (name.equals("tag-key")) {
            return r -> r.tags().keySet().stream().anyMatch(k -> anyMatch(values, k));
        }
        if (name.equals("tag-value")) {
            return r -> r.tags().values().stream().anyMatch(v -> anyMatch(values, v));
        }
        Function<InstanceRecord, String> field = switch (name) {
            case "instance-state-name" -> r -> r.stateAt(now).wireName();
            case "instance-state-code" -> r -> Integer.toString(r.stateAt(now).code());
            case "instance-id" -> InstanceRecord::instanceId;
            case "instance-type" -> InstanceRecord::instanceType;
            case "image-id" -> InstanceRecord::imageId;
            case "client-token" -> InstanceRecord::clientToken;
            case "reservation-id" -> InstanceRecord::reservationId;
            case "subnet-id" -> InstanceRecord::subnetId;
            case "private-ip-address" -> InstanceRecord::privateIp;
            case "instance-lifecycle" -> r -> r.spot() ? "spot" : null;
            case "availability-zone" -> r -> Ec2Xml.AVAILABILITY_ZONE;
            case "vpc-id" -> r -> Ec2Xml.VPC_ID;
            default -> throw Ec2Error.invalidValue("The filter '" + name + "' is invalid");
        };
        return r -> anyMatch(values, field.apply(r));
    }

    private static boolean anyMatch(List<Pattern> values, String actual) {
        return actual != null && values.stream().anyMatch(p -> p.matcher(actual).matches());
    }

    /** EC2 wildcards: {@code *} any run, {@code ?} one character, backslash escapes either. */
    static Pattern wildcard(String value) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                regex.append(Pattern.quote(String.valueOf(value.charAt(++i))));
            } else if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
