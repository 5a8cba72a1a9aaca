package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BatchedModule's checks of the argument lists against the module's forward arguments, before anything runs. */
class BatchedModuleTest {

    private BatchedModule text;
    private BatchedModule fusion;

    @BeforeEach
    void open() {
        text = new BatchedModule(TestBundles.reference().textEncoder());
        fusion = new BatchedModule(TestBundles.reference().fusionHead());
    }

    @AfterEach
    void close() {
        text.close();
        fusion.close();
    }

    @Test
    void anEmptyBatchGivesNoRowsAndRunsNothing() {
        assertThat(text.run(List.of())).isEmpty();
        assertThat(fusion.run(List.of(), List.of())).isEmpty();
        assertThat(text.hasOpenPredictor()).isFalse();
        assertThat(fusion.hasOpenPredictor()).isFalse();
    }

    @Test
    void aRowOfTheWrongLengthIsRefusedNamingModuleArgumentAndRow() {
        List<float[]> embeddings = List.of(new float[384], new float[384]);
        assertThatThrownBy(() -> fusion.run(embeddings, List.of(new float[3], new float[2])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fusion_head: mask row 1: expected 3 values, got 2");
        assertThatThrownBy(() -> text.run(List.of(new long[3])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text_encoder: tokens row 0: expected 48 values, got 3");
        assertThat(fusion.hasOpenPredictor()).as("refused before the predictor is made").isFalse();
    }

    @Test
    void aRowOfTheWrongTypeOrNullIsRefused() {
        assertThatThrownBy(() -> text.run(List.of(new float[48])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text_encoder: tokens row 0: expected long[] of 48 values, got float[]");
        assertThatThrownBy(() -> text.run(Arrays.asList(new long[48], null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text_encoder: tokens row 1: expected long[] of 48 values, got null");
    }

    @Test
    void idsOutsideTheVocabularyAreRefused() {
        long[] row = new long[48];
        row[5] = -1;
        assertThatThrownBy(() -> text.run(List.of(row)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text_encoder: tokens row 0: id -1 outside [0, 8192)");
    }

    @Test
    void theWrongNumberOfArgumentListsIsRefused() {
        assertThatThrownBy(() -> fusion.run(List.of(new float[384])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fusion_head: expected 2 argument list(s) [embedding, mask], got 1");
        assertThatThrownBy(() -> text.run(List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text_encoder: expected 1 argument list(s) [tokens], got 2");
        assertThatThrownBy(() -> fusion.run(List.of(new float[384], new float[384]), List.of(new float[3])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fusion_head: 2 embedding rows but 1 mask rows");
    }

    @Test
    void aCheckedBatchRunsToOneRowPerInputRow() {
        float[][] out = fusion.run(List.of(new float[384], new float[384]), List.of(new float[3], new float[3]));
        assertThat(out).hasNumberOfRows(2);
        assertThat(out[0]).hasSize(TestBundles.reference().labels().size());
        assertThat(fusion.name()).isEqualTo("fusion_head");
    }
}
