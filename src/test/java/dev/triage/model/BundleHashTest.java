package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleHashTest {

    @Test
    void theHashFollowsEveryByteOfEveryFileAndWhereOneEndsAndTheNextBegins(@TempDir Path dir) throws IOException {
        Path a = Files.write(dir.resolve("a"), new byte[] {1, 2});
        Path b = Files.write(dir.resolve("b"), new byte[] {3});
        String hash = BundleHash.of(a, b);
        assertThat(hash).matches("sha256:[0-9a-f]{64}").isEqualTo(BundleHash.of(a, b));

        Files.write(a, new byte[] {1});
        Files.write(b, new byte[] {2, 3});
        assertThat(BundleHash.of(a, b)).as("same bytes, split differently").isNotEqualTo(hash);
        Files.write(a, new byte[] {1, 2});
        Files.write(b, new byte[] {4});
        assertThat(BundleHash.of(a, b)).as("one byte changed").isNotEqualTo(hash);
    }

    @Test
    void theReferenceBundlesHashIsItsContent() {
        Path ref = Path.of("models/reference");
        String hash = BundleHash.of(ref.resolve("model.json"), ref.resolve("text_encoder.pt"),
                ref.resolve("image_encoder.pt"), ref.resolve("audio_encoder.pt"), ref.resolve("fusion_head.pt"));
        assertThat(hash).startsWith("sha256:").hasSize(7 + 64);
    }
}
