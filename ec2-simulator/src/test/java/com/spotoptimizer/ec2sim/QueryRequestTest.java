package com.spotoptimizer.ec2sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class QueryRequestTest {

    @Test
    void foldsIndexedListsAndStructuresInIndexOrder() {
        QueryRequest request = QueryRequest.parseForm("Action=DescribeInstances&InstanceId.10=i-b&InstanceId.2=i-a"
                + "&Filter.2.Name=tag%3Ateam&Filter.2.Value.1=a%20b&Filter.1.Name=instance-state-name"
                + "&Filter.1.Value.2=running&Filter.1.Value.1=pending");

        assertThat(request.list("InstanceId")).containsExactly("i-a", "i-b");
        List<QueryRequest> filters = request.members("Filter");
        assertThat(filters).extracting(f -> f.get("Name")).containsExactly("instance-state-name", "tag:team");
        assertThat(filters.get(0).list("Value")).containsExactly("pending", "running");
        assertThat(filters.get(1).list("Value")).containsExactly("a b");
    }

    @Test
    void fingerprintIgnoresEnvelopeTokenAndOrder() {
        QueryRequest a = QueryRequest.parseForm("Action=RunInstances&Version=1&ClientToken=x&ImageId=ami-1&MaxCount=1");
        QueryRequest b = QueryRequest.parseForm("MaxCount=1&ImageId=ami-1&ClientToken=y&Action=RunInstances");

        assertThat(a.fingerprint()).isEqualTo(b.fingerprint());
    }

    @Test
    void wildcardsMatchLikeEc2Filters() {
        assertThat(InstanceFilters.wildcard("web-*").matcher("web-1").matches()).isTrue();
        assertThat(InstanceFilters.wildcard("web-?").matcher("web-12").matches()).isFalse();
        assertThat(InstanceFilters.wildcard("a\\*").matcher("a*").matches()).isTrue();
        assertThat(InstanceFilters.wildcard("a.b").matcher("axb").matches()).isFalse();
    }

    @Test
    void jsonReadsFlatObjectsAndWritesNestedValues() {
        assertThat(Json.readFlatObject(" {\"a\": 1, \"b\": \"x\\\"y\", \"c\": null, \"d\": true} "))
                .containsEntry("a", "1").containsEntry("b", "x\"y").containsEntry("c", null).containsEntry("d", "true");
        assertThat(Json.write(java.util.Map.of("k", List.of(1, "two")))).isEqualTo("{\"k\":[1,\"two\"]}");
    }
}
