package dev.triage.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class SyntheticLabelsTest {

    @Test
    void labelsInModelOrder() {
        assertThat(SyntheticLabels.LABELS).containsExactly("safe", "spam", "harassment", "violence");
        assertThat(SyntheticLabels.indexOf("harassment")).isEqualTo(SyntheticLabels.HARASSMENT);
        assertThatThrownBy(() -> SyntheticLabels.indexOf("nsfw")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pairsSpanTwoModalitiesEach() {
        assertThat(SyntheticLabels.pairOf(SyntheticLabels.SAFE)).isEmpty();
        assertThat(SyntheticLabels.pairOf(SyntheticLabels.SPAM)).containsExactlyInAnyOrder(Cue.PROMO_TEXT, Cue.QR_IMAGE);
        assertThat(SyntheticLabels.pairOf(SyntheticLabels.HARASSMENT))
                .containsExactlyInAnyOrder(Cue.INSULT_TEXT, Cue.SHOUT_AUDIO);
        assertThat(SyntheticLabels.pairOf(SyntheticLabels.VIOLENCE))
                .containsExactlyInAnyOrder(Cue.SPLATTER_IMAGE, Cue.GUNSHOT_AUDIO);
        for (int label = 1; label < 4; label++) {
            assertThat(SyntheticLabels.pairOf(label).stream().map(Cue::modality).distinct()).hasSize(2);
        }
    }

    @Test
    void labelOfFindsTheCompletePair() {
        assertThat(SyntheticLabels.labelOf(EnumSet.of(Cue.PROMO_TEXT, Cue.INSULT_TEXT, Cue.SPLATTER_IMAGE,
                Cue.SHOUT_AUDIO))).isEqualTo(SyntheticLabels.HARASSMENT);
        assertThat(SyntheticLabels.labelOf(EnumSet.of(Cue.PROMO_TEXT, Cue.SPLATTER_IMAGE, Cue.SHOUT_AUDIO)))
                .isEqualTo(SyntheticLabels.SAFE);
        assertThatThrownBy(() -> SyntheticLabels.labelOf(EnumSet.of(Cue.PROMO_TEXT, Cue.QR_IMAGE,
                Cue.SPLATTER_IMAGE, Cue.GUNSHOT_AUDIO))).isInstanceOf(IllegalArgumentException.class);
    }
}
