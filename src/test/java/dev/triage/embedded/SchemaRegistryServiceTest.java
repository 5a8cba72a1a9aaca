package dev.triage.embedded;

import static dev.triage.embedded.Schemas.OTHER;
import static dev.triage.embedded.Schemas.USER_RENAMED_FIELD_WITH_DEFAULT;
import static dev.triage.embedded.Schemas.USER_V1;
import static dev.triage.embedded.Schemas.USER_V2_OPTIONAL_FIELD;
import static dev.triage.embedded.Schemas.USER_V2_REQUIRED_FIELD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaRegistryServiceTest {

    private final InMemorySchemaStore store = new InMemorySchemaStore();
    private final SchemaRegistryService registry = new SchemaRegistryService(store);

    @Test
    void sameSchemaGetsSameIdWithinAndAcrossSubjects() {
        int first = registry.register("a-value", USER_V1, null);
        int again = registry.register("a-value", USER_V1.replace("\n", " "), "AVRO");
        int otherSubject = registry.register("b-value", USER_V1, null);
        int different = registry.register("c-value", OTHER, null);

        assertThat(again).isEqualTo(first);
        assertThat(otherSubject).isEqualTo(first);
        assertThat(different).isEqualTo(first + 1);
        assertThat(registry.versions("a-value")).containsExactly(1);
        assertThat(registry.versionsUsingId(first)).extracting(RegistryRecord.SchemaVersion::subject)
                .containsExactly("a-value", "b-value");
    }

    @Test
    void storesCanonicalSchemaText() {
        int id = registry.register("s", USER_V1, null);
        assertThat(registry.schemaById(id)).isEqualTo(new Schema.Parser().parse(USER_V1).toString());
        assertThat(registry.version("s", "1").schema()).doesNotContain("\n");
    }

    @Test
    void backwardByDefaultRejectsNewRequiredFieldAndAcceptsOptionalOne() {
        registry.register("s", USER_V1, null);
        assertThatThrownBy(() -> registry.register("s", USER_V2_REQUIRED_FIELD, null))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("incompatible", "READER_FIELD_MISSING_DEFAULT_VALUE", "age");
                });
        int v2 = registry.register("s", USER_V2_OPTIONAL_FIELD, null);
        assertThat(registry.versions("s")).containsExactly(1, 2);
        assertThat(registry.version("s", "latest").id()).isEqualTo(v2);
    }

    @Test
    void backwardComparesWithLatestOnlyButTransitiveWithAll() {
        registry.register("s", USER_V1, null);
        registry.register("s", USER_RENAMED_FIELD_WITH_DEFAULT, null);
        // Requires "name" without a default: reads v2 data, not v1 data (which has no "name").
        String latestOnly = """
                {"type":"record","name":"User","namespace":"test","fields":[
                  {"name":"name","type":"string"}]}""";
        assertThat(registry.checkCompatibility("s", "latest", latestOnly, null)).isEmpty();
        assertThat(registry.checkCompatibility("s", "1", latestOnly, null)).isNotEmpty();

        registry.setSubjectLevel("s", CompatibilityLevel.BACKWARD_TRANSITIVE);
        assertThatThrownBy(() -> registry.register("s", latestOnly, null))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(409));
        registry.setSubjectLevel("s", CompatibilityLevel.BACKWARD);
        assertThat(registry.register("s", latestOnly, null)).isPositive();
    }

    @Test
    void forwardAndFullCheckTheOtherDirection() {
        registry.setGlobalLevel(CompatibilityLevel.FORWARD);
        registry.register("s", USER_V1, null);
        // Old readers cannot fill "id" from data that lacks it.
        assertThat(registry.checkCompatibility("s", null, USER_RENAMED_FIELD_WITH_DEFAULT, null)).isNotEmpty();
        // Old readers ignore the unknown "age".
        assertThat(registry.checkCompatibility("s", null, USER_V2_REQUIRED_FIELD, null)).isEmpty();

        registry.setGlobalLevel(CompatibilityLevel.FULL);
        assertThat(registry.checkCompatibility("s", null, USER_V2_REQUIRED_FIELD, null)).isNotEmpty();
        assertThat(registry.checkCompatibility("s", null, USER_V2_OPTIONAL_FIELD, null)).isEmpty();

        registry.setGlobalLevel(CompatibilityLevel.NONE);
        assertThat(registry.register("s", OTHER, null)).isPositive();
    }

    @Test
    void subjectLevelOverridesGlobalUntilDeleted() {
        assertThat(registry.globalLevel()).isEqualTo(CompatibilityLevel.BACKWARD);
        registry.setSubjectLevel("s", CompatibilityLevel.NONE);
        assertThat(registry.effectiveLevel("s")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(registry.effectiveLevel("t")).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(registry.deleteSubjectLevel("s")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(registry.subjectLevel("s")).isEmpty();
        assertThat(registry.effectiveLevel("s")).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void deletedSubjectDisappearsButIdsStillResolveAndVersionsContinue() {
        int id = registry.register("s", USER_V1, null);
        assertThat(registry.deleteSubject("s")).containsExactly(1);

        assertThat(registry.subjects()).doesNotContain("s");
        assertThatThrownBy(() -> registry.versions("s"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
        assertThat(registry.schemaById(id)).contains("User");

        // No live version left to be compatible with; the same schema keeps its id.
        assertThat(registry.register("s", USER_V2_REQUIRED_FIELD, null)).isEqualTo(id + 1);
        assertThat(registry.register("s", USER_V1, null)).isEqualTo(id);
        assertThat(registry.versions("s")).containsExactly(2, 3);
    }

    @Test
    void replayingTheStoreRestoresIdsVersionsAndLevels() {
        int user = registry.register("s", USER_V1, null);
        int other = registry.register("o", OTHER, null);
        registry.setGlobalLevel(CompatibilityLevel.FULL);
        registry.setSubjectLevel("o", CompatibilityLevel.NONE);

        SchemaRegistryService restarted = new SchemaRegistryService(store);

        assertThat(restarted.version("s", "1").id()).isEqualTo(user);
        assertThat(restarted.version("o", "latest").id()).isEqualTo(other);
        assertThat(restarted.globalLevel()).isEqualTo(CompatibilityLevel.FULL);
        assertThat(restarted.subjectLevel("o")).contains(CompatibilityLevel.NONE);
        assertThat(restarted.register("n", USER_V2_OPTIONAL_FIELD, null)).isEqualTo(other + 1);
    }

    @Test
    void rejectsInvalidInput() {
        assertThatThrownBy(() -> registry.register("s", "{\"type\":\"record\"}", null))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42201));
        assertThatThrownBy(() -> registry.register("s", "{\"type\":\"object\"}", "JSON"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42201));
        assertThatThrownBy(() -> registry.register("s", null, null))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42201));
        registry.register("s", USER_V1, null);
        assertThatThrownBy(() -> registry.version("s", "0"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42202));
        assertThatThrownBy(() -> registry.version("s", "7"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40402));
        assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42203));
        assertThat(CompatibilityLevel.parse("full_transitive")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    }

    @Test
    void failedStoreWriteIsA50001AndChangesNothing() {
        SchemaRegistryService failing = new SchemaRegistryService(new SchemaStore() {
            @Override
            public java.util.List<RegistryRecord> readAll() {
                return java.util.List.of();
            }

            @Override
            public void append(RegistryRecord record) {
                throw new IllegalStateException("disk on fire");
            }

            @Override
            public void close() {
            }
        });
        assertThatThrownBy(() -> failing.register("s", USER_V1, null))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(500);
                    assertThat(e.errorCode()).isEqualTo(50001);
                });
        assertThat(failing.subjects()).isEmpty();
    }
}
