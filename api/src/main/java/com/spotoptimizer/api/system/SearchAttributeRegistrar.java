package com.spotoptimizer.api.system;

import com.spotoptimizer.workflows.system.SearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.spring.boot.autoconfigure.properties.TemporalProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Registers the lifecycle search attributes on the namespace before any workflow starts (starts
 * carrying unknown attributes are refused). Existing ones are left as they are.
 */
@Component
public class SearchAttributeRegistrar implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(SearchAttributeRegistrar.class);

    private final WorkflowServiceStubs service;
    private final String namespace;

    public SearchAttributeRegistrar(WorkflowServiceStubs service, TemporalProperties temporal) {
        this.service = service;
        this.namespace = temporal.getNamespace() != null ? temporal.getNamespace() : "default";
    }

    @Override
    public void afterSingletonsInstantiated() {
        Map<String, IndexedValueType> attributes = new LinkedHashMap<>();
        SearchAttributes.ALL.forEach(key -> attributes.put(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
        OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
                OperatorServiceStubsOptions.newBuilder().setChannel(service.getRawChannel()).validateAndBuildWithDefaults());
        try {
            for (var attribute : attributes.entrySet()) {
                try {
                    operator.blockingStub().addSearchAttributes(AddSearchAttributesRequest.newBuilder()
                            .setNamespace(namespace).putSearchAttributes(attribute.getKey(), attribute.getValue()).build());
                    log.info("Registered search attribute name={} namespace={}", attribute.getKey(), namespace);
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
                        log.warn("Search attribute not registered name={} status={}", attribute.getKey(), e.getStatus());
                    }
                }
            }
        } finally {
            operator.shutdown();
        }
    }
}
