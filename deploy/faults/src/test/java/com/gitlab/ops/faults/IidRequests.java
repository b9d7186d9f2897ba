package com.gitlab.ops.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Users creating issues while imports run: IIDs asked of every import-service instance in turn, from
 * several threads at once, for a few projects, through kills, restarts and outages. Every number
 * answered is kept, so that one handed out twice shows. A request that gets no answer (an instance
 * being killed, a 503 during the outage) is retried by nobody; only gaps can follow from it.
 */
final class IidRequests {

    static final List<Long> PROJECTS = List.of(1L, 2L, 3L, 4L, 5L);
    private static final int THREADS = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<ServiceProcess> instances;
    private final Map<Long, Map<Long, Integer>> handedOut = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> perInstance = new ConcurrentHashMap<>();
    private final AtomicLong unanswered = new AtomicLong();
    private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(THREADS);

    IidRequests(List<ServiceProcess> instances) {
        this.instances = instances;
        PROJECTS.forEach(project -> handedOut.put(project, new ConcurrentHashMap<>()));
        instances.forEach(instance -> perInstance.put(instance.id(), new AtomicLong()));
    }

    /** About 10 requests a second in all, each user's 200 ms after their last answer: a busy project's users, not a load test. */
    void start() {
        for (int t = 0; t < THREADS; t++) {
            AtomicLong n = new AtomicLong(t);
            threads.scheduleWithFixedDelay(() -> {
                long next = n.getAndAdd(THREADS);
                ask(instances.get((int) (next % instances.size())), PROJECTS.get((int) (next % PROJECTS.size())));
            }, 0, 200, TimeUnit.MILLISECONDS);
        }
    }

    void stop() throws InterruptedException {
        threads.shutdown();
        threads.awaitTermination(30, TimeUnit.SECONDS);
    }

    private void ask(ServiceProcess instance, long project) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create(instance.baseUrl() + "/api/projects/" + project + "/iids/issues/next"))
                    .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                long iid = JSON.readTree(response.body()).path("iid").asLong();
                handedOut.get(project).merge(iid, 1, Integer::sum);
                perInstance.get(instance.id()).incrementAndGet();
            } else {
                unanswered.incrementAndGet();
            }
        } catch (IOException e) {
            unanswered.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** IIDs answered, over every project. */
    long handedOut() {
        return handedOut.values().stream().mapToLong(iids -> iids.values().stream().mapToLong(Integer::longValue).sum()).sum();
    }

    /** Answers that repeated a number already given for the same project. */
    long handedOutTwice() {
        return handedOut.values().stream().mapToLong(iids -> iids.values().stream().mapToLong(n -> n - 1L).sum()).sum();
    }

    /** The highest IID answered for a project, 0 when none. */
    long highest(long project) {
        return handedOut.get(project).keySet().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    Map<String, Long> perInstance() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        perInstance.forEach((id, count) -> counts.put(id, count.get()));
        return counts;
    }

    long unanswered() {
        return unanswered.get();
    }
}
