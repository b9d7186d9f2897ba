package com.gitlab.ops.imports.iid;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The hot path of {@code next} in the database: one statement raising every counter of a round trip,
 * committed before it returns, on PostgreSQL's reactive client. Its answer arrives on an event loop,
 * where the HTTP requests waiting for it are answered, so a request costs no thread hand-over and no
 * JDBC connection checkout (at one client that was as long as the commit itself). The same database,
 * user and password as the JDBC datasource, TLS as pgjdbc's default ({@code sslmode} in the URL is
 * followed; the URL's other JDBC parameters are not); one connection per lane of {@link IidAllocator}.
 */
@ApplicationScoped
public class ReserveRoundTrip {

    /**
     * Every counter of a round trip in one statement, its rows locked in one order (the ORDER BY), so
     * that two instances' round trips never deadlock each other. A counter that does not exist yet
     * starts at the numbers asked of it.
     */
    private static final String RESERVE_NEXT = """
            INSERT INTO internal_id (scope, scope_id, usage, last_value)
            SELECT * FROM unnest($1::varchar[], $2::bigint[], $3::varchar[], $4::bigint[]) AS r (scope, scope_id, usage, n)
            ORDER BY scope, scope_id, usage
            ON CONFLICT (scope, scope_id, usage) DO UPDATE SET last_value = internal_id.last_value + EXCLUDED.last_value
            RETURNING scope, scope_id, usage, last_value""";

    /** The same for one counter, the usual round trip at a few clients: a third cheaper than unnest's plan. */
    private static final String RESERVE_ONE = """
            INSERT INTO internal_id (scope, scope_id, usage, last_value) VALUES ($1, $2, $3, $4)
            ON CONFLICT (scope, scope_id, usage) DO UPDATE SET last_value = internal_id.last_value + EXCLUDED.last_value
            RETURNING last_value""";

    private final Pool pool;
    private final int connections;

    public ReserveRoundTrip(Vertx vertx, @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
            @ConfigProperty(name = "import.iids.round-trips") int roundTrips) {
        if (roundTrips < 1) {
            throw new IllegalArgumentException("import.iids.round-trips (IID_ROUND_TRIPS) must be at least 1, got " + roundTrips);
        }
        String uri = jdbcUrl.replaceFirst("^jdbc:", "");
        PgConnectOptions options = PgConnectOptions.fromUri(uri)
                .setUser(user)
                .setCachePreparedStatements(true)
                // As the JDBC pool: a database not reached within 5 s is an outage (a 503), not a wait.
                .setConnectTimeout(5_000);
        password.ifPresent(options::setPassword);
        if (!uri.contains("sslmode=")) {
            // pgjdbc's default: TLS where the server offers it, unverified; Vert.x's would be none.
            options.setSslMode(SslMode.PREFER).setTrustAll(true);
        }
        this.connections = roundTrips;
        this.pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(roundTrips).setName("iid-next")).connectingTo(options).using(vertx).build();
    }

    /**
     * Raises each counter by the numbers asked of it, all in one autocommit statement.
     *
     * @param asked how many consecutive numbers of each counter
     * @return each counter's last value after: the last of its numbers
     */
    public Future<Map<Counter, Long>> reserve(Map<Counter, Long> asked) {
        if (asked.size() == 1) {
            Map.Entry<Counter, Long> only = asked.entrySet().iterator().next();
            Counter c = only.getKey();
            return pool.preparedQuery(RESERVE_ONE).execute(Tuple.of(c.scope().value(), c.scopeId(), c.usage(), only.getValue()))
                    .map(rows -> Map.of(c, rows.iterator().next().getLong(0)));
        }
        int n = asked.size();
        String[] scopes = new String[n];
        Long[] scopeIds = new Long[n];
        String[] usages = new String[n];
        Long[] counts = new Long[n];
        Map<String, Counter> byKey = new HashMap<>(n * 2);
        int i = 0;
        for (Map.Entry<Counter, Long> e : asked.entrySet()) {
            scopes[i] = e.getKey().scope().value();
            scopeIds[i] = e.getKey().scopeId();
            usages[i] = e.getKey().usage();
            counts[i] = e.getValue();
            byKey.put(key(scopes[i], scopeIds[i], usages[i]), e.getKey());
            i++;
        }
        return pool.preparedQuery(RESERVE_NEXT).execute(Tuple.of(scopes, scopeIds, usages, counts)).map(rows -> {
            Map<Counter, Long> last = new HashMap<>(n * 2);
            for (Row row : rows) {
                last.put(byKey.get(key(row.getString(0), row.getLong(1), row.getString(2))), row.getLong(3));
            }
            return last;
        });
    }

    /** How many round trips may be under way at once: {@code import.iids.round-trips}. */
    public int connections() {
        return connections;
    }

    private static String key(String scope, long scopeId, String usage) {
        return scope + '/' + scopeId + '/' + usage;
    }

    @PreDestroy
    void close() {
        pool.close();
    }
}
