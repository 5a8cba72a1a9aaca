package dev.triage.embedded;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A server's PKCS12 key store (its private key and certificate) and trust store (the CAs whose client certificates it
 * accepts), for the {@linkplain EmbeddedKafkaBroker.Builder#tls broker's} SSL listeners and an
 * {@linkplain SchemaRegistryConfig#withTls HTTPS registry}. The private key's password is the key store's.
 */
public record TlsStores(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {
    public static final String TYPE = "PKCS12";

    public TlsStores {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(keyStorePassword, "keyStorePassword");
        Objects.requireNonNull(trustStore, "trustStore");
        Objects.requireNonNull(trustStorePassword, "trustStorePassword");
    }

    @Override
    public String toString() {
        return "TlsStores[keyStore=" + keyStore + ", trustStore=" + trustStore + "]";
    }
}
