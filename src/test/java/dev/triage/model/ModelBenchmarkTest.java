package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelBenchmarkTest {

    @Test
    void batchSizesAreReadFromACommaSeparatedList() {
        assertThat(ModelBenchmark.batchSizes("1,8,32,64,256")).containsExactly(1, 8, 32, 64, 256);
        assertThat(ModelBenchmark.batchSizes(" 4 ")).containsExactly(4);
    }

    @Test
    void aBatchSizeBelowOneOrUnreadableIsRefused() {
        assertThatThrownBy(() -> ModelBenchmark.batchSizes("8,0")).isInstanceOf(NumberFormatException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> ModelBenchmark.batchSizes("8,x")).isInstanceOf(NumberFormatException.class);
    }
}
