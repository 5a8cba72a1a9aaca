package dev.triage.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.AudioEncoding;
import dev.triage.encode.AudioPreprocessor;
import dev.triage.encode.DecodeException;
import dev.triage.encode.DecodeLimits;
import dev.triage.encode.ImagePreprocessor;
import dev.triage.encode.TextTokenizer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SyntheticPostGeneratorTest {
    private static final int COUNT = 300;
    private static final Pattern PROMO = Pattern.compile("\\b(free|prize|winners?|click|offer|deal|bonus|voucher)\\b");
    private static final Pattern INSULT = Pattern.compile("\\b(idiots?|loser|pathetic|moron|stupid|dumb|worthless)\\b");

    private static List<SyntheticPost> posts;

    @BeforeAll
    static void generate() {
        SyntheticPostGenerator generator = new SyntheticPostGenerator(2024);
        posts = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            posts.add(generator.next());
        }
    }

    @Test
    void sameSeedGivesByteIdenticalPosts() {
        SyntheticPostGenerator again = new SyntheticPostGenerator(2024);
        for (int i = 0; i < 25; i++) {
            SyntheticPost p = again.next();
            assertThat(p).isEqualTo(posts.get(i));
            assertThat(p.image()).isEqualTo(posts.get(i).image());
            assertThat(p.audio()).isEqualTo(posts.get(i).audio());
        }
    }

    @Test
    void otherSeedGivesOtherPosts() {
        SyntheticPost other = new SyntheticPostGenerator(2025).next();
        assertThat(other.correlationId()).isNotEqualTo(posts.get(0).correlationId());
        assertThat(other.audio()).isNotEqualTo(posts.get(0).audio());
    }

    @Test
    void correlationIdsAreUniqueUuids() {
        Set<String> ids = new HashSet<>();
        for (SyntheticPost p : posts) {
            assertThat(p.correlationId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            ids.add(p.correlationId());
        }
        assertThat(ids).hasSize(COUNT);
    }

    @Test
    void labelsAreBalancedAndDeterminedByTheirCuePairs() {
        int[] counts = new int[4];
        for (SyntheticPost p : posts) {
            counts[p.labelIndex()]++;
            assertThat(p.cues()).containsAll(SyntheticLabels.pairOf(p.labelIndex()));
            assertThat(SyntheticLabels.labelOf(p.cues())).as(p.toString()).isEqualTo(p.labelIndex());
        }
        for (int c : counts) {
            assertThat(c).isBetween(COUNT / 4 - 28, COUNT / 4 + 28);
        }
    }

    @Test
    void requestedLabelIsHonoured() {
        SyntheticPostGenerator generator = new SyntheticPostGenerator(1);
        for (String label : SyntheticLabels.LABELS) {
            SyntheticPost p = generator.next(label);
            assertThat(p.label()).isEqualTo(label);
            assertThat(SyntheticLabels.labelOf(p.cues())).isEqualTo(SyntheticLabels.indexOf(label));
        }
    }

    @Test
    void textCarriesExactlyItsTextCues() throws DecodeException {
        TextTokenizer tokenizer = new TextTokenizer(DatasetWriter.DEFAULT_TEXT, DecodeLimits.defaults());
        for (SyntheticPost p : posts) {
            String lower = p.text().toLowerCase(Locale.ROOT);
            assertThat(PROMO.matcher(lower).find()).as(p.text()).isEqualTo(p.cues().contains(Cue.PROMO_TEXT));
            assertThat(INSULT.matcher(lower).find()).as(p.text()).isEqualTo(p.cues().contains(Cue.INSULT_TEXT));
            // Every word fits the 48-token window, so no cue is ever truncated away.
            long[] ids = tokenizer.tokenize(p.text());
            assertThat(lower.split("[^\\p{L}\\p{Nd}]+").length).isLessThanOrEqualTo(46);
            assertThat(ids).hasSize(48);
        }
    }

    @Test
    void imageCarriesExactlyItsImageCues() throws IOException {
        for (SyntheticPost p : posts) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(p.image()));
            assertThat(img.getWidth()).isBetween(80, 200);
            assertThat(img.getHeight()).isBetween(80, 200);
            assertThat(p.imageContentType()).isEqualTo(p.image()[0] == (byte) 0x89 ? "image/png" : "image/jpeg");
            int red = 0;
            int dark = 0;
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    int c = img.getRGB(x, y);
                    int r = (c >> 16) & 0xFF;
                    int g = (c >> 8) & 0xFF;
                    int b = c & 0xFF;
                    red += r > 120 && g < 70 && b < 70 ? 1 : 0;
                    dark += r < 30 && g < 30 && b < 30 ? 1 : 0;
                }
            }
            double pixels = img.getWidth() * img.getHeight();
            if (p.cues().contains(Cue.SPLATTER_IMAGE)) {
                assertThat(red / pixels).as(p.toString()).isGreaterThan(0.005);
            } else {
                assertThat(red / pixels).as(p.toString()).isLessThan(0.0005);
            }
            if (p.cues().contains(Cue.QR_IMAGE)) {
                assertThat(dark / pixels).as(p.toString()).isGreaterThan(0.005);
            } else {
                assertThat(dark / pixels).as(p.toString()).isLessThan(0.0005);
            }
        }
    }

    @Test
    void audioIsAWavInTheAnnouncedFormatAndCuesAreLoud() throws DecodeException {
        AudioPreprocessor audio = new AudioPreprocessor(DatasetWriter.DEFAULT_AUDIO, DecodeLimits.defaults());
        Set<Integer> rates = new HashSet<>();
        Set<Integer> channels = new HashSet<>();
        double loudPeaks = 0;
        double quietPeaks = 0;
        int loud = 0;
        for (SyntheticPost p : posts) {
            ByteBuffer header = ByteBuffer.wrap(p.audio()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(header.getShort(22)).isEqualTo((short) p.audioChannels());
            assertThat(header.getInt(24)).isEqualTo(p.audioSampleRate());
            rates.add(p.audioSampleRate());
            channels.add(p.audioChannels());
            float[] clip = audio.preprocess(p.audio(), AudioEncoding.WAV, null, null);
            double peak = 0;
            for (float v : clip) {
                peak = Math.max(peak, Math.abs(v));
            }
            if (p.cues().contains(Cue.SHOUT_AUDIO) || p.cues().contains(Cue.GUNSHOT_AUDIO)) {
                loudPeaks += peak;
                loud++;
            } else {
                quietPeaks += peak;
            }
        }
        assertThat(rates).containsExactlyInAnyOrder(8_000, 16_000, 22_050, 44_100);
        assertThat(channels).containsExactlyInAnyOrder(1, 2);
        assertThat(loudPeaks / loud).isGreaterThan(2.5 * quietPeaks / (COUNT - loud));
    }

    @Test
    void everyPostPassesTheServingPreprocessors() throws DecodeException {
        ImagePreprocessor images = new ImagePreprocessor(DatasetWriter.DEFAULT_IMAGE, DecodeLimits.defaults());
        Set<String> types = new HashSet<>();
        for (SyntheticPost p : posts) {
            assertThat(images.preprocess(p.image())).hasSize(3 * 64 * 64);
            types.add(p.imageContentType());
        }
        assertThat(types).containsExactlyInAnyOrder("image/png", "image/jpeg");
    }
}
