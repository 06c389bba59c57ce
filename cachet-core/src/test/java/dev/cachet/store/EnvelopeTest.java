package dev.cachet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    @Test
    void roundTripsWithTagsAndABodyOfAnyBytes() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("category:7", "123");
        tags.put("product 42 é", "9");
        byte[] body = {0, '\n', (byte) 0xA0, ' ', 5};
        byte[] stored = new Envelope(1_700_000_000_000L, 35, tags, body).toBytes();

        assertThat(Envelope.isEnvelope(stored)).isTrue();
        Envelope parsed = Envelope.parse(stored);
        assertThat(parsed.freshUntil()).isEqualTo(1_700_000_000_000L);
        assertThat(parsed.loadMillis()).isEqualTo(35);
        assertThat(parsed.tags()).containsExactlyEntriesOf(tags);
        assertThat(parsed.body()).isEqualTo(body);
        assertThat(new String(stored, StandardCharsets.UTF_8)).startsWith("\uFFFD1700000000000 35 2\n123 category:7\n");
    }

    @Test
    void stampsAreCurrentOnlyWhileEveryTagHasTheSameVersion() {
        byte[] stored = new Envelope(0, 0, Map.of("a", "1", "b", "2"), new byte[] {1}).toBytes();
        assertThat(Envelope.stampsCurrent(stored, Map.of("a", "1", "b", "2")::get)).isTrue();
        assertThat(Envelope.stampsCurrent(stored, Map.of("a", "1", "b", "3")::get)).isFalse();
        assertThat(Envelope.stampsCurrent(stored, Map.of("a", "1")::get)).as("b invalidated").isFalse();
        assertThat(Envelope.stampsCurrent(new byte[] {'4', '2'}, tag -> null)).as("not an envelope").isTrue();
    }

    @Test
    void malformedEnvelopesAreRefusedByParseAndLeftToDecodingByTheStampCheck() {
        byte[] truncated = {Envelope.MARKER, '1', ' ', '2'};
        assertThatThrownBy(() -> Envelope.parse(truncated)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
        byte[] notANumber = "\u00A0x 0 0\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> Envelope.parse(notANumber)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed envelope number 'x'");
        assertThat(Envelope.stampsCurrent(truncated, tag -> null)).isTrue();
        assertThat(Envelope.stampsOf(truncated)).isEmpty();
    }

    @Test
    void badFieldsAreRefused() {
        assertThatThrownBy(() -> new Envelope(-1, 0, Map.of(), new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Envelope(0, 0, Map.of("t", "12a"), new byte[0]))
                .hasMessageContaining("version of tag 't' must be ASCII digits");
        assertThatThrownBy(() -> new Envelope(0, 0, Map.of("a\nb", "1"), new byte[0]))
                .hasMessageContaining("holds a control character");
    }
}
