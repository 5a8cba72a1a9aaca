package dev.triage.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * JSON key and value bytes of a {@link RegistryRecord} in the {@code _schemas} topic, in the layout
 * Confluent's registry uses: key {@code {"keytype":"SCHEMA","subject":..,"version":..,"magic":1}} with value
 * {@code {"subject","version","id","schema","deleted"}}, and key {@code {"keytype":"CONFIG","subject":..,
 * "magic":0}} with value {@code {"compatibilityLevel":..}} (null value: subject level removed).
 */
final class RegistryRecordCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryRecordCodec() {
    }

    static byte[] key(RegistryRecord record) {
        ObjectNode key = JSON.createObjectNode();
        if (record instanceof RegistryRecord.SchemaVersion schema) {
            key.put("keytype", "SCHEMA").put("subject", schema.subject()).put("version", schema.version())
                    .put("magic", 1);
        } else if (record instanceof RegistryRecord.CompatibilityConfig config) {
            key.put("keytype", "CONFIG").put("subject", config.subject()).put("magic", 0);
        }
        return bytes(key);
    }

    /** Value bytes; null (a tombstone) for a removed subject-level config. */
    static byte[] value(RegistryRecord record) {
        if (record instanceof RegistryRecord.SchemaVersion schema) {
            ObjectNode value = JSON.createObjectNode()
                    .put("subject", schema.subject())
                    .put("version", schema.version())
                    .put("id", schema.id())
                    .put("schema", schema.schema())
                    .put("deleted", schema.deleted());
            return bytes(value);
        }
        RegistryRecord.CompatibilityConfig config = (RegistryRecord.CompatibilityConfig) record;
        if (config.level() == null) {
            return null;
        }
        return bytes(JSON.createObjectNode().put("compatibilityLevel", config.level().name()));
    }

    /**
     * Decodes one topic record; empty for key types this registry does not use (e.g. Confluent's NOOP).
     *
     * @throws IllegalArgumentException for malformed JSON
     */
    static Optional<RegistryRecord> decode(byte[] keyBytes, byte[] valueBytes) {
        JsonNode key = tree(keyBytes);
        String keyType = key.path("keytype").asText();
        if (keyType.equals("SCHEMA")) {
            if (valueBytes == null) {
                return Optional.empty();
            }
            JsonNode value = tree(valueBytes);
            return Optional.of(new RegistryRecord.SchemaVersion(
                    value.get("subject").asText(),
                    value.get("version").asInt(),
                    value.get("id").asInt(),
                    value.get("schema").asText(),
                    value.path("deleted").asBoolean(false)));
        }
        if (keyType.equals("CONFIG")) {
            String subject = key.path("subject").isTextual() ? key.get("subject").asText() : null;
            CompatibilityLevel level = valueBytes == null ? null
                    : CompatibilityLevel.parse(tree(valueBytes).path("compatibilityLevel").asText());
            return Optional.of(new RegistryRecord.CompatibilityConfig(subject, level));
        }
        return Optional.empty();
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tree(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed registry record: " + e.getMessage(), e);
        }
    }
}
