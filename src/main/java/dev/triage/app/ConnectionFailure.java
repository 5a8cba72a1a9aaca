package dev.triage.app;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

    /**
     * The result of {@code call}, waited for at most {@code timeout} (and a second), or one line saying why Kafka did
     * not give it: {@link #of}, or else "{@code doing} failed: " and Kafka's reason.
     */
    public static <T> T await(Future<T> call, String doing, Duration timeout, Map<String, ?> clientConfig)
            throws InterruptedException {
        try {
            return call.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw of(cause, doing, timeout, clientConfig).orElseGet(() ->
                    new IllegalStateException(doing + " failed: " + cause.getMessage(), cause));
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
