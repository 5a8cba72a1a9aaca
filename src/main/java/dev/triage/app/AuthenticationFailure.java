package dev.triage.app;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Kafka refused this client's credentials: one line naming the listener (bootstrap address and security protocol),
 * the mechanism and the broker's reason, e.g. {@code authentication failed at 127.0.0.1:9093 (SASL_PLAINTEXT,
 * SCRAM-SHA-256): Authentication failed during authentication due to invalid credentials with SASL mechanism
 * SCRAM-SHA-256}.
 */
final class AuthenticationFailure {
    private AuthenticationFailure() {}

    /** The one-line failure, when {@code cause} is an authentication failure; empty otherwise. */
    static Optional<IllegalStateException> of(Map<String, ?> clientConfig, Throwable cause) {
        if (!(cause instanceof AuthenticationException)) {
            return Optional.empty();
        }
        String protocol = value(clientConfig, "security.protocol", "PLAINTEXT");
        return Optional.of(new IllegalStateException("authentication failed at "
                + value(clientConfig, "bootstrap.servers", "?") + " (" + protocol + ", " + mechanism(clientConfig,
                protocol, cause) + "): " + reason(cause), cause));
    }

    /** The SASL mechanism, or TLS for a failed handshake (the client certificate being the credential). */
    private static String mechanism(Map<String, ?> config, String protocol, Throwable cause) {
        if (protocol.startsWith("SASL") && !(cause instanceof SslAuthenticationException)) {
            return value(config, "sasl.mechanism", "GSSAPI");
        }
        boolean clientCertificate = config.get("ssl.keystore.location") != null
                || config.get("ssl.keystore.key") != null;
        return clientCertificate ? "TLS with client certificate" : "TLS";
    }

    /** The exception's message and, when it adds something, the deepest cause's (a TLS handshake's reason). */
    private static String reason(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(cause.getMessage());
        if (root != cause && root.getMessage() != null && !message.contains(root.getMessage())) {
            message += ": " + root.getMessage();
        }
        return message.replaceAll("\\s+", " ").strip();
    }

    private static String value(Map<String, ?> config, String key, String otherwise) {
        Object v = config.get(key);
        return v == null || v.toString().isBlank() ? otherwise : v.toString().strip();
    }
}
