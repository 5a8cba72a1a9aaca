package dev.triage.serde;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/**
 * The registry client's TLS stores, from Confluent's {@code schema.registry.ssl.*} keys: a trust store for the
 * registry's certificate (else the JVM's default CAs) and, for mutual TLS, a key store with the client's key.
 *
 * @param trustStore {@code schema.registry.ssl.truststore.location}; null for the JVM's default trust
 * @param keyStore {@code schema.registry.ssl.keystore.location}; null to send no client certificate
 * @param keyPassword {@code schema.registry.ssl.key.password}; null means the key store's password
 */
public record RegistryTls(String trustStore, String trustStorePassword, String trustStoreType,
                          String keyStore, String keyStorePassword, String keyStoreType, String keyPassword) {

    public static final String PREFIX = "schema.registry.ssl.";
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String KEY_PASSWORD = "schema.registry.ssl.key.password";
    /** As Kafka's {@code ssl.*.type}. */
    public static final String DEFAULT_TYPE = "JKS";

    /** The stores named in {@code configs}; null when neither a trust store nor a key store is. */
    static RegistryTls fromMap(Map<String, ?> configs) {
        String trustStore = string(configs, TRUSTSTORE_LOCATION);
        String keyStore = string(configs, KEYSTORE_LOCATION);
        if (trustStore == null && keyStore == null) {
            return null;
        }
        return new RegistryTls(trustStore, string(configs, TRUSTSTORE_PASSWORD),
                type(configs, TRUSTSTORE_TYPE), keyStore, string(configs, KEYSTORE_PASSWORD),
                type(configs, KEYSTORE_TYPE), string(configs, KEY_PASSWORD));
    }

    /** An SSL context with these stores; a {@link ConfigException} naming the key when a store cannot be read. */
    public SSLContext sslContext() {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore == null ? null
                    : load(TRUSTSTORE_LOCATION, trustStore, trustStoreType, trustStorePassword));
            KeyManagerFactory keys = null;
            if (keyStore != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                String password = keyPassword != null ? keyPassword : keyStorePassword;
                keys.init(load(KEYSTORE_LOCATION, keyStore, keyStoreType, keyStorePassword),
                        password == null ? new char[0] : password.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException(PREFIX + "*", "(hidden)", "cannot set up TLS for the schema registry: " + e);
        }
    }

    private static KeyStore load(String key, String location, String type, String password) {
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key, location, "cannot read the " + type + " store: " + e.getMessage());
        }
    }

    private static String type(Map<String, ?> configs, String key) {
        String type = string(configs, key);
        return type == null ? DEFAULT_TYPE : type;
    }

    private static String string(Map<String, ?> configs, String key) {
        Object v = configs.get(key);
        if (v instanceof org.apache.kafka.common.config.types.Password p) {
            return p.value();
        }
        return v == null || v.toString().isBlank() ? null : v.toString().strip();
    }

    /** Never shows a password. */
    @Override
    public String toString() {
        return "RegistryTls[trustStore=" + (trustStore == null ? "JVM default" : trustStore + " (" + trustStoreType
                + ")") + ", keyStore=" + (keyStore == null ? "none" : keyStore + " (" + keyStoreType + ")") + "]";
    }
}
