package dev.triage.ops;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The process's metrics in Prometheus form: Triage's own meters, Kafka Streams' client metrics (consumer lag among
 * them) through Micrometer's binder, and the JVM's. Every meter carries the application id as {@code application}.
 */
public final class PrometheusMetrics implements AutoCloseable {
    /** Kafka Streams adds task-level metrics as tasks are assigned; the binder looks for new ones this often. */
    static final Duration KAFKA_METRICS_REFRESH = Duration.ofSeconds(10);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TriageMeters meters;
    private final ScheduledExecutorService refresh = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "triage-metrics-refresh");
        t.setDaemon(true);
        return t;
    });
    private final List<AutoCloseable> binders = new ArrayList<>();

    public PrometheusMetrics(String applicationId) {
        registry.config().commonTags("application", applicationId); // before any meter is registered
        this.meters = new TriageMeters(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
    }

    public TriageMeters meters() {
        return meters;
    }

    /** Binds Kafka Streams' client, thread, task and store metrics. */
    public void watch(KafkaStreams streams) {
        KafkaStreamsMetrics kafka = new KafkaStreamsMetrics(streams, List.of(), refresh, KAFKA_METRICS_REFRESH);
        kafka.bindTo(registry);
        binders.add(kafka);
    }

    /** Every meter in the Prometheus text format (0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        for (AutoCloseable b : binders) {
            try {
                b.close();
            } catch (Exception ignored) {
                // closing what reads metrics: nothing left to do about it
            }
        }
        refresh.shutdownNow();
        registry.close();
    }
}
