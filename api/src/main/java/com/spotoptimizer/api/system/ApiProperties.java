package com.spotoptimizer.api.system;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * HTTP settings ({@code spot.api.*}).
 *
 * @param maxBodyBytes largest request body accepted (413 above)
 */
@ConfigurationProperties("spot.api")
public record ApiProperties(Integer maxBodyBytes) {

    public ApiProperties {
        maxBodyBytes = maxBodyBytes != null ? maxBodyBytes : 64 * 1024;
    }
}
