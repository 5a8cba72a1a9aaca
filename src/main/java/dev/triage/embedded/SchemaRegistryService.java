package dev.triage.embedded;

import dev.triage.embedded.RegistryRecord.CompatibilityConfig;
import dev.triage.embedded.RegistryRecord.SchemaVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * The registry's rules, independent of HTTP: subjects with numbered versions, global schema ids shared by
 * equal schemas, compatibility levels and their enforcement. State is rebuilt from a {@link SchemaStore} on
 * construction and every change is written to it before it becomes visible. Thread-safe (one lock).
 *
 * <p>Failures are {@link RegistryException}s carrying Confluent's error codes.
 */
public final class SchemaRegistryService {

    /** The schema type this registry accepts; others are rejected as invalid schemas. */
    public static final String AVRO = "AVRO";

    private final SchemaStore store;
    private final CompatibilityLevel defaultLevel;

    private final Map<String, NavigableMap<Integer, SchemaVersion>> subjects = new TreeMap<>();
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private int maxId;

    /**
     * Replays {@code store}.
     *
     * @param defaultLevel global level until one is set through {@link #setGlobalLevel}
     */
    public SchemaRegistryService(SchemaStore store, CompatibilityLevel defaultLevel) {
        this.store = Objects.requireNonNull(store, "store");
        this.defaultLevel = Objects.requireNonNull(defaultLevel, "defaultLevel");
        this.globalLevel = defaultLevel;
        store.readAll().forEach(this::apply);
    }

    /** A service with BACKWARD as the default level. */
    public SchemaRegistryService(SchemaStore store) {
        this(store, CompatibilityLevel.BACKWARD);
    }

    /**
     * Registers a schema under a subject. A schema already registered under the subject returns its id
     * without a new version; otherwise the schema must pass the subject's compatibility level, and gets the
     * id of an equal schema registered under any subject, or the next free id.
     *
     * @param schemaType null or "AVRO"
     * @return the schema id
     */
    public synchronized int register(String subject, String schemaText, String schemaType) {
        Schema schema = parse(schemaText, schemaType);
        String canonical = schema.toString();
        Optional<SchemaVersion> existing = liveVersions(subject).stream()
                .filter(v -> v.schema().equals(canonical))
                .findFirst();
        if (existing.isPresent()) {
            return existing.get().id();
        }
        CompatibilityLevel level = effectiveLevel(subject);
        List<String> problems = level.incompatibilities(schema, schemasToCheck(subject, level));
        if (!problems.isEmpty()) {
            throw RegistryException.incompatible(subject, problems.toString());
        }
        int id = idsBySchema.getOrDefault(canonical, maxId + 1);
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        int version = versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
        write(new SchemaVersion(subject, version, id, canonical, false));
        return id;
    }

    /**
     * The version of {@code subject} holding this schema.
     *
     * @throws RegistryException 40401 unknown subject, 40403 schema not under the subject, 42201 invalid schema
     */
    public synchronized SchemaVersion lookup(String subject, String schemaText, String schemaType) {
        List<SchemaVersion> live = requireLiveVersions(subject);
        String canonical = parse(schemaText, schemaType).toString();
        return live.stream()
                .filter(v -> v.schema().equals(canonical))
                .findFirst()
                .orElseThrow(RegistryException::schemaNotFound);
    }

    /** The schema (canonical Avro JSON) with this id; 40403 when unknown. */
    public synchronized String schemaById(int id) {
        String schema = schemasById.get(id);
        if (schema == null) {
            throw RegistryException.schemaNotFound(id);
        }
        return schema;
    }

    /** Live subject versions that use schema {@code id}; 40403 when the id is unknown. */
    public synchronized List<SchemaVersion> versionsUsingId(int id) {
        schemaById(id);
        List<SchemaVersion> uses = new ArrayList<>();
        subjects.values().forEach(versions -> versions.values().stream()
                .filter(v -> !v.deleted() && v.id() == id)
                .forEach(uses::add));
        return uses;
    }

    /** Subjects with at least one live version, sorted. */
    public synchronized List<String> subjects() {
        return subjects.keySet().stream().filter(s -> !liveVersions(s).isEmpty()).toList();
    }

    /** Live version numbers of a subject, ascending; 40401 when it has none. */
    public synchronized List<Integer> versions(String subject) {
        return requireLiveVersions(subject).stream().map(SchemaVersion::version).toList();
    }

    /**
     * One live version of a subject.
     *
     * @param versionSpec a positive number, "latest" or "-1"
     * @throws RegistryException 40401 unknown subject, 40402 unknown version, 42202 malformed version
     */
    public synchronized SchemaVersion version(String subject, String versionSpec) {
        int requested = parseVersion(versionSpec);
        List<SchemaVersion> live = requireLiveVersions(subject);
        if (requested == -1) {
            return live.get(live.size() - 1);
        }
        return live.stream()
                .filter(v -> v.version() == requested)
                .findFirst()
                .orElseThrow(() -> RegistryException.versionNotFound(requested));
    }

