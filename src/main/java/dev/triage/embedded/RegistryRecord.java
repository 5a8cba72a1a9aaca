package dev.triage.embedded;

import java.util.Objects;

/**
 * One durable registry fact, as a {@link SchemaStore} keeps it. Replaying all records in order rebuilds
 * the registry. A later record with the same {@link #key()} supersedes an earlier one, which is what
 * lets the Kafka store live in a compacted topic.
 */
public sealed interface RegistryRecord permits RegistryRecord.SchemaVersion, RegistryRecord.CompatibilityConfig {

    /** Identity of the fact; records with equal keys replace each other. */
    String key();

    /**
     * Version {@code version} of {@code subject} is the schema with global id {@code id}. {@code schema}
     * is the canonical Avro JSON. {@code deleted} marks a soft-deleted version: its id still resolves.
     */
    record SchemaVersion(String subject, int version, int id, String schema, boolean deleted)
            implements RegistryRecord {
        public SchemaVersion {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(schema, "schema");
        }

        @Override
        public String key() {
            return "SCHEMA/" + subject + "/" + version;
        }

        SchemaVersion asDeleted() {
            return new SchemaVersion(subject, version, id, schema, true);
        }
    }

    /**
     * The compatibility level of {@code subject}, or the global one when {@code subject} is null.
     * A null {@code level} removes a subject's own level (it falls back to the global one).
     */
    record CompatibilityConfig(String subject, CompatibilityLevel level) implements RegistryRecord {
        @Override
        public String key() {
            return subject == null ? "CONFIG" : "CONFIG/" + subject;
        }
    }
}
