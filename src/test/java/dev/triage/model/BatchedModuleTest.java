package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.triage.inference.Tensors;
import java.nio.ByteBuffer;
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

    @Test
    void rowsGivenAsLittleEndianBytesScoreAsTheSameRowsGivenAsArrays() {
        long[] ids = new long[48];
        for (int i = 0; i < 10; i++) {
            ids[i] = 7 + 13L * i;
        }
        float[] embedding = new float[384];
        for (int i = 0; i < embedding.length; i++) {
            embedding[i] = (float) Math.sin(i);
        }
        float[] mask = {1, 0, 1};

        assertThat(text.run(List.of(Tensors.longsLE(ids)))).isDeepEqualTo(text.run(List.of(ids)));
        assertThat(fusion.run(List.of(Tensors.floatsLE(embedding)), List.of(Tensors.floatsLE(mask))))
                .isDeepEqualTo(fusion.run(List.of(embedding), List.of(mask)));
    }

    @Test
    void aReusedStagingBufferCarriesNothingFromAnEarlierLargerBatch() {
        float[][] rows = new float[3][384];
        for (int r = 0; r < rows.length; r++) {
            Arrays.fill(rows[r], r + 1);
        }
        float[][] masks = {{1, 1, 1}, {1, 0, 0}, {0, 1, 1}};
        float[][] alone = new float[3][];
        for (int r = 0; r < 3; r++) {
            alone[r] = fusion.run(List.of(rows[r]), List.of(masks[r]))[0];
        }

        float[][] three = fusion.run(List.of(rows[0], rows[1], rows[2]), List.of(masks[0], masks[1], masks[2]));
        float[][] thenOne = fusion.run(List.of(rows[2]), List.of(masks[2]));

        for (int r = 0; r < 3; r++) {
            assertThat(three[r]).containsExactly(alone[r], offset(1e-5f));
        }
        assertThat(thenOne[0]).containsExactly(alone[2], offset(1e-5f));
    }

    @Test
    void aBytesRowOfTheWrongSizeOrWithIdsOutsideTheVocabularyIsRefused() {
        assertThatThrownBy(() -> text.run(List.of(ByteBuffer.allocate(47 * 8))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text_encoder: tokens row 0: expected 48 values, got 47");
        assertThatThrownBy(() -> text.run(List.of(ByteBuffer.allocate(48 * 8 - 3))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text_encoder: tokens row 0: expected 48 values, got 381 bytes");
        long[] ids = new long[48];
        ids[47] = 8192;
        assertThatThrownBy(() -> text.run(List.of(new long[48], Tensors.longsLE(ids))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text_encoder: tokens row 1: id 8192 outside [0, 8192)");
        assertThat(text.hasOpenPredictor()).as("refused before the predictor is made").isFalse();
    }
}