    /**
     * Checks a schema against one version of the subject ({@code versionSpec} given) or, with a null
     * {@code versionSpec}, against the versions the subject's level compares with on registration.
     *
     * @return incompatibilities, empty when compatible
     */
    public synchronized List<String> checkCompatibility(String subject, String versionSpec, String schemaText,
            String schemaType) {
        CompatibilityLevel level = effectiveLevel(subject);
        List<Schema> against;
        if (versionSpec == null) {
            requireLiveVersions(subject);
            against = schemasToCheck(subject, level);
        } else {
            against = List.of(parse(version(subject, versionSpec).schema(), null));
        }
        Schema candidate = parse(schemaText, schemaType);
        return level.incompatibilities(candidate, against);
    }

    /**
     * Soft-deletes every live version of a subject: it disappears from listings and lookups, its schema
     * ids keep resolving, and a later registration continues the version numbering.
     *
     * @return the deleted version numbers; 40401 when the subject has no live versions
     */
    public synchronized List<Integer> deleteSubject(String subject) {
        List<SchemaVersion> live = requireLiveVersions(subject);
        for (SchemaVersion version : live) {
            write(version.asDeleted());
        }
        return live.stream().map(SchemaVersion::version).toList();
    }

    /** The global compatibility level. */
    public synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    /** Sets the global compatibility level. */
    public synchronized void setGlobalLevel(CompatibilityLevel level) {
        write(new CompatibilityConfig(null, Objects.requireNonNull(level)));
    }

    /** A subject's own level, if it has one. */
    public synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /** Sets a subject's own level. */
    public synchronized void setSubjectLevel(String subject, CompatibilityLevel level) {
        write(new CompatibilityConfig(Objects.requireNonNull(subject), Objects.requireNonNull(level)));
    }

    /**
     * Removes a subject's own level, so the global one applies.
     *
     * @return the removed level; 40401 when the subject had none
     */
    public synchronized CompatibilityLevel deleteSubjectLevel(String subject) {
        CompatibilityLevel previous = subjectLevels.get(subject);
        if (previous == null) {
            throw RegistryException.subjectNotFound(subject);
        }
        write(new CompatibilityConfig(subject, null));
        return previous;
    }

    /** The level that applies to a subject: its own or the global one. */
    public synchronized CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    private void write(RegistryRecord record) {
        try {
            store.append(record);
        } catch (RuntimeException e) {
            throw RegistryException.backendStore(e);
        }
        apply(record);
    }

    private void apply(RegistryRecord record) {
        if (record instanceof SchemaVersion version) {
            subjects.computeIfAbsent(version.subject(), s -> new TreeMap<>()).put(version.version(), version);
            schemasById.putIfAbsent(version.id(), version.schema());
            idsBySchema.putIfAbsent(version.schema(), version.id());
            maxId = Math.max(maxId, version.id());
        } else if (record instanceof CompatibilityConfig config) {
            if (config.subject() == null) {
                globalLevel = config.level() == null ? defaultLevel : config.level();
            } else if (config.level() == null) {
                subjectLevels.remove(config.subject());
            } else {
                subjectLevels.put(config.subject(), config.level());
            }
        }
    }

    private List<SchemaVersion> liveVersions(String subject) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        return versions.values().stream().filter(v -> !v.deleted()).toList();
    }

    private List<SchemaVersion> requireLiveVersions(String subject) {
        List<SchemaVersion> live = liveVersions(subject);
        if (live.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return live;
    }

    /** Latest live version only, or all of them for transitive levels; none for NONE. */
    private List<Schema> schemasToCheck(String subject, CompatibilityLevel level) {
        List<SchemaVersion> live = liveVersions(subject);
        if (level == CompatibilityLevel.NONE || live.isEmpty()) {
            return List.of();
        }
        List<SchemaVersion> chosen = level.transitive() ? live : List.of(live.get(live.size() - 1));
        return chosen.stream().map(v -> parse(v.schema(), null)).toList();
    }

    private static int parseVersion(String versionSpec) {
        if (versionSpec.equals("latest")) {
            return -1;
        }
        try {
            int version = Integer.parseInt(versionSpec);
            if (version == -1 || version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // fall through to the registry's error
        }
        throw RegistryException.invalidVersion(versionSpec);
    }

    private static Schema parse(String schemaText, String schemaType) {
        if (schemaType != null && !schemaType.equals(AVRO)) {
            throw RegistryException.invalidSchema("unsupported schema type " + schemaType + ", only AVRO is supported");
        }
        if (schemaText == null || schemaText.isBlank()) {
            throw RegistryException.invalidSchema("empty schema");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (AvroRuntimeException | IllegalArgumentException | NullPointerException e) {
            throw RegistryException.invalidSchema(String.valueOf(e.getMessage()));
        }
    }
}
