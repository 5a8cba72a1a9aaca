package dev.triage.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * An in-memory registry for tests, selected with {@code schema.registry.url=mock://<scope>}: every serde
 * configured with the same scope shares one instance (like Confluent's {@code MockSchemaRegistry}), so a
 * TopologyTestDriver test needs no server.
 *
 * <p>It only assigns ids and keeps subject versions: an identical schema gets the same global id in every
 * subject, re-registering a subject's existing schema adds no version. Registration enforces no compatibility
 * level and accepts any schema. {@link #testCompatibility} answers with a plain BACKWARD check (the new schema
 * can read data written with the given version), for information only. No deletes, modes or references.
 */
public final class MockSchemaRegistryClient implements SchemaRegistryClient {
    private static final Map<String, MockSchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private final String url;
    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    /** subject -> version -> id; TreeMap keeps versions ordered. */
    private final Map<String, TreeMap<Integer, Integer>> subjects = new TreeMap<>();

    /** A private registry, not shared through a scope. */
    public MockSchemaRegistryClient(String scope) {
        this.url = RegistryConfig.MOCK_SCHEME + scope;
    }

    /** The shared instance for {@code scope}, created on first use. */
    public static MockSchemaRegistryClient forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, MockSchemaRegistryClient::new);
    }

    /** Forgets the shared instance of {@code scope}; the next {@link #forScope} starts empty. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        TreeMap<Integer, Integer> versions = subjects.computeIfAbsent(subject, s -> new TreeMap<>());
        Integer id = idsBySchema.get(schema);
        if (id == null) {
            id = schemasById.size() + 1;
            idsBySchema.put(schema, id);
            schemasById.put(id, schema);
        }
        if (!versions.containsValue(id)) {
            versions.put(versions.isEmpty() ? 1 : versions.lastKey() + 1, id);
        }
        return id;
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        TreeMap<Integer, Integer> versions = versions(subject);
        Integer id = idsBySchema.get(schema);
        for (Map.Entry<Integer, Integer> e : versions.entrySet()) {
            if (e.getValue().equals(id)) {
                return new RegisteredSchema(subject, e.getKey(), id, schemasById.get(id));
            }
        }
        throw notFound(SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found", subject, null);
    }

    @Override
    public synchronized Schema getSchemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw notFound(SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found", null,
                    "schema id " + id);
        }
        return schema;
    }

    @Override
    public synchronized List<String> getAllSubjects() {
        return new ArrayList<>(subjects.keySet());
    }

    @Override
    public synchronized List<Integer> getAllVersions(String subject) {
        return new ArrayList<>(versions(subject).keySet());
    }

    @Override
    public synchronized RegisteredSchema getVersion(String subject, int version) {
        Integer id = versions(subject).get(version);
        if (id == null) {
            throw notFound(SchemaRegistryException.VERSION_NOT_FOUND, "Version " + version + " not found.", subject,
                    "version " + version);
        }
        return new RegisteredSchema(subject, version, id, schemasById.get(id));
    }

    @Override
    public synchronized RegisteredSchema getLatestVersion(String subject) {
        return getVersion(subject, versions(subject).lastKey());
    }

    @Override
    public synchronized boolean testCompatibility(String subject, Schema schema) {
        if (!subjects.containsKey(subject)) {
            return true;
        }
        return canRead(schema, getLatestVersion(subject).schema());
    }

    @Override
    public synchronized boolean testCompatibility(String subject, int version, Schema schema) {
        return canRead(schema, getVersion(subject, version).schema());
    }

    private static boolean canRead(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }

    private TreeMap<Integer, Integer> versions(String subject) {
        TreeMap<Integer, Integer> versions = subjects.get(subject);
        if (versions == null) {
            throw notFound(SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.",
                    subject, null);
        }
        return versions;
    }

    private SchemaRegistryException notFound(int code, String message, String subject, String about) {
        return new SchemaRegistryException(404, code, message, url, subject, about, null);
    }
}
