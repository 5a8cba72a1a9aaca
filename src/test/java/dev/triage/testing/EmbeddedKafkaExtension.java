package dev.triage.testing;

import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.embedded.SchemaRegistryConfig;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that starts one {@link EmbeddedKafkaBroker} and one Kafka-backed
 * {@link EmbeddedSchemaRegistry} per test class (shared by its {@code @Nested} classes) and stops both after
 * the class. Both are injected into parameters of test methods, lifecycle methods ({@code @BeforeAll}
 * included) and constructors:
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedKafkaExtension.class)
 * class MyIT {
 *     @Test
 *     void works(EmbeddedKafkaBroker kafka, EmbeddedSchemaRegistry registry) {
 *         kafka.createTopic("in", 3, Map.of());
 *         ... kafka.bootstrapServers() ... registry.url() ...
 *     }
 * }
 * }</pre>
 *
 * Registered as a static field instead ({@code @RegisterExtension static EmbeddedKafkaExtension KAFKA =
 * new EmbeddedKafkaExtension();}), {@link #broker()} and {@link #registry()} give the same instances from
 * {@code @BeforeAll} on.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(EmbeddedKafkaExtension.class);
    private static final String KEY = "cluster";

    private volatile Cluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = clusterFor(context);
    }

    /** The broker of the running test class; valid from {@code @BeforeAll} to {@code @AfterAll}. */
    public EmbeddedKafkaBroker broker() {
        return requireCluster().broker;
    }

    /** The registry of the running test class; valid from {@code @BeforeAll} to {@code @AfterAll}. */
    public EmbeddedSchemaRegistry registry() {
        return requireCluster().registry;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == EmbeddedKafkaBroker.class || type == EmbeddedSchemaRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Cluster resolved = clusterFor(extensionContext);
        return parameterContext.getParameter().getType() == EmbeddedKafkaBroker.class
                ? resolved.broker : resolved.registry;
    }

    private Cluster requireCluster() {
        Cluster current = cluster;
        if (current == null) {
            throw new IllegalStateException("EmbeddedKafkaExtension has not started yet (use it from @BeforeAll on)");
        }
        return current;
    }

    /**
     * The cluster in the store of the outermost test-class context, started on first use: once per top-level
     * test class, whatever the test instance lifecycle, and closed by JUnit when that context ends.
     */
    private static Cluster clusterFor(ExtensionContext context) {
        ExtensionContext classContext = context;
        Optional<ExtensionContext> parent = context.getParent();
        while (parent.isPresent() && parent.get().getTestClass().isPresent()) {
            classContext = parent.get();
            parent = classContext.getParent();
        }
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, key -> Cluster.start(), Cluster.class);
    }

    /** Broker plus registry, closed together (JUnit closes AutoCloseable store values). */
    private static final class Cluster implements AutoCloseable {
        final EmbeddedKafkaBroker broker;
        final EmbeddedSchemaRegistry registry;

        private Cluster(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry) {
            this.broker = broker;
            this.registry = registry;
        }

        static Cluster start() {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
            try {
                EmbeddedSchemaRegistry registry =
                        new EmbeddedSchemaRegistry(SchemaRegistryConfig.kafka(broker.bootstrapServers())).start();
                return new Cluster(broker, registry);
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                registry.close();
            } finally {
                broker.close();
            }
        }
    }
}
