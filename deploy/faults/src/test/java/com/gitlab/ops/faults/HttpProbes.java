package com.gitlab.ops.faults;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
    private final Thread thread = new Thread(this::run, "http-probes");
    private volatile boolean running = true;

    HttpProbes(Collection<ServiceProcess> services, List<String> paths, AtomicBoolean inOutage) {
        this.services = new ArrayList<>(services);
        this.paths = paths;
        this.inOutage = inOutage;
    }

    void start() {
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join(10_000);
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

    private void run() {
        while (running) {
            for (int i = 0; i < services.size(); i++) {
                boolean outage = inOutage.get();
                int status = services.get(i).status(paths.get(i));
                if (status > 0) {
                    requests.incrementAndGet();
                }
                if (status == 503 && (outage || inOutage.get())) {
                    serverErrorsDuringOutage.incrementAndGet();
                } else if (status >= 500) {
                    serverErrors.incrementAndGet();
                }
            }
            try {
                Thread.sleep(200); // the probes' pace, not a wait for a condition
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
