package com.spotoptimizer.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The control plane: REST + SSE API and the control-plane Temporal worker (workflows and lifecycle activities). */
@SpringBootApplication(scanBasePackages = {"com.spotoptimizer.api", "com.spotoptimizer.db"})
@ConfigurationPropertiesScan
public class ApiApplication {

    public static void main(String[] args) {
        SpringApplication.run(ApiApplication.class, args);
    }
}
