package dev.triage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.Prediction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Consumers of posts.predictions hold the schemas already registered under its subject (Prediction-1.avsc: the
 * first published one, fully expanded as the registry holds it; Prediction-2.avsc: with the model's content hash);
 * every change to Prediction must register on top of them under the registry's BACKWARD rule (a new reader reads
 * what old writers wrote).
 */
class PredictionSchemaEvolutionTest {

    @Test
    void theCurrentPredictionSchemaRegistersOverTheFirstOneUnderBackwardCompatibility() throws IOException {
        SchemaRegistryService registry = new SchemaRegistryService(new InMemorySchemaStore(),
                CompatibilityLevel.BACKWARD);
        String subject = "posts.predictions-value";
        int first = registry.register(subject, resource("/schemas/Prediction-1.avsc"), null);
        int current = registry.register(subject, Prediction.getClassSchema().toString(), null);
        assertThat(current).as("a new version, accepted").isNotEqualTo(first);
    }

    @Test
    void theDecisionRegistersOverTheSchemaWithTheModelHash() throws IOException {
        SchemaRegistryService registry = new SchemaRegistryService(new InMemorySchemaStore(),
                CompatibilityLevel.BACKWARD_TRANSITIVE);
        String subject = "posts.predictions-value";
        int first = registry.register(subject, resource("/schemas/Prediction-1.avsc"), null);
        int second = registry.register(subject, resource("/schemas/Prediction-2.avsc"), null);
        int current = registry.register(subject, Prediction.getClassSchema().toString(), null);
        assertThat(java.util.Set.of(first, second, current)).as("three versions, each accepted").hasSize(3);
        assertThat(Prediction.getClassSchema().getField("decision").defaultVal()).as("optional: null by default")
                .isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PredictionSchemaEvolutionTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
