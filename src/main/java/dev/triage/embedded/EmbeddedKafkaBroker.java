package dev.triage.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process, single-node Apache Kafka broker in KRaft combined mode (broker and controller in one
 * {@link KafkaRaftServer}). Its listeners bind to 127.0.0.1 only: PLAINTEXT for clients (and the broker itself),
 * CONTROLLER, and optionally {@linkplain Builder#listener secured client listeners} (SASL_PLAINTEXT, SSL with client
 * certificates required, SASL_SSL).
 *
 * <p>The node is configured so that everything a one-node cluster can do works: the internal offsets,
 * transaction-state and share-state topics use replication factor 1 and min.insync.replicas 1, so
 * consumer groups and transactions (exactly-once) work. With a {@linkplain Builder#dataDir kept data
 * directory} the broker can be stopped and started again on the same data; without one it runs in a temp
 * directory deleted by {@link #close()}.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start()) {
 *     kafka.createTopic("events", 3, Map.of());
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;
    /** What a SASL listener offers; every {@linkplain Builder#saslUser user} can log in with each. */
    public static final List<String> SASL_MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(60);
    /** Configs the broker derives from its own options; overriding them would break formatting or binding. */
    private static final Set<String> MANAGED_CONFIGS = Set.of("process.roles", "node.id", "controller.quorum.voters",
            "controller.quorum.bootstrap.servers", "controller.listener.names", "listeners", "advertised.listeners",
            "listener.security.protocol.map", "inter.broker.listener.name", "log.dirs", "log.dir",
            "metadata.log.dir");

    private final Path configuredDataDir;
    private final int requestedBrokerPort;
    private final int requestedControllerPort;
    private final Map<String, String> overrides;
    private final Set<SecurityProtocol> secureListeners;
    private final Map<String, String> saslUsers;
    private final TlsStores tls;

    private Path dataDir;
    private boolean deleteDataDirOnClose;
    private int brokerPort;
    private int controllerPort;
    private final Map<SecurityProtocol, Integer> securePorts = new EnumMap<>(SecurityProtocol.class);
    private String clusterId;
    private KafkaRaftServer server;
    private Admin admin;

    private EmbeddedKafkaBroker(Builder builder) {
        this.configuredDataDir = builder.dataDir;
        this.requestedBrokerPort = builder.brokerPort;
        this.requestedControllerPort = builder.controllerPort;
        this.overrides = Map.copyOf(builder.overrides);
        this.secureListeners = builder.secureListeners.isEmpty() ? Set.of()
                : EnumSet.copyOf(builder.secureListeners);
        this.saslUsers = Map.copyOf(builder.saslUsers);
        this.tls = builder.tls;
        for (SecurityProtocol protocol : secureListeners) {
            if (protocol.name().startsWith("SASL") && saslUsers.isEmpty()) {
                throw new IllegalArgumentException("a " + protocol + " listener needs at least one saslUser");
            }
            if (protocol.name().endsWith("SSL") && tls == null) {
                throw new IllegalArgumentException("an " + protocol + " listener needs tls(TlsStores)");
            }
        }
    }

    /** A broker with all defaults: temp data directory, free ports. Call {@link #start()} next. */
    public EmbeddedKafkaBroker() {
        this(new Builder());
    }

    /** Starts building a broker. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the data directory if it is new, starts the node and waits until the broker serves
     * requests. Returns {@code this} for chaining.
     *
     * @throws IllegalStateException if already running, or if the node does not come up
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            throw new IllegalStateException("broker already started");
        }
        try {
            prepareDataDir();
            brokerPort = requestedBrokerPort != 0 ? requestedBrokerPort : freePort();
            controllerPort = requestedControllerPort != 0 ? requestedControllerPort : freePort();
            securePorts.clear();
            secureListeners.forEach(protocol -> securePorts.put(protocol, freePort()));
            KafkaConfig config = new KafkaConfig(serverProperties(), false);
            clusterId = formatIfNeeded();
            KafkaRaftServer raftServer = new KafkaRaftServer(config, Time.SYSTEM);
            server = raftServer;
            raftServer.startup();
            awaitReady();
            LOG.info("Embedded Kafka broker (cluster {}) listening on {}{}, data in {}",
                    clusterId, bootstrapServers(), securePorts.isEmpty() ? "" : " and " + securePorts, dataDir);
            return this;
        } catch (Exception e) {
            stopQuietly();
            throw new IllegalStateException("Embedded Kafka broker failed to start: " + e.getMessage(), e);
        }
    }

    /** {@code 127.0.0.1:PORT} of the client listener. Valid once started. */
    public String bootstrapServers() {
        requireRunning();
        return HOST + ":" + brokerPort;
    }

    /**
     * {@code 127.0.0.1:PORT} of the client listener with this security protocol (PLAINTEXT or one {@linkplain
     * Builder#listener added}). Valid once started.
     */
    public String bootstrapServers(SecurityProtocol protocol) {
        requireRunning();
        if (protocol == SecurityProtocol.PLAINTEXT) {
            return bootstrapServers();
        }
        Integer port = securePorts.get(protocol);
        if (port == null) {
            throw new IllegalArgumentException("no " + protocol + " listener (add one with Builder.listener)");
        }
        return HOST + ":" + port;
    }

    /** Port of the client (PLAINTEXT) listener. Valid once started. */
    public int port() {
        requireRunning();
        return brokerPort;
    }

    /** Port of the KRaft controller listener (not for clients). Valid once started. */
    public int controllerPort() {
        requireRunning();
        return controllerPort;
    }

    /** Directory holding the metadata and partition logs. Valid once started. */
    public Path dataDir() {
        requireRunning();
        return dataDir;
    }

    /** The KRaft cluster id stored in the data directory. Valid once started. */
    public String clusterId() {
        requireRunning();
        return clusterId;
    }

    /** Whether {@link #start()} succeeded and {@link #close()} was not called yet. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Client properties (only {@code bootstrap.servers}) to seed producer, consumer, admin or streams
     * configs with.
     */
    public Map<String, Object> clientProperties() {
        return new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /**
     * Creates a topic with replication factor 1 and waits until every partition has a leader. An existing
     * topic with the same name is left as it is.
     *
     * @param configs topic-level configs (e.g. {@code cleanup.policy}); may be empty
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
        }
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(Map.copyOf(configs));
        try {
            admin().createTopics(List.of(topic)).all().get(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name, e);
        }
        awaitLeaders(name);
    }

    /**
     * A new {@link Admin} client for this broker; the caller closes it.
     */
    public Admin createAdmin() {
        return Admin.create(clientProperties());
    }

    /**
     * Shuts the node down and waits for it to stop. Deletes the data directory when it was a temp one.
     * Idempotent.
     */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        stopQuietly();
        LOG.info("Embedded Kafka broker stopped");
    }

    private void stopQuietly() {
        if (admin != null) {
            Utils.closeQuietly(() -> admin.close(Duration.ofSeconds(5)), "embedded broker admin");
            admin = null;
        }
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                LOG.warn("Embedded Kafka broker shutdown failed", e);
            }
            server = null;
        }
        if (deleteDataDirOnClose && dataDir != null) {
            try {
                Utils.delete(dataDir.toFile());
            } catch (IOException e) {
                LOG.warn("Could not delete {}", dataDir, e);
            }
        }
    }

    private synchronized Admin admin() {
        requireRunning();
        if (admin == null) {
            admin = createAdmin();
        }
        return admin;
    }

    private synchronized void requireRunning() {
        if (server == null) {
            throw new IllegalStateException("broker not running");
        }
    }

    private void prepareDataDir() throws IOException {
        if (configuredDataDir != null) {
            dataDir = configuredDataDir.toAbsolutePath();
            Files.createDirectories(dataDir);
            deleteDataDirOnClose = false;
        } else {
            dataDir = Files.createTempDirectory("triage-kafka-");
            deleteDataDirOnClose = true;
        }
    }

    private Path logDir() {
        return dataDir.resolve("kafka-logs");
    }

    private Map<String, String> serverProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        // Static voter set: the endpoint comes from config on every start, so a kept data directory can be
        // reopened on different ports.
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        List<String> clientListeners = new ArrayList<>(List.of(BROKER_LISTENER + "://" + HOST + ":" + brokerPort));
        // each secured listener is named after its protocol
        securePorts.forEach((protocol, port) -> clientListeners.add(protocol.name() + "://" + HOST + ":" + port));
        props.put("listeners", String.join(",", clientListeners) + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", String.join(",", clientListeners));
        StringBuilder protocols =
                new StringBuilder(BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        securePorts.keySet().forEach(protocol -> protocols.append(',').append(protocol.name()).append(':')
                .append(protocol.name()));
        props.put("listener.security.protocol.map", protocols.toString());
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("log.dirs", logDir().toString());
        props.put("metadata.log.dir", logDir().toString());

        // One node: every internal topic must live with a single replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");

        // Small footprint: the cleaner's dedupe buffer defaults to 128 MB of heap.
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        props.put("log.cleaner.threads", "1");
        props.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("num.recovery.threads.per.data.dir", "1");
        props.put("background.threads", "2");
        props.put("auto.create.topics.enable", "true");
        props.putAll(securityProperties());
        props.putAll(overrides);
        return props;
    }

    /** The secured listeners' settings: TLS stores, SASL mechanisms and the PLAIN users. */
    private Map<String, String> securityProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        if (tls != null && securePorts.keySet().stream().anyMatch(p -> p.name().endsWith("SSL"))) {
            props.put("ssl.keystore.location", tls.keyStore().toAbsolutePath().toString());
            props.put("ssl.keystore.password", tls.keyStorePassword());
            props.put("ssl.keystore.type", TlsStores.TYPE);
            props.put("ssl.key.password", tls.keyStorePassword());
            props.put("ssl.truststore.location", tls.trustStore().toAbsolutePath().toString());
            props.put("ssl.truststore.password", tls.trustStorePassword());
            props.put("ssl.truststore.type", TlsStores.TYPE);
            if (securePorts.containsKey(SecurityProtocol.SSL)) {
                props.put("listener.name.ssl.ssl.client.auth", "required");
            }
        }
        for (SecurityProtocol protocol : securePorts.keySet()) {
            if (!protocol.name().startsWith("SASL")) {
                continue;
            }
            String listener = "listener.name." + protocol.name().toLowerCase(Locale.ROOT) + ".";
            props.put(listener + "sasl.enabled.mechanisms", String.join(",", SASL_MECHANISMS));
            StringBuilder plain = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            saslUsers.forEach((user, password) -> plain.append(" user_").append(user).append("=\"")
                    .append(password).append('"'));
            props.put(listener + "plain.sasl.jaas.config", plain.append(';').toString());
            // SCRAM users are the credentials written when the data directory was formatted
            String scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
            props.put(listener + "scram-sha-256.sasl.jaas.config", scram);
            props.put(listener + "scram-sha-512.sasl.jaas.config", scram);
        }
        return props;
    }

    /** Formats a fresh data directory; reads the cluster id of an already formatted one. */
    private String formatIfNeeded() throws Exception {
        Path metaProperties = logDir().resolve("meta.properties");
        if (Files.exists(metaProperties)) {
            Properties existing = new Properties();
            try (var in = Files.newInputStream(metaProperties)) {
                existing.load(in);
            }
            return existing.getProperty("cluster.id");
        }
        String newClusterId = Uuid.randomUuid().toString();
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(newClusterId)
                .addDirectory(logDir().toString())
                .setMetadataLogDirectory(logDir().toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setScramArguments(scramArguments())
                .run();
        return newClusterId;
    }

    /** {@code kafka-storage format --add-scram} arguments: every SASL user with both SCRAM mechanisms. */
    private List<String> scramArguments() {
        List<String> arguments = new ArrayList<>();
        saslUsers.forEach((user, password) -> {
            for (String mechanism : List.of("SCRAM-SHA-256", "SCRAM-SHA-512")) {
                arguments.add(mechanism + "=[name=" + user + ",password=" + password + "]");
            }
        });
        return arguments;
    }

    /** KafkaRaftServer.startup returns once the broker is unfenced; this confirms it answers clients. */
    private void awaitReady() throws Exception {
        admin().describeCluster().nodes().get(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void awaitLeaders(String topic) {
        long deadline = System.nanoTime() + OPERATION_TIMEOUT.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> described = admin().describeTopics(Set.of(topic))
                        .allTopicNames().get(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (allHaveLeaders(described.get(topic).partitions())) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("could not describe topic " + topic, e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out describing topic " + topic, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " has partitions without a leader");
            }
            sleep(50);
        }
    }

    private static boolean allHaveLeaders(Collection<TopicPartitionInfo> partitions) {
        return !partitions.isEmpty() && partitions.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    /** Options for an {@link EmbeddedKafkaBroker}. */
    public static final class Builder {
        private Path dataDir;
        private int brokerPort;
        private int controllerPort;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final Set<SecurityProtocol> secureListeners = EnumSet.noneOf(SecurityProtocol.class);
        private final Map<String, String> saslUsers = new LinkedHashMap<>();
        private TlsStores tls;

        private Builder() {
        }

        /**
         * Adds a client listener with this security protocol on a free port (see
         * {@link EmbeddedKafkaBroker#bootstrapServers(SecurityProtocol)}), beside the PLAINTEXT one: SASL_PLAINTEXT
         * and SASL_SSL offer {@link EmbeddedKafkaBroker#SASL_MECHANISMS} to the {@linkplain #saslUser SASL users};
         * SSL requires a client certificate signed by a CA in the {@linkplain #tls trust store} (mutual TLS);
         * SASL_SSL does not.
         */
        public Builder listener(SecurityProtocol protocol) {
            if (protocol == SecurityProtocol.PLAINTEXT) {
                throw new IllegalArgumentException("the PLAINTEXT listener is always there");
            }
            secureListeners.add(protocol);
            return this;
        }

        /**
         * A user of the SASL listeners, for every mechanism. SCRAM credentials are written when the data directory is
         * formatted: a {@linkplain #dataDir kept directory} keeps the SCRAM users it was first formatted with.
         *
         * @throws IllegalArgumentException for a name or password with characters outside {@code [A-Za-z0-9._-]}
         */
        public Builder saslUser(String name, String password) {
            // they end up unescaped in a JAAS line and in kafka-storage's --add-scram syntax
            for (String value : List.of(name, password)) {
                if (!value.matches("[A-Za-z0-9._-]+")) {
                    throw new IllegalArgumentException("SASL user names and passwords may only use [A-Za-z0-9._-]");
                }
            }
            saslUsers.put(name, password);
            return this;
        }

        /** The key and trust stores of the SSL and SASL_SSL listeners. */
        public Builder tls(TlsStores stores) {
            this.tls = Objects.requireNonNull(stores, "stores");
            return this;
        }

        /**
         * Keep data in this directory (created if missing, never deleted). A directory formatted by an
         * earlier run is reopened with its topics and data. Default: a temp directory deleted on close.
         */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** Client listener port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.brokerPort = requirePort(port);
            return this;
        }

        /** Controller listener port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = requirePort(port);
            return this;
        }

        /**
         * Overrides (or adds) one broker config, e.g. {@code log.retention.ms}.
         *
         * @throws IllegalArgumentException for configs the broker manages itself: roles, node id, quorum,
         *     listeners and directories (use {@link #port}, {@link #controllerPort}, {@link #dataDir})
         */
        public Builder config(String key, String value) {
            if (MANAGED_CONFIGS.contains(key)) {
                throw new IllegalArgumentException(key + " is managed by EmbeddedKafkaBroker and cannot be overridden");
            }
            overrides.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /** Overrides (or adds) broker configs. */
        public Builder configs(Map<String, String> configs) {
            configs.forEach(this::config);
            return this;
        }

        /** The broker, not started yet. */
        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }

        private static int requirePort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return port;
        }
    }
}
