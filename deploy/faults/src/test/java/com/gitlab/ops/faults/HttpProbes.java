package com.gitlab.ops.faults;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads from every service through the flow, as users would, and counts 5xx answers: none is
 * acceptable, except a 503 (retry later) while the database is cut off, counted apart. A service
 * being restarted does not answer at all, which is not counted.
 */
final class HttpProbes {

    private final List<ServiceProcess> services;
    private final List<String> paths;
    private final AtomicBoolean inOutage;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong serverErrorsDuringOutage = new AtomicLong();
    private final AtomicLong whileStopping = new AtomicLong();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "http-probes");
        thread.setDaemon(true);
        return thread;
    });

    HttpProbes(Collection<ServiceProcess> services, List<String> paths, AtomicBoolean inOutage) {
        this.services = new ArrayList<>(services);
        this.paths = paths;
        this.inOutage = inOutage;
    }

    /** A round of reads every 200 ms, the pace of a user refreshing a page now and then. */
    void start() {
        scheduler.scheduleWithFixedDelay(this::probeOnce, 0, 200, TimeUnit.MILLISECONDS);
    }

    void stop() throws InterruptedException {
        scheduler.shutdown();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
    }

    long requests() {
        return requests.get();
    }

    long serverErrorsOutsideOutage() {
        return serverErrors.get();
    }

    /** 503 answers while the database was cut off: the service said to retry, as it should. */
    long serverErrorsDuringOutage() {
        return serverErrorsDuringOutage.get();
    }

    private void probeOnce() {
        for (int i = 0; i < services.size(); i++) {
            ServiceProcess service = services.get(i);
            boolean outage = inOutage.get();
            boolean stopping = service.stopping();
            int status = service.status(paths.get(i));
            if (status > 0) {
                requests.incrementAndGet();
            }
            if (status == 503 && (outage || inOutage.get())) {
                serverErrorsDuringOutage.incrementAndGet();
            } else if (status == 503 && (stopping || service.stopping())) {
                // A graceful stop refuses new requests while it drains; Kubernetes takes the pod out
                // of its Service first, so users do not see this.
                whileStopping.incrementAndGet();
            } else if (status >= 500) {
                serverErrors.incrementAndGet();
                System.out.println("[faults] " + status + " from " + service.id() + " for GET " + paths.get(i));
            }
        }
    }

    /** 503 answers from an instance being stopped gracefully. */
    long whileStopping() {
        return whileStopping.get();
    }
}
