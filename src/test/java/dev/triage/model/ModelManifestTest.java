package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** model.json parsing: the shipped manifest, its contracts, and a round trip through toJson. */
class ModelManifestTest {

    @Test
    void readsTheShippedManifest() {
        ModelManifest m = ModelManifest.read(TestBundles.REFERENCE.resolve("model.json"));
        assertThat(m.labels()).containsExactly("safe", "spam", "harassment", "violence");
        assertThat(m.text().contract()).isEqualTo(new TextContract("hash-ngram-v1", 8192, 48));
        assertThat(m.image().contract().size()).isEqualTo(64);
        assertThat(m.image().contract().channelOrder()).isEqualTo("RGB");
        assertThat(m.audio().contract()).isEqualTo(new AudioContract(16000, 16000));
        assertThat(m.fusion().inputWidth())
                .isEqualTo(m.text().outputWidth() + m.image().outputWidth() + m.audio().outputWidth());
        assertThat(m.fusion().maskOrder()).containsExactly("TEXT", "IMAGE", "AUDIO");
    }

    @Test
    void roundTripsThroughJson(@TempDir Path dir) throws IOException {
        ModelManifest m = ModelManifest.read(TestBundles.REFERENCE.resolve("model.json"));
        Path copy = dir.resolve("model.json");
        Files.writeString(copy, m.toJson());
        assertThat(ModelManifest.read(copy)).isEqualTo(m);
    }
}
