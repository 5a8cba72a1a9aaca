package dev.triage.embedded;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry server speaking the subset of Confluent Schema Registry's REST API that Avro serdes
 * use (register, lookup, fetch by id, versions, compatibility, config, subject deletion), on the JDK's
 * HTTP server. Avro schemas only. Bound to 127.0.0.1 unless configured otherwise. Optionally with HTTP basic
 * authentication ({@link SchemaRegistryConfig#withBasicAuth}) and over HTTPS ({@link SchemaRegistryConfig#withTls},
 * client certificates optionally required).
 *
 * <p>Schemas live in a {@link KafkaSchemaStore} when {@link SchemaRegistryConfig#bootstrapServers()} is
 * set (ids survive restarts), otherwise in an {@link InMemorySchemaStore}.
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry =
 *          new EmbeddedSchemaRegistry(SchemaRegistryConfig.kafka(broker.bootstrapServers())).start()) {
 *     String url = registry.url();   // http://127.0.0.1:PORT
 * }
 * }</pre>
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final int HTTP_THREADS = 4;

    private final SchemaRegistryConfig config;
    private final SchemaStore providedStore;
    private SchemaStore store;
    private SchemaRegistryService service;
    private HttpServer server;
    private ExecutorService executor;

    /** A registry with the store the config implies. Call {@link #start()} next. */
    public EmbeddedSchemaRegistry(SchemaRegistryConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.providedStore = null;
    }

    /**
     * A registry on a given store (its {@code bootstrapServers} and {@code topic} are then ignored). The
     * registry closes the store on {@link #close()}.
     */
    public EmbeddedSchemaRegistry(SchemaRegistryConfig config, SchemaStore store) {
        this.config = Objects.requireNonNull(config, "config");
        this.providedStore = Objects.requireNonNull(store, "store");
    }

    /**
     * Loads the stored schemas and starts serving. Returns {@code this} for chaining.
     *
     * @throws IllegalStateException if already started
     * @throws UncheckedIOException if the port cannot be bound
     */
    public synchronized EmbeddedSchemaRegistry start() {
        if (server != null) {
            throw new IllegalStateException("schema registry already started");
        }
        store = providedStore != null ? providedStore
                : config.bootstrapServers() == null ? new InMemorySchemaStore()
                : new KafkaSchemaStore(config.bootstrapServers(), config.topic());
        try {
            service = new SchemaRegistryService(store, config.defaultCompatibility());
            executor = Executors.newFixedThreadPool(HTTP_THREADS, daemonThreads());
            HttpServer http = server(new InetSocketAddress(config.host(), config.port()));
            HttpContext context = http.createContext("/", new SchemaRegistryHttpHandler(service));
            if (config.userInfo() != null) {
                context.getFilters().add(new BasicAuthFilter(config.userInfo()));
            }
            http.setExecutor(executor);
            http.start();
            server = http;
        } catch (IOException e) {
            stopQuietly();
            throw new UncheckedIOException("schema registry could not bind " + config.host() + ":" + config.port(), e);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
        LOG.info("Embedded schema registry at {} ({} store)", url(), store.getClass().getSimpleName());
        return this;
    }

    private HttpServer server(InetSocketAddress address) throws IOException {
        if (config.tls() == null) {
            return HttpServer.create(address, 0);
        }
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(new HttpsConfigurator(config.tls().sslContext()) {
            @Override
            public void configure(HttpsParameters params) {
                // SSLParameters, not params.setNeedClientAuth: the server follows that with setWantClientAuth(false),
                // which turns client authentication off again
                SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(config.clientCertificates());
                params.setSSLParameters(ssl);
            }
        });
        return https;
    }

    /** {@code http://HOST:PORT} (or {@code https://}) of the running server. */
    public synchronized String url() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return (config.tls() == null ? "http" : "https") + "://" + host + ":" + port();
    }

    /** The bound port. */
    public synchronized int port() {
        requireRunning();
        return server.getAddress().getPort();
    }

    /** The bound address and port. */
    public synchronized InetSocketAddress address() {
        requireRunning();
        return server.getAddress();
    }

    /** The registry logic behind the server, for direct (non-HTTP) use such as pre-registering schemas. */
    public synchronized SchemaRegistryService service() {
        requireRunning();
        return service;
    }

    /** Whether {@link #start()} succeeded and {@link #close()} was not called yet. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops serving and closes the store. Idempotent. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        stopQuietly();
        LOG.info("Embedded schema registry stopped");
    }

    private void stopQuietly() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        if (executor != null) {
            executor.shutdown();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
        if (store != null) {
            try {
                store.close();
            } catch (RuntimeException e) {
                LOG.warn("Schema store close failed", e);
            }
            store = null;
        }
        service = null;
    }

    private void requireRunning() {
        if (server == null) {
            throw new IllegalStateException("schema registry not running");
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "schema-registry-http-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
