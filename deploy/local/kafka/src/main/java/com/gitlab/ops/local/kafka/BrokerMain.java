package com.gitlab.ops.local.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker and controller in one JVM) for the local stack and the tests:
 * the one place its configuration is written.
 *
 * <pre>BrokerMain --port 9092 --controller-port 9093 --data-dir DIR [--exit-with-parent]</pre>
 *
 * The first start formats {@code DIR}; later starts reuse its data. With {@code --exit-with-parent}
 * the broker exits when its standard input reaches end of file: a test JVM holds that pipe open, so
 * the broker never outlives it, even when that JVM is killed.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = parse(args);
        int port = Integer.parseInt(options.getOrDefault("--port", "9092"));
        int controllerPort = Integer.parseInt(options.getOrDefault("--controller-port", "9093"));
        Path dataDir = Path.of(options.getOrDefault("--data-dir", "kafka-data")).toAbsolutePath();
        if (options.containsKey("--exit-with-parent")) {
            exitWhenStdinCloses();
        }

        Path logDir = dataDir.resolve("log");
        Path config = dataDir.resolve("server.properties");
        Files.createDirectories(dataDir);
        try (OutputStream out = Files.newOutputStream(config)) {
            serverProperties(port, controllerPort, logDir).store(out, "written by BrokerMain at every start");
        }
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            String[] format = {"format", "--cluster-id", Uuid.randomUuid().toString(), "--config", config.toString()};
            int rc = StorageTool.execute(format, System.out);
            if (rc != 0) {
                System.err.println("Formatting the Kafka log directory " + logDir + " failed (exit " + rc + ")");
                System.exit(rc);
            }
        }
        kafka.Kafka.main(new String[] {config.toString()});
    }

    static Properties serverProperties(int port, int controllerPort, Path logDir) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());
        p.setProperty("num.partitions", "3");
        // One node: every internal topic has one replica.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--exit-with-parent")) {
                options.put(arg, "true");
            } else if (arg.startsWith("--") && i + 1 < args.length) {
                options.put(arg, args[++i]);
            } else {
                System.err.println("usage: BrokerMain --port N --controller-port N --data-dir DIR [--exit-with-parent]");
                System.exit(2);
            }
        }
        return options;
    }

    private static void exitWhenStdinCloses() {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // Nothing is ever sent; read returns -1 once the parent is gone.
                }
            } catch (IOException ignored) {
                // A broken pipe means the same.
            }
            Runtime.getRuntime().halt(0);
        }, "exit-with-parent");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
