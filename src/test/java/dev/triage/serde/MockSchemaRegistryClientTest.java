package dev.triage.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class MockSchemaRegistryClientTest {
    private static final Schema V1 = SchemaBuilder.record("Thing").namespace("t").fields()
            .requiredString("name").endRecord();
    private static final Schema V2 = SchemaBuilder.record("Thing").namespace("t").fields()
            .requiredString("name").name("size").type().intType().intDefault(1).endRecord();
    private static final Schema V3_INCOMPATIBLE = SchemaBuilder.record("Thing").namespace("t").fields()
            .requiredString("name").requiredLong("weight").endRecord();

    @Test
    void assignsGlobalIdsAndSubjectVersions() {
        MockSchemaRegistryClient registry = new MockSchemaRegistryClient("ids");
        int id1 = registry.register("a-value", V1);
        int id2 = registry.register("a-value", V2);
        int again = registry.register("a-value", V1);
        int otherSubject = registry.register("b-value", V2);

        assertThat(id2).isNotEqualTo(id1);
        assertThat(again).isEqualTo(id1);
        assertThat(otherSubject).isEqualTo(id2);
        assertThat(registry.getAllSubjects()).containsExactly("a-value", "b-value");
        assertThat(registry.getAllVersions("a-value")).containsExactly(1, 2);
        assertThat(registry.getAllVersions("b-value")).containsExactly(1);
        assertThat(registry.getLatestVersion("a-value")).isEqualTo(new RegisteredSchema("a-value", 2, id2, V2));
        assertThat(registry.getVersion("a-value", 1).schema()).isEqualTo(V1);
        assertThat(registry.lookup("b-value", V2)).isEqualTo(new RegisteredSchema("b-value", 1, id2, V2));
        assertThat(registry.getId("a-value", V2)).isEqualTo(id2);
        assertThat(registry.getSchemaById(id1)).isEqualTo(V1);
    }

    @Test
    void missingThingsAreConfluentNotFoundErrors() {
        MockSchemaRegistryClient registry = new MockSchemaRegistryClient("missing");
        registry.register("a-value", V1);

        assertThat(catchThrowableOfType(SchemaRegistryException.class, () -> registry.getSchemaById(99)).errorCode())
                .isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
        assertThat(catchThrowableOfType(SchemaRegistryException.class, () -> registry.getLatestVersion("nope"))
                .errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
        assertThat(catchThrowableOfType(SchemaRegistryException.class, () -> registry.getVersion("a-value", 5))
                .errorCode()).isEqualTo(SchemaRegistryException.VERSION_NOT_FOUND);
        SchemaRegistryException notUnderSubject = catchThrowableOfType(SchemaRegistryException.class,
                () -> registry.lookup("a-value", V2));
        assertThat(notUnderSubject.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
        assertThat(notUnderSubject.status()).isEqualTo(404);
        assertThat(notUnderSubject.getMessage()).contains("mock://missing", "a-value");
    }

    @Test
    void registrationEnforcesNothingButCompatibilityCanBeAsked() {
        MockSchemaRegistryClient registry = new MockSchemaRegistryClient("compat");
        registry.register("a-value", V1);

        assertThat(registry.testCompatibility("a-value", V2)).isTrue();
        assertThat(registry.testCompatibility("a-value", V3_INCOMPATIBLE)).isFalse();
        assertThat(registry.testCompatibility("new-value", V3_INCOMPATIBLE)).isTrue();
        registry.register("a-value", V3_INCOMPATIBLE);
        assertThat(registry.getAllVersions("a-value")).containsExactly(1, 2);
        assertThat(registry.testCompatibility("a-value", 1, V2)).isTrue();
    }

    @Test
    void scopesAreSharedUntilDropped() {
        MockSchemaRegistryClient a = MockSchemaRegistryClient.forScope("shared-scope");
        try {
            assertThat(MockSchemaRegistryClient.forScope("shared-scope")).isSameAs(a);
            assertThat(SchemaRegistryClients.create(RegistryConfig.forUrl("mock://shared-scope"))).isSameAs(a);
            assertThat(MockSchemaRegistryClient.forScope("other-scope")).isNotSameAs(a);
            assertThat(a.url()).isEqualTo("mock://shared-scope");
        } finally {
            MockSchemaRegistryClient.dropScope("shared-scope");
            MockSchemaRegistryClient.dropScope("other-scope");
        }
        assertThat(MockSchemaRegistryClient.forScope("shared-scope")).isNotSameAs(a);
        MockSchemaRegistryClient.dropScope("shared-scope");
    }
}
