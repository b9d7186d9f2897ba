package com.gitlab.ops.platform.inbox;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness is DOWN while a consumer waits out an outage, so that traffic goes elsewhere; liveness
 * stays UP, so that nothing restarts a service for a fault that is not its own.
 */
@Readiness
@ApplicationScoped
public class ConsumersReadiness implements HealthCheck {

    private final OutageTracker waits;

    public ConsumersReadiness(OutageTracker waits) {
        this.waits = waits;
    }

    @Override
    public HealthCheckResponse call() {
        return waits.health();
    }
}
