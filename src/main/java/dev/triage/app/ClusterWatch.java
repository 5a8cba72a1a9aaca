package dev.triage.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Asks the cluster every {@code interval} whether it answers, and remembers when it last did not. The join closes a
 * partial post by the wall clock when its partition has been quiet for window + grace; during a broker outage every
 * partition is quiet for want of a broker, not of traffic, and the post's other events arrive when it is back. So
 * silence counts only from the end of the last outage ({@link #getAsLong()}).
 */
final class ClusterWatch implements LongSupplier, AutoCloseable {
    private final Admin admin;
    private final ScheduledExecutorService timer;
    private final long timeoutMs;
    private volatile long lastUnreachableMs = Long.MIN_VALUE;

    ClusterWatch(Properties clientProps, Duration interval) {
        Map<String, Object> props = new HashMap<>(ClientConfigs.admin(clientProps));
        this.timeoutMs = interval.toMillis();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "triage-cluster-watch");
        this.admin = Admin.create(props);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "triage-cluster-watch");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, 0, timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs)).nodes()
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            lastUnreachableMs = System.currentTimeMillis();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** When the cluster last failed to answer (wall clock, ms), or {@link Long#MIN_VALUE} if it always has. */
    @Override
    public long getAsLong() {
        return lastUnreachableMs;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(1));
    }
}
