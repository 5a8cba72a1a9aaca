package dev.triage.demo;

import dev.triage.avro.Modality;

/** A content cue the synthetic generator can put into one modality of a post. */
public enum Cue {
    /** Promotional words: free, prize, winner, click, offer... */
    PROMO_TEXT(Modality.TEXT),
    /** Insults: idiot, loser, pathetic... */
    INSULT_TEXT(Modality.TEXT),
    /** A black and white block grid, like a QR code. */
    QR_IMAGE(Modality.IMAGE),
    /** Red splatter: an irregular blob with droplets in saturated red. */
    SPLATTER_IMAGE(Modality.IMAGE),
    /** Loud harmonic voice-like tone, 120-300 Hz fundamental with vibrato. */
    SHOUT_AUDIO(Modality.AUDIO),
    /** Decaying broadband impulses. */
    GUNSHOT_AUDIO(Modality.AUDIO);

    private final Modality modality;

    Cue(Modality modality) {
        this.modality = modality;
    }

    public Modality modality() {
        return modality;
    }
}
