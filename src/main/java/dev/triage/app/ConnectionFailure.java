package dev.triage.app;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A call to Kafka (an Admin client's, a consumer's) that failed because of the connection, in one line: no answer
 * within the timeout (naming the bootstrap servers to check) or credentials the broker refused
 * ({@link AuthenticationFailure}).
 */
public final class ConnectionFailure {
    private ConnectionFailure() {}

    /**
     * The one-line failure of {@code doing} (e.g. "listing topics"), when {@code cause} is a timeout or an
     * authentication failure; empty for any other cause, which the caller explains.
     */
    public static Optional<IllegalStateException> of(Throwable cause, String doing, Duration timeout,
                                                     Map<String, ?> clientConfig) {
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException
                || cause instanceof java.util.concurrent.TimeoutException) {
            Object bootstrap = clientConfig.get("bootstrap.servers");
            return Optional.of(new IllegalStateException("no answer from Kafka"
                    + (bootstrap == null ? "" : " at " + bootstrap) + " within " + seconds(timeout) + " (" + doing
                    + "; check bootstrap.servers)", cause));
        }
        return AuthenticationFailure.of(clientConfig, cause);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
