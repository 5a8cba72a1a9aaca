package dev.triage.serde;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API the serdes and tools need, Avro schemas only (no schema
 * references). Failures throw {@link SchemaRegistryException}. Implementations are thread-safe.
 *
 * @see RestSchemaRegistryClient
 * @see MockSchemaRegistryClient
 * @see SchemaRegistryClients#create(RegistryConfig)
 */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (a no-op returning the id if already there). */
    int register(String subject, Schema schema);

    /** Finds {@code schema} among the versions of {@code subject}; 40401/40403 when it is not there. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** The id of {@code schema} under {@code subject}, as {@link #lookup} (cached). */
    default int getId(String subject, Schema schema) {
        return lookup(subject, schema).id();
    }

    /** The schema with this global id (cached: ids are immutable); 40403 when unknown. */
    Schema getSchemaById(int id);

    List<String> getAllSubjects();

    List<Integer> getAllVersions(String subject);

    RegisteredSchema getVersion(String subject, int version);

    RegisteredSchema getLatestVersion(String subject);

    /**
     * The latest version of {@code subject}, from the client's cache when it was fetched less than {@code maxAge}
     * ago ({@code null}: whenever it was). When the registry is unavailable, a cached answer of any age is returned
     * rather than an error. This default always asks.
     */
    default RegisteredSchema getLatestVersion(String subject, java.time.Duration maxAge) {
        return getLatestVersion(subject);
    }

    /** Whether {@code schema} may be registered as the next version of {@code subject}, per its compatibility level. */
    boolean testCompatibility(String subject, Schema schema);

    /** Whether {@code schema} is compatible with the given version of {@code subject}. */
    boolean testCompatibility(String subject, int version, Schema schema);

    /** The registry URL(s), without credentials, for messages. */
    String url();
}
