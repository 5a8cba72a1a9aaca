package dev.triage.serde;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the client for a config: the shared in-memory one for {@code mock://<scope>}, else the REST client.
 *
 * <p>Serdes use {@link #shared}: one REST client (one {@link java.net.http.HttpClient}, one schema and id cache)
 * per distinct registry connection (URLs, credentials, TLS stores, timeout and retries) in the process, however many
 * serdes, tasks and exception handlers Kafka Streams configures. A shared client lives as long as something uses it.
 */
public final class SchemaRegistryClients {
    /** What a REST client's behaviour depends on; the serializer options are per serde. */
    private record Connection(List<String> urls, RegistryConfig.CredentialsSource credentialsSource,
                              String userInfo, Duration requestTimeout, int retries, Duration retryBackoff,
                              RegistryTls tls) {
        static Connection of(RegistryConfig c) {
            return new Connection(c.urls(), c.credentialsSource(), c.userInfo(), c.requestTimeout(), c.retries(),
                    c.retryBackoff(), c.tls());
        }

        @Override
        public String toString() {
            return "Connection[" + urls.stream().map(RegistryConfig::withoutUserInfo).toList() + "]";
        }
    }

    private static final Map<Connection, WeakReference<RestSchemaRegistryClient>> SHARED = new HashMap<>();

    private SchemaRegistryClients() {}

    /** A client of its own, shared with nobody (the mock:// one is shared by scope all the same). */
    public static SchemaRegistryClient create(RegistryConfig config) {
        return config.isMock()
                ? MockSchemaRegistryClient.forScope(config.mockScope())
                : new RestSchemaRegistryClient(config);
    }

    /**
     * The process's client for this registry connection: the same instance for every config with the same URLs,
     * credentials, TLS stores, request timeout and retry settings, for as long as any serde holds it.
     */
    public static SchemaRegistryClient shared(RegistryConfig config) {
        if (config.isMock()) {
            return MockSchemaRegistryClient.forScope(config.mockScope());
        }
        Connection key = Connection.of(config);
        synchronized (SHARED) {
            SHARED.values().removeIf(ref -> ref.get() == null);
            WeakReference<RestSchemaRegistryClient> ref = SHARED.get(key);
            RestSchemaRegistryClient client = ref == null ? null : ref.get();
            if (client == null) {
                client = new RestSchemaRegistryClient(config);
                SHARED.put(key, new WeakReference<>(client));
            }
            return client;
        }
    }
}
